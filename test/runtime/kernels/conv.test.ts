// conv2d (generic and the 1x1 pointwise fast path) against a float reference (within one
// quantization step) and an integer reference written the TFLM way (exactly equal).
import { describe, expect, it } from 'vitest';
import { OP_CONV2D, type ConvOp } from '../../../src/format/schema.js';
import { quantizeMultiplier } from '../../../src/format/multiplier.js';
import { conv2d, conv2dGeneric } from '../../../src/runtime/kernels/conv.js';
import { pointwiseConv2d } from '../../../src/runtime/kernels/pointwise.js';
import type { Tensor } from '../../../src/runtime/tensor.js';
import { planOp, type PlannedOp } from '../../../src/runtime/plan.js';
import '../../../src/runtime/fast-kernels.js'; // registers the JS fast kernels with planOp
import {
  calibrate, clampRef, mbqmRef, quantRef, randClamp, randInt, randInt8, randScale, rng, tensor,
} from '../reference.js';

interface Geometry {
  inH: number; inW: number; inC: number; outC: number; groups: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
}

function outSize(inSize: number, k: number, stride: number, dilation: number, padA: number, padB: number): number {
  return Math.floor((inSize + padA + padB - dilation * (k - 1) - 1) / stride) + 1;
}

/** Real-valued convolution of the dequantized input and weights (bias included), per output. */
function floatConv(g: Geometry, input: Tensor, weights: Int8Array, wScale: number[], bias: Int32Array,
  outH: number, outW: number): Float64Array {
  const gin = g.inC / g.groups;
  const gout = g.outC / g.groups;
  const out = new Float64Array(outH * outW * g.outC);
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let oc = 0; oc < g.outC; oc++) {
    let sum = input.scale * wScale[oc] * bias[oc];
    for (let ky = 0; ky < g.kernelH; ky++) for (let kx = 0; kx < g.kernelW; kx++) {
      const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (iy < 0 || ix < 0 || iy >= g.inH || ix >= g.inW) continue;
      for (let ic = 0; ic < gin; ic++) {
        const xv = input.scale * (input.data[(iy * g.inW + ix) * g.inC + Math.floor(oc / gout) * gin + ic] - input.zeroPoint);
        sum += xv * wScale[oc] * weights[((oc * g.kernelH + ky) * g.kernelW + kx) * gin + ic];
      }
    }
    out[(oy * outW + ox) * g.outC + oc] = sum;
  }
  return out;
}

/** TFLM ConvPerChannel, written plainly with the BigInt requantization reference. */
function tflmConv(op: ConvOp, input: Tensor, output: Tensor): Int8Array {
  const [inH, inW, inC] = input.shape;
  const [outH, outW, outC] = output.shape;
  const filterDepth = inC / op.groups;
  const filtersPerGroup = outC / op.groups;
  const out = new Int8Array(outH * outW * outC);
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let oc = 0; oc < outC; oc++) {
    const group = Math.floor(oc / filtersPerGroup);
    let acc = 0;
    for (let fy = 0; fy < op.kernelH; fy++) for (let fx = 0; fx < op.kernelW; fx++) {
      const iy = oy * op.strideH - op.padTop + op.dilationH * fy;
      const ix = ox * op.strideW - op.padLeft + op.dilationW * fx;
      const inside = ix >= 0 && ix < inW && iy >= 0 && iy < inH;
      if (!inside) continue;
      for (let c = 0; c < filterDepth; c++) {
        const inputVal = input.data[(iy * inW + ix) * inC + c + group * filterDepth];
        const filterVal = op.weights[((oc * op.kernelH + fy) * op.kernelW + fx) * filterDepth + c];
        acc += filterVal * (inputVal - input.zeroPoint);
      }
    }
    acc += op.bias[oc];
    const m = op.multiplier.length === 1 ? 0 : oc;
    acc = mbqmRef(acc, op.multiplier[m], op.shift[m]) + output.zeroPoint;
    out[(oy * outW + ox) * outC + oc] = clampRef(acc, op.actMin, op.actMax);
  }
  return out;
}

function makeCase(r: () => number, g: Geometry, perTensor = false) {
  const outH = outSize(g.inH, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom);
  const outW = outSize(g.inW, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight);
  const input = tensor([g.inH, g.inW, g.inC], randScale(r, 0.005, 0.05), randInt(r, -100, 100),
    randInt8(r, g.inH * g.inW * g.inC));
  const gin = g.inC / g.groups;
  const weights = randInt8(r, g.outC * g.kernelH * g.kernelW * gin, -127, 127);
  const oneScale = randScale(r, 0.002, 0.02);
  const wScale = Array.from({ length: g.outC }, () => (perTensor ? oneScale : randScale(r, 0.002, 0.02)));
  const bias = Int32Array.from({ length: g.outC }, () => randInt(r, -3000, 3000));
  const reals = floatConv(g, input, weights, wScale, bias, outH, outW);
  const q = calibrate(reals);
  const output = tensor([outH, outW, g.outC], q.scale, q.zeroPoint);
  const nm = perTensor ? 1 : g.outC;
  const multiplier = new Int32Array(nm);
  const shift = new Int32Array(nm);
  for (let c = 0; c < nm; c++) {
    const qm = quantizeMultiplier((input.scale * wScale[c]) / output.scale);
    multiplier[c] = qm.multiplier;
    shift[c] = qm.shift;
  }
  const op: ConvOp = {
    type: OP_CONV2D, inputs: [0], outputs: [1], ...g, ...randClamp(r, output.zeroPoint),
    weights, bias, multiplier, shift,
  };
  const expectedFloat = Array.from(reals, (v) => clampRef(quantRef(v, output.scale, output.zeroPoint), op.actMin, op.actMax));
  return { op, input, output, expectedFloat };
}

/** Espruino's E.convolve as documented: v = 0; for (i in a) v += a[i] * b[(i + offset) % b.length]. */
function fakeConvolve(calls: number[]) {
  return (a: Int8Array, b: Int8Array, offset: number) => {
    calls[0]++;
    let v = 0;
    for (let i = 0; i < a.length; i++) v += a[i] * b[(i + offset) % b.length];
    return v;
  };
}

function randomGeometry(r: () => number): Geometry {
  const groups = [1, 1, 2, 3][randInt(r, 0, 3)];
  const kernelH = randInt(r, 1, 5);
  const kernelW = randInt(r, 1, 5);
  return {
    inH: randInt(r, kernelH, 12), inW: randInt(r, kernelW, 12),
    inC: groups * randInt(r, 1, 5), outC: groups * randInt(r, 1, 5), groups,
    kernelH, kernelW, strideH: randInt(r, 1, 3), strideW: randInt(r, 1, 3),
    dilationH: randInt(r, 1, 2), dilationW: randInt(r, 1, 2),
    padTop: randInt(r, 0, kernelH - 1), padLeft: randInt(r, 0, kernelW - 1),
    padBottom: randInt(r, 0, kernelH - 1), padRight: randInt(r, 0, kernelW - 1),
  };
}

describe('conv2d', () => {
  it('matches the TFLM integer reference exactly and the float reference within one step', () => {
    const r = rng(1);
    let outputs = 0;
    let exactFloat = 0;
    let hookCalls = 0;
    for (let t = 0; t < 200; t++) {
      const g = randomGeometry(r);
      if (outSize(g.inH, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom) < 1 ||
          outSize(g.inW, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight) < 1) continue;
      const { op, input, output, expectedFloat } = makeCase(r, g, t % 5 === 0);
      conv2d(op, input, output);
      expect(Array.from(output.data), JSON.stringify(g)).toEqual(Array.from(tflmConv(op, input, output)));
      // With a load-time plan: pointwise fast path or the generic loop with the fast requantization.
      const planned = tensor(output.shape, output.scale, output.zeroPoint);
      planOp(op, input, planned);
      conv2d(op, input, planned);
      expect(Array.from(planned.data), JSON.stringify(g)).toEqual(Array.from(output.data));
      // And planned on Espruino (a fake E.convolve with its documented semantics) for the row dots.
      const hooked = tensor(output.shape, output.scale, output.zeroPoint);
      const calls = [0];
      (globalThis as { E?: unknown }).E = { convolve: fakeConvolve(calls) };
      try { planOp(op, input, hooked); } finally { delete (globalThis as { E?: unknown }).E; }
      conv2d(op, input, hooked);
      expect(Array.from(hooked.data), JSON.stringify(g)).toEqual(Array.from(output.data));
      if ((op as PlannedOp).plan) hookCalls += calls[0];
      for (let i = 0; i < output.data.length; i++) {
        expect(Math.abs(output.data[i] - expectedFloat[i])).toBeLessThanOrEqual(1);
        if (output.data[i] === expectedFloat[i]) exactFloat++;
      }
      outputs += output.data.length;
    }
    expect(outputs).toBeGreaterThan(5000);
    expect(hookCalls).toBeGreaterThan(1000);
    // Almost every output rounds the same way as the float reference.
    expect(exactFloat / outputs).toBeGreaterThan(0.97);
  });

  it('handles a hand-worked 2x2 example', () => {
    // input 3x3x1 (zp 1), weights all 1, bias 0, identity multiplier: sums of (x - 1) over 2x2 windows.
    const input = tensor([3, 3, 1], 1, 1, Int8Array.from([2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const output = tensor([2, 2, 1], 1, 0);
    conv2d({
      type: OP_CONV2D, inputs: [0], outputs: [1], kernelH: 2, kernelW: 2, strideH: 1, strideW: 1,
      dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, groups: 1,
      actMin: -128, actMax: 127, weights: Int8Array.from([1, 1, 1, 1]), bias: Int32Array.from([0]),
      multiplier: Int32Array.from([1 << 30]), shift: Int32Array.from([1]),
    }, input, output);
    expect(Array.from(output.data)).toEqual([12, 16, 24, 28]);
  });
});

describe('pointwiseConv2d fast path', () => {
  // Random 1x1 shapes: every pixel-tail (pixels % 4) and channel-tail (outC % 4) case, rows long
  // enough for the packed sums to approach their bound, and per-tensor quantization.
  const shapes = (r: () => number, t: number): Geometry => ({
    inH: randInt(r, 1, 9), inW: randInt(r, 1, 9), inC: t % 10 === 0 ? randInt(r, 200, 700) : randInt(r, 1, 40),
    outC: randInt(r, 1, 24), groups: 1, kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
  });

  it('equals the generic kernel and the TFLM reference on random 1x1 shapes (packed GEMM)', () => {
    const r = rng(2);
    for (let t = 0; t < 100; t++) {
      const { op, input, output } = makeCase(r, shapes(r, t), t % 4 === 0);
      const generic = tensor(output.shape, output.scale, output.zeroPoint);
      conv2dGeneric(op, input, generic); // no plan yet: the unfolded loop
      planOp(op, input, output);
      expect((op as PlannedOp).plan!.packed).not.toBeNull();
      pointwiseConv2d(op, input, output, (op as PlannedOp).plan!);
      expect(Array.from(output.data)).toEqual(Array.from(generic.data));
      expect(Array.from(output.data)).toEqual(Array.from(tflmConv(op, input, output)));
    }
  });

  it('rows too long to pack take the dot-product path, still exact', () => {
    const r = rng(12);
    const g = { ...shapes(r, 1), inH: 3, inW: 2, inC: 2100, outC: 5 };
    const { op, input, output } = makeCase(r, g);
    planOp(op, input, output);
    expect((op as PlannedOp).plan!.packed).toBeNull();
    conv2d(op, input, output);
    expect(Array.from(output.data)).toEqual(Array.from(tflmConv(op, input, output)));
  });
});
