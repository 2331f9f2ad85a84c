// add, mul, lut, requantize, concat, pad, reshape against float references (within one step) and
// TFLM-style integer references (exactly equal), including in-place use of the arena.
import { describe, expect, it } from 'vitest';
import {
  OP_ADD, OP_CONCAT, OP_LUT, OP_MUL, OP_PAD, OP_REQUANTIZE, OP_RESHAPE,
  type AddOp, type LutOp, type MulOp, type RequantizeOp, type ReshapeOp,
} from '../../../src/format/schema.js';
import { quantizeMultiplier } from '../../../src/format/multiplier.js';
import { add } from '../../../src/runtime/kernels/add.js';
import { concat } from '../../../src/runtime/kernels/concat.js';
import { lut } from '../../../src/runtime/kernels/lut.js';
import { mul } from '../../../src/runtime/kernels/mul.js';
import { pad } from '../../../src/runtime/kernels/pad.js';
import { requantize } from '../../../src/runtime/kernels/requantize.js';
import { reshape } from '../../../src/runtime/kernels/reshape.js';
import type { Tensor } from '../../../src/runtime/tensor.js';
import {
  clampRef, dequant, mbqmRef, quantRef, randInt, randInt8, randScale, rng, tensor,
} from '../reference.js';

/** TFLite's Prepare for int8 ADD: left shift 20 and three multipliers from the float scales. */
function addOp(s1: number, s2: number, sOut: number, actMin = -128, actMax = 127): AddOp {
  const leftShift = 20;
  const twiceMaxInputScale = 2 * Math.max(s1, s2);
  const m1 = quantizeMultiplier(s1 / twiceMaxInputScale);
  const m2 = quantizeMultiplier(s2 / twiceMaxInputScale);
  const mo = quantizeMultiplier(twiceMaxInputScale / (Math.pow(2, leftShift) * sOut));
  return {
    type: OP_ADD, inputs: [0, 1], outputs: [2], actMin, actMax, leftShift,
    input1Multiplier: m1.multiplier, input1Shift: m1.shift, input2Multiplier: m2.multiplier, input2Shift: m2.shift,
    outputMultiplier: mo.multiplier, outputShift: mo.shift,
  };
}

function tflmAdd(op: AddOp, a: Tensor, b: Tensor, out: Tensor): number[] {
  return Array.from(a.data, (_, i) => {
    const in1 = a.data[i] - a.zeroPoint;
    const in2 = b.data[i] - b.zeroPoint;
    const s1 = mbqmRef(in1 * (1 << op.leftShift), op.input1Multiplier, op.input1Shift);
    const s2 = mbqmRef(in2 * (1 << op.leftShift), op.input2Multiplier, op.input2Shift);
    return clampRef(mbqmRef(s1 + s2, op.outputMultiplier, op.outputShift) + out.zeroPoint, op.actMin, op.actMax);
  });
}

describe('add', () => {
  it('matches the TFLM reference exactly and the float sum within one step', () => {
    const r = rng(21);
    for (let t = 0; t < 200; t++) {
      const n = randInt(r, 1, 300);
      const a = tensor([n], randScale(r, 0.005, 0.1), randInt(r, -128, 127), randInt8(r, n));
      const b = tensor([n], randScale(r, 0.005, 0.1), randInt(r, -128, 127), randInt8(r, n));
      const range = 128 * (a.scale + b.scale);
      const out = tensor([n], Math.fround((2 * range) / 255), randInt(r, -10, 10));
      const op = addOp(a.scale, b.scale, out.scale, t % 2 ? out.zeroPoint : -128, 127);
      add(op, a, b, out);
      expect(Array.from(out.data)).toEqual(tflmAdd(op, a, b, out));
      for (let i = 0; i < n; i++) {
        const want = clampRef(quantRef(dequant(a, i) + dequant(b, i), out.scale, out.zeroPoint), op.actMin, op.actMax);
        expect(Math.abs(out.data[i] - want)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('works in place (output sharing the first input)', () => {
    const r = rng(22);
    const a = tensor([64], 0.03, 5, randInt8(r, 64));
    const b = tensor([64], 0.05, -7, randInt8(r, 64));
    const expected = tensor([64], 0.06, 1);
    const op = addOp(a.scale, b.scale, expected.scale);
    add(op, a, b, expected);
    add(op, a, b, { ...expected, data: a.data });
    expect(Array.from(a.data)).toEqual(Array.from(expected.data));
  });
});

describe('mul', () => {
  function tflmMul(a: Tensor, b: Tensor, out: Tensor, m: number, s: number, lo: number, hi: number): number[] {
    const c = b.data.length;
    return Array.from(a.data, (_, i) =>
      clampRef(out.zeroPoint + mbqmRef((a.data[i] - a.zeroPoint) * (b.data[i % c] - b.zeroPoint), m, s), lo, hi));
  }

  it('matches the TFLM reference and float product, same shape and channel broadcast', () => {
    const r = rng(23);
    for (let t = 0; t < 200; t++) {
      const h = randInt(r, 1, 5);
      const w = randInt(r, 1, 5);
      const c = randInt(r, 1, 8);
      const a = tensor([h, w, c], randScale(r, 0.01, 0.1), randInt(r, -128, 127), randInt8(r, h * w * c));
      const bShape = t % 3 === 0 ? [h, w, c] : t % 3 === 1 ? [1, 1, c] : [c];
      const bn = bShape.reduce((x, y) => x * y, 1);
      const b = tensor(bShape, randScale(r, 0.002, 0.01), randInt(r, -128, 127), randInt8(r, bn));
      const out = tensor([h, w, c], Math.fround((2 * 256 * a.scale * 256 * b.scale) / 255 / 4), randInt(r, -5, 5));
      const q = quantizeMultiplier((a.scale * b.scale) / out.scale);
      const op: MulOp = { type: OP_MUL, inputs: [0, 1], outputs: [2], actMin: -128, actMax: 127, outputMultiplier: q.multiplier, outputShift: q.shift };
      mul(op, a, b, out);
      expect(Array.from(out.data)).toEqual(tflmMul(a, b, out, q.multiplier, q.shift, -128, 127));
      for (let i = 0; i < out.data.length; i++) {
        const want = quantRef(dequant(a, i) * dequant(b, i % bn), out.scale, out.zeroPoint);
        expect(Math.abs(out.data[i] - want)).toBeLessThanOrEqual(1);
      }
      // In place when shapes match.
      if (bn === a.data.length) {
        mul(op, a, b, { ...out, data: a.data });
        expect(Array.from(a.data)).toEqual(Array.from(out.data));
      }
    }
  });
});

describe('lut', () => {
  it('maps every int8 value through the table, also in place', () => {
    // tanh table for input (0.05, 3) -> output (1/128, 0): what the converter would build.
    const table = new Int8Array(256);
    for (let q = -128; q < 128; q++) table[q + 128] = quantRef(Math.tanh(0.05 * (q - 3)), 1 / 128, 0);
    const input = tensor([256], 0.05, 3, Int8Array.from({ length: 256 }, (_, i) => i - 128));
    const output = tensor([256], 1 / 128, 0);
    const op: LutOp = { type: OP_LUT, inputs: [0], outputs: [1], table };
    lut(op, input, output);
    for (let i = 0; i < 256; i++) {
      expect(output.data[i]).toBe(table[i]);
      expect(Math.abs(dequant(output, i) - Math.tanh(dequant(input, i)))).toBeLessThanOrEqual(1 / 128); // half a step, or one where +1 saturates at 127/128
    }
    lut(op, input, { ...output, data: input.data });
    expect(Array.from(input.data)).toEqual(Array.from(table));
  });
});

describe('requantize', () => {
  it('matches TFLite Requantize exactly and the float rescale within one step, also in place', () => {
    const r = rng(24);
    for (let t = 0; t < 100; t++) {
      const input = tensor([100], randScale(r, 0.001, 0.2), randInt(r, -128, 127), randInt8(r, 100));
      const output = tensor([100], randScale(r, 0.001, 0.2), randInt(r, -128, 127));
      const q = quantizeMultiplier(input.scale / output.scale);
      const op: RequantizeOp = { type: OP_REQUANTIZE, inputs: [0], outputs: [1], multiplier: q.multiplier, shift: q.shift };
      requantize(op, input, output);
      for (let i = 0; i < 100; i++) {
        expect(output.data[i]).toBe(clampRef(mbqmRef(input.data[i] - input.zeroPoint, q.multiplier, q.shift) + output.zeroPoint, -128, 127));
        expect(Math.abs(output.data[i] - quantRef(dequant(input, i), output.scale, output.zeroPoint))).toBeLessThanOrEqual(1);
      }
      requantize(op, input, { ...output, data: input.data });
      expect(Array.from(input.data)).toEqual(Array.from(output.data));
    }
  });
});

describe('concat', () => {
  it('copies same-quantization inputs and requantizes the others, on every axis', () => {
    const r = rng(25);
    for (let t = 0; t < 100; t++) {
      const shape = [randInt(r, 1, 4), randInt(r, 1, 4), randInt(r, 1, 4)];
      const axis = randInt(r, 0, 2);
      const out = { scale: randScale(r, 0.01, 0.05), zeroPoint: randInt(r, -20, 20) };
      const parts: Tensor[] = [];
      const multiplier: number[] = [];
      const shift: number[] = [];
      for (let k = 0; k < randInt(r, 1, 4); k++) {
        const s = shape.slice();
        s[axis] = randInt(r, 1, 3);
        const n = s[0] * s[1] * s[2];
        const same = r() < 0.5;
        const p = same ? tensor(s, out.scale, out.zeroPoint, randInt8(r, n))
          : tensor(s, randScale(r, 0.005, 0.1), randInt(r, -50, 50), randInt8(r, n));
        const q = same ? { multiplier: 0, shift: 0 } : quantizeMultiplier(p.scale / out.scale);
        parts.push(p);
        multiplier.push(q.multiplier);
        shift.push(q.shift);
      }
      const outShape = shape.slice();
      outShape[axis] = parts.reduce((a, p) => a + p.shape[axis], 0);
      const output = tensor(outShape, out.scale, out.zeroPoint);
      concat({ type: OP_CONCAT, inputs: [], outputs: [], axis, multiplier: Int32Array.from(multiplier), shift: Int32Array.from(shift) }, parts, output);
      // Reference: walk the output by coordinates and find the source element.
      for (let i0 = 0; i0 < outShape[0]; i0++) for (let i1 = 0; i1 < outShape[1]; i1++) for (let i2 = 0; i2 < outShape[2]; i2++) {
        const idx = [i0, i1, i2];
        let k = 0;
        while (idx[axis] >= parts[k].shape[axis]) { idx[axis] -= parts[k].shape[axis]; k++; }
        const p = parts[k];
        const src = p.data[(idx[0] * p.shape[1] + idx[1]) * p.shape[2] + idx[2]];
        const want = multiplier[k] === 0 ? src
          : clampRef(mbqmRef(src - p.zeroPoint, multiplier[k], shift[k]) + out.zeroPoint, -128, 127);
        const got = output.data[(i0 * outShape[1] + i1) * outShape[2] + i2];
        expect(got).toBe(want);
        expect(Math.abs(got - quantRef(p.scale * (src - p.zeroPoint), out.scale, out.zeroPoint))).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('pad', () => {
  it('fills the border with the zero point and copies the interior', () => {
    const input = tensor([2, 2, 2], 0.1, -3, Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const output = tensor([3, 5, 2], 0.1, -3);
    pad({ type: OP_PAD, inputs: [0], outputs: [1], padTop: 1, padLeft: 2, padBottom: 0, padRight: 1 }, input, output);
    const z = [-3, -3];
    expect(Array.from(output.data)).toEqual([
      ...z, ...z, ...z, ...z, ...z,
      ...z, ...z, 1, 2, 3, 4, ...z,
      ...z, ...z, 5, 6, 7, 8, ...z,
    ]);
  });
});

describe('reshape', () => {
  it('does nothing for the same slot and copies otherwise (the loader refuses partly overlapping slots)', () => {
    const arena = new ArrayBuffer(32);
    const src = new Int8Array(arena, 4, 12);
    for (let i = 0; i < 12; i++) src[i] = i + 1;
    const op: ReshapeOp = { type: OP_RESHAPE, inputs: [0], outputs: [1] };
    const input = { shape: [2, 2, 3], scale: 1, zeroPoint: 0, offset: 4, data: src };
    reshape(op, input, { shape: [12], scale: 1, zeroPoint: 0, offset: 4, data: new Int8Array(arena, 4, 12) });
    expect(Array.from(src)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const apart = new Int8Array(arena, 16, 12);
    reshape(op, { ...input, shape: [12], offset: 0, data: new Int8Array(arena, 0, 12) }, { shape: [12], scale: 1, zeroPoint: 0, offset: 16, data: apart });
    expect(Array.from(apart)).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
