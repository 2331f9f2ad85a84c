// The fast runtime as a whole and its pieces: requantizeFast against the BigInt reference (including
// accumulators past the fast range, left shifts and the rounding ties); whole models planned (fast
// kernels) against unplanned (generic kernels, themselves checked against TFLM's goldens), op by op;
// and the Espruino hook: with a fake E.convolve written from Espruino's documented semantics, the
// same model gives the same bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quantizeMultiplier } from '../../../src/format/multiplier.js';
import { writeModel } from '../../../src/format/writer.js';
import { loadModel, usePlanner, type Model } from '../../../src/runtime/model.js';
import { planOp, type KernelPlan, type PlannedOp } from '../../../src/runtime/plan.js';
import { requantizeFast } from '../../../src/runtime/kernels/requantize-fast.js';
import { buildMultiOpModel } from '../fixtures/multi-op-model.js';
import { clampRef, mbqmRef, randInt, rng } from '../reference.js';

import '../../../src/runtime/fast-kernels.js'; // registers the JS fast kernels with planOp

function planFor(multiplier: number, shift: number, zp: number): KernelPlan {
  return {
    kernel: () => {}, tapSums: new Float64Array(0), bias: new Float64Array(1), scale: Float64Array.of(multiplier * Math.pow(2, (shift > 0 ? shift : 0) - 31)),
    rshift: Int32Array.of(shift > 0 ? 0 : -shift), mult: Int32Array.of(multiplier), shift: Int32Array.of(shift),
    zp, min: -128, max: 127, packed: null, sums: new Float64Array(8), convolve: null, rowsX: [], rowsW: [],
  };
}

describe('requantizeFast', () => {
  it('equals MultiplyByQuantizedMultiplier (BigInt) + zero point + clamp', () => {
    const r = rng(21);
    let checked = 0;
    for (let t = 0; t < 400; t++) {
      const real = Math.pow(2, randInt(r, -24, 3)) * (0.5 + r());
      const { multiplier, shift } = quantizeMultiplier(real);
      const zp = randInt(r, -128, 127);
      const plan = planFor(multiplier, shift, zp);
      for (let k = 0; k < 500; k++) {
        // Accumulators of every size, around the 2^21 fast-path limit, and exact ties.
        const mag = Math.pow(2, randInt(r, 0, 31));
        let acc = Math.round((r() * 2 - 1) * mag);
        if (k % 7 === 0) acc = Math.round((r() - 0.5) * 2) * (1 << -Math.min(shift, 0)) / 2 * randInt(r, 1, 999);
        acc = Math.max(-2147483648, Math.min(2147483647, acc)) | 0;
        const want = clampRef(mbqmRef(acc, multiplier, shift) + zp, -128, 127);
        expect(requantizeFast(acc, plan, 0), `${acc} ${multiplier} ${shift}`).toBe(want);
        checked++;
      }
    }
    expect(checked).toBe(200000);
  });

  it('handles the int32 extremes and a zero multiplier', () => {
    for (const [m, s] of [[2147483647, 0], [1073741824, 5], [0, 0], [1518500250, -31], [1073741824, -1]]) {
      for (const acc of [-2147483648, 2147483647, -1, 0, 1, 2097151, -2097152, 1 << 20]) {
        expect(requantizeFast(acc, planFor(m, s, 0), 0)).toBe(clampRef(mbqmRef(acc, m, s), -128, 127));
      }
    }
  });
});

/** Every op's output bytes for one input, one string per op (short failure messages). */
function opOutputs(model: Model, input: Int8Array): string[] {
  model.input.set(input);
  const outs: string[] = [];
  model.run((i, o) => outs.push(`op ${i}: ${o.data.join(',')}`));
  return outs;
}

/** Loads `bytes` plain (generic kernels) and planned (fast kernels), optionally with a fake E. */
function loadBoth(bytes: Uint8Array, convolve?: unknown): { plain: Model; fast: Model } {
  const plain = loadModel(bytes);
  const g = globalThis as { E?: unknown };
  if (convolve) g.E = { convolve };
  usePlanner(planOp);
  try {
    return { plain, fast: loadModel(bytes) };
  } finally {
    usePlanner(null);
    delete g.E;
  }
}

/** Espruino's documented semantics: v = 0; for (i in arr1) v += arr1[i] * arr2[(i + offset) % arr2.length]. */
function fakeConvolve(calls: number[]) {
  return (a: Int8Array, b: Int8Array, offset: number) => {
    calls[0]++;
    let v = 0;
    for (let i = 0; i < a.length; i++) v += a[i] * b[(i + offset) % b.length];
    return v;
  };
}

function randomInputs(n: number, length: number, seed: number): Int8Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Int8Array.from({ length }, () => randInt(r, -128, 127)));
}

describe('fast runtime (planned ops) = plain runtime, op by op', () => {
  it('every-opcode model, with and without the Espruino hook', () => {
    const bytes = writeModel(buildMultiOpModel(1));
    for (const hook of [false, true]) {
      const calls = [0];
      const { plain, fast } = loadBoth(bytes, hook ? fakeConvolve(calls) : undefined);
      const planned = fast.spec.ops.filter((op) => (op as PlannedOp).plan);
      expect(planned.length).toBeGreaterThanOrEqual(3);
      expect(planned.some((op) => (op as PlannedOp).plan!.convolve !== null)).toBe(hook);
      for (const input of randomInputs(5, plain.input.length, 31)) {
        expect(opOutputs(fast, input)).toEqual(opOutputs(plain, input));
      }
      expect(calls[0] > 0).toBe(hook);
    }
  });

  const person = new URL('../../../../shared/fixtures/tflm/person_detect.tflite', import.meta.url);
  it('person_detect (TFLM), with and without the Espruino hook', async () => {
    let has = true;
    try { readFileSync(person); } catch { has = false; }
    if (!has) { console.log('skip: ../shared/fixtures/tflm/person_detect.tflite absent'); return; }
    const { importTflite } = await import('../../../src/tflite/index.js');
    const bytes = writeModel(importTflite(readFileSync(person)));
    for (const hook of [false, true]) {
      const { plain, fast } = loadBoth(bytes, hook ? fakeConvolve([0]) : undefined);
      // Every conv, depthwise and dense op of this MobileNet has a fast kernel.
      expect(fast.spec.ops.filter((op) => (op as PlannedOp).plan).length).toBe(28);
      for (const input of randomInputs(2, plain.input.length, 32)) {
        expect(opOutputs(fast, input)).toEqual(opOutputs(plain, input));
      }
    }
  });
});
