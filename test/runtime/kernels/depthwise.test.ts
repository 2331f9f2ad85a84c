// depthwiseConv2d (generic and the 3x3 fast path) against a float reference (within one step) and
// a TFLM-style integer reference (exactly equal).
import { describe, expect, it } from 'vitest';
import { OP_DEPTHWISE_CONV2D, type DepthwiseOp } from '../../../src/format/schema.js';
import { quantizeMultiplier } from '../../../src/format/multiplier.js';
import { depthwiseConv2d } from '../../../src/runtime/kernels/depthwise.js';
import { conv2dGeneric } from '../../../src/runtime/kernels/conv.js';
import { depthwiseConv3x3 } from '../../../src/runtime/kernels/depthwise3x3.js';
import type { Tensor } from '../../../src/runtime/tensor.js';
import { planOp, type PlannedOp } from '../../../src/runtime/plan.js';
import {
  calibrate, clampRef, mbqmRef, quantRef, randClamp, randInt, randInt8, randScale, rng, tensor,
} from '../reference.js';

import '../../../src/runtime/fast-kernels.js'; // registers the JS fast kernels with planOp

interface Geometry {
  inH: number; inW: number; inC: number; depthMultiplier: number;
  kernelH: number; kernelW: number; strideH: number; strideW: number; dilationH: number; dilationW: number;
  padTop: number; padLeft: number; padBottom: number; padRight: number;
}

function outSize(n: number, k: number, s: number, d: number, a: number, b: number): number {
  return Math.floor((n + a + b - d * (k - 1) - 1) / s) + 1;
}

/** TFLM DepthwiseConvPerChannel, plainly, with the BigInt requantization reference. */
function tflmDepthwise(op: DepthwiseOp, input: Tensor, output: Tensor): Int8Array {
  const [inH, inW, inC] = input.shape;
  const [outH, outW, outC] = output.shape;
  const out = new Int8Array(outH * outW * outC);
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++)
    for (let ic = 0; ic < inC; ic++) for (let m = 0; m < op.depthMultiplier; m++) {
      const oc = m + ic * op.depthMultiplier;
      let acc = 0;
      for (let fy = 0; fy < op.kernelH; fy++) for (let fx = 0; fx < op.kernelW; fx++) {
        const iy = oy * op.strideH - op.padTop + op.dilationH * fy;
        const ix = ox * op.strideW - op.padLeft + op.dilationW * fx;
        if (!(ix >= 0 && ix < inW && iy >= 0 && iy < inH)) continue;
        acc += op.weights[(fy * op.kernelW + fx) * outC + oc] * (input.data[(iy * inW + ix) * inC + ic] - input.zeroPoint);
      }
      acc += op.bias[oc];
      const k = op.multiplier.length === 1 ? 0 : oc;
      acc = mbqmRef(acc, op.multiplier[k], op.shift[k]) + output.zeroPoint;
      out[(oy * outW + ox) * outC + oc] = clampRef(acc, op.actMin, op.actMax);
    }
  return out;
}

function makeCase(r: () => number, g: Geometry, perTensor = false) {
  const outH = outSize(g.inH, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom);
  const outW = outSize(g.inW, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight);
  const outC = g.inC * g.depthMultiplier;
  const input = tensor([g.inH, g.inW, g.inC], randScale(r, 0.005, 0.05), randInt(r, -100, 100),
    randInt8(r, g.inH * g.inW * g.inC));
  const weights = randInt8(r, g.kernelH * g.kernelW * outC, -127, 127);
  const one = randScale(r, 0.002, 0.02);
  const wScale = Array.from({ length: outC }, () => (perTensor ? one : randScale(r, 0.002, 0.02)));
  const bias = Int32Array.from({ length: outC }, () => randInt(r, -2000, 2000));
  const reals = new Float64Array(outH * outW * outC);
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let oc = 0; oc < outC; oc++) {
    const ic = Math.floor(oc / g.depthMultiplier);
    let sum = input.scale * wScale[oc] * bias[oc];
    for (let ky = 0; ky < g.kernelH; ky++) for (let kx = 0; kx < g.kernelW; kx++) {
      const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (iy < 0 || ix < 0 || iy >= g.inH || ix >= g.inW) continue;
      sum += input.scale * (input.data[(iy * g.inW + ix) * g.inC + ic] - input.zeroPoint) *
        wScale[oc] * weights[(ky * g.kernelW + kx) * outC + oc];
    }
    reals[(oy * outW + ox) * outC + oc] = sum;
  }
  const q = calibrate(reals);
  const output = tensor([outH, outW, outC], q.scale, q.zeroPoint);
  const nm = perTensor ? 1 : outC;
  const multiplier = new Int32Array(nm);
  const shift = new Int32Array(nm);
  for (let c = 0; c < nm; c++) {
    const qm = quantizeMultiplier((input.scale * wScale[c]) / output.scale);
    multiplier[c] = qm.multiplier;
    shift[c] = qm.shift;
  }
  const op: DepthwiseOp = {
    type: OP_DEPTHWISE_CONV2D, inputs: [0], outputs: [1], ...g, ...randClamp(r, output.zeroPoint),
    weights, bias, multiplier, shift,
  };
  const expectedFloat = Array.from(reals, (v) => clampRef(quantRef(v, output.scale, output.zeroPoint), op.actMin, op.actMax));
  return { op, input, output, expectedFloat };
}

function randomGeometry(r: () => number, threeByThree: boolean): Geometry {
  const kernelH = threeByThree ? 3 : randInt(r, 1, 5);
  const kernelW = threeByThree ? 3 : randInt(r, 1, 5);
  return {
    inH: randInt(r, kernelH, 12), inW: randInt(r, kernelW, 12), inC: randInt(r, 1, 12),
    depthMultiplier: randInt(r, 1, 3),
    kernelH, kernelW, strideH: randInt(r, 1, 3), strideW: randInt(r, 1, 3),
    dilationH: threeByThree ? 1 : randInt(r, 1, 2), dilationW: threeByThree ? 1 : randInt(r, 1, 2),
    padTop: randInt(r, 0, kernelH - 1), padLeft: randInt(r, 0, kernelW - 1),
    padBottom: randInt(r, 0, kernelH - 1), padRight: randInt(r, 0, kernelW - 1),
  };
}

describe('depthwiseConv2d', () => {
  it('matches the TFLM integer reference exactly and the float reference within one step', () => {
    const r = rng(3);
    let outputs = 0;
    for (let t = 0; t < 200; t++) {
      const g = randomGeometry(r, t % 3 === 0);
      if (outSize(g.inH, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom) < 1 ||
          outSize(g.inW, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight) < 1) continue;
      const { op, input, output, expectedFloat } = makeCase(r, g, t % 5 === 0);
      depthwiseConv2d(op, input, output);
      expect(Array.from(output.data), JSON.stringify(g)).toEqual(Array.from(tflmDepthwise(op, input, output)));
      // With a load-time plan: 3x3 fast path or the generic loop with the fast requantization.
      const planned = tensor(output.shape, output.scale, output.zeroPoint);
      planOp(op, input, planned);
      depthwiseConv2d(op, input, planned);
      expect(Array.from(planned.data), JSON.stringify(g)).toEqual(Array.from(output.data));
      for (let i = 0; i < output.data.length; i++) expect(Math.abs(output.data[i] - expectedFloat[i])).toBeLessThanOrEqual(1);
      outputs += output.data.length;
    }
    expect(outputs).toBeGreaterThan(5000);
  });
});

describe('depthwiseConv3x3 fast path', () => {
  it('equals the generic kernel on random 3x3 shapes, strides and paddings', () => {
    const r = rng(4);
    for (let t = 0; t < 150; t++) {
      const g = randomGeometry(r, true);
      if (outSize(g.inH, 3, g.strideH, 1, g.padTop, g.padBottom) < 1 ||
          outSize(g.inW, 3, g.strideW, 1, g.padLeft, g.padRight) < 1) continue;
      const { op, input, output } = makeCase(r, g, t % 4 === 0);
      const generic = tensor(output.shape, output.scale, output.zeroPoint);
      conv2dGeneric(op, input, generic); // no plan yet: the unfolded loop
      planOp(op, input, output);
      depthwiseConv3x3(op, input, output, (op as PlannedOp).plan!);
      expect(Array.from(output.data), JSON.stringify(g)).toEqual(Array.from(generic.data));
    }
  });
});
