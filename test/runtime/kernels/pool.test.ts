// maxPool / avgPool / globalAvgPool against a float reference (within one step) and a TFLM-style
// integer reference (exactly equal).
import { describe, expect, it } from 'vitest';
import { OP_AVG_POOL, OP_GLOBAL_AVG_POOL, OP_MAX_POOL, type ModelSpec, type PoolOp } from '../../../src/format/schema.js';
import { validateModel } from '../../../src/format/validate.js';
import { avgPool, globalAvgPool, maxPool } from '../../../src/runtime/kernels/pool.js';
import type { Tensor } from '../../../src/runtime/tensor.js';
import { clampRef, randInt, randInt8, rng, tensor } from '../reference.js';

/** TFLM pooling loops: clipped window, C++ truncating division for the rounded mean. */
function tflmPool(op: PoolOp, input: Tensor, output: Tensor, average: boolean): Int8Array {
  const [inH, inW, depth] = input.shape;
  const [outH, outW] = output.shape;
  const out = new Int8Array(outH * outW * depth);
  for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let c = 0; c < depth; c++) {
    const inX0 = ox * op.strideW - op.padLeft;
    const inY0 = oy * op.strideH - op.padTop;
    const fxStart = Math.max(0, -inX0);
    const fxEnd = Math.min(op.kernelW, inW - inX0);
    const fyStart = Math.max(0, -inY0);
    const fyEnd = Math.min(op.kernelH, inH - inY0);
    let acc = average ? 0 : -128;
    let count = 0;
    for (let fy = fyStart; fy < fyEnd; fy++) for (let fx = fxStart; fx < fxEnd; fx++) {
      const v = input.data[((inY0 + fy) * inW + inX0 + fx) * depth + c];
      if (average) acc += v; else acc = Math.max(acc, v);
      count++;
    }
    if (average) {
      const half = Math.trunc(count / 2);
      acc = acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count);
    }
    out[(oy * outW + ox) * depth + c] = clampRef(acc, op.actMin, op.actMax);
  }
  return out;
}

function randomPool(r: () => number, type: typeof OP_MAX_POOL | typeof OP_AVG_POOL) {
  const kernelH = randInt(r, 1, 4);
  const kernelW = randInt(r, 1, 4);
  const padTop = randInt(r, 0, kernelH - 1);
  const padLeft = randInt(r, 0, kernelW - 1);
  const padBottom = randInt(r, 0, kernelH - 1);
  const padRight = randInt(r, 0, kernelW - 1);
  const strideH = randInt(r, 1, 3);
  const strideW = randInt(r, 1, 3);
  const inH = randInt(r, kernelH, 10);
  const inW = randInt(r, kernelW, 10);
  const channels = randInt(r, 1, 6);
  const outH = Math.floor((inH + padTop + padBottom - kernelH) / strideH) + 1;
  const outW = Math.floor((inW + padLeft + padRight - kernelW) / strideW) + 1;
  const zp = randInt(r, -50, 50);
  const input = tensor([inH, inW, channels], 0.02, zp, randInt8(r, inH * inW * channels));
  const output = tensor([outH, outW, channels], 0.02, zp);
  const relu = r() < 0.5;
  const op: PoolOp = {
    type, inputs: [0], outputs: [1], kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight,
    actMin: relu ? zp : -128, actMax: 127,
  };
  return { op, input, output };
}

describe('maxPool', () => {
  it('matches the TFLM reference and the float maximum exactly', () => {
    const r = rng(11);
    for (let t = 0; t < 300; t++) {
      const { op, input, output } = randomPool(r, OP_MAX_POOL);
      maxPool(op, input, output);
      expect(Array.from(output.data)).toEqual(Array.from(tflmPool(op, input, output, false)));
    }
  });
});

describe('avgPool', () => {
  it('matches the TFLM reference exactly and the float mean within one step', () => {
    const r = rng(12);
    let ties = 0;
    for (let t = 0; t < 300; t++) {
      const { op, input, output } = randomPool(r, OP_AVG_POOL);
      avgPool(op, input, output);
      expect(Array.from(output.data)).toEqual(Array.from(tflmPool(op, input, output, true)));
      // Float reference: mean of the real values over the taps inside the image.
      const [inH, inW, depth] = input.shape;
      for (let oy = 0; oy < output.shape[0]; oy++) for (let ox = 0; ox < output.shape[1]; ox++) for (let c = 0; c < depth; c++) {
        let s = 0;
        let n = 0;
        for (let ky = 0; ky < op.kernelH; ky++) for (let kx = 0; kx < op.kernelW; kx++) {
          const iy = oy * op.strideH - op.padTop + ky;
          const ix = ox * op.strideW - op.padLeft + kx;
          if (iy < 0 || ix < 0 || iy >= inH || ix >= inW) continue;
          s += input.data[(iy * inW + ix) * depth + c];
          n++;
        }
        const want = clampRef(Math.round(s / n), op.actMin, op.actMax);
        const got = output.data[(oy * output.shape[1] + ox) * depth + c];
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1);
        if (got !== want) ties++;
      }
    }
    // Only negative exact ties (rounded away from zero) may differ from Math.round.
    expect(ties).toBeGreaterThan(0);
  });

  it('rounds ties away from zero like TFLite', () => {
    const op: PoolOp = {
      type: OP_AVG_POOL, inputs: [0], outputs: [1], kernelH: 1, kernelW: 2, strideH: 1, strideW: 2,
      padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, actMin: -128, actMax: 127,
    };
    const input = tensor([1, 6, 1], 1, 0, Int8Array.from([1, 2, -1, -2, 3, -4]));
    const output = tensor([1, 3, 1], 1, 0);
    avgPool(op, input, output);
    expect(Array.from(output.data)).toEqual([2, -2, -1]);
  });
});

describe('globalAvgPool', () => {
  it('equals avgPool with a window covering the whole map', () => {
    const r = rng(13);
    for (let t = 0; t < 100; t++) {
      const h = randInt(r, 1, 9);
      const w = randInt(r, 1, 9);
      const c = randInt(r, 1, 10);
      const zp = randInt(r, -20, 20);
      const input = tensor([h, w, c], 0.05, zp, randInt8(r, h * w * c));
      const clamp = r() < 0.5 ? { actMin: -128, actMax: 127 } : { actMin: zp, actMax: 100 };
      const output = tensor([c], 0.05, zp);
      globalAvgPool({ type: OP_GLOBAL_AVG_POOL, inputs: [0], outputs: [1], ...clamp }, input, output);
      const viaPool = tensor([1, 1, c], 0.05, zp);
      avgPool({
        type: OP_AVG_POOL, inputs: [0], outputs: [1], kernelH: h, kernelW: w, strideH: 1, strideW: 1,
        padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, ...clamp,
      }, input, viaPool);
      expect(Array.from(output.data)).toEqual(Array.from(viaPool.data));
      // Float reference: the mean of the real values, requantized with the shared scale/zero point.
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let p = 0; p < h * w; p++) s += 0.05 * (input.data[p * c + ch] - zp);
        const want = clampRef(Math.round(s / (h * w) / 0.05) + zp, clamp.actMin, clamp.actMax);
        expect(Math.abs(output.data[ch] - want)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('pool windows lying entirely in the padding', () => {
  it('cannot reach the kernels: the loader refuses a pad as large as the window', () => {
    // 1x1 input, 3x3 window, padding 4 on top/left: output (0,0) would see only padding.
    const win = { kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padTop: 4, padLeft: 4, padBottom: 0, padRight: 0 };
    for (const type of [OP_MAX_POOL, OP_AVG_POOL]) {
      const spec = {
        tensors: [{ shape: [1, 1, 1], scale: 1, zeroPoint: 0, offset: 0 }, { shape: [3, 3, 1], scale: 1, zeroPoint: 0, offset: 16 }],
        ops: [{ type, inputs: [0], outputs: [1], ...win, actMin: -100, actMax: 127 }],
        input: 0, output: 1, arenaBytes: 32, preprocess: { pixelScale: 1, mean: [0], std: [1] }, labels: [], name: '',
      } as unknown as ModelSpec;
      expect(() => validateModel(spec)).toThrow(/op 0: padding 4 not in \[0, 2\]/);
    }
  });
});
