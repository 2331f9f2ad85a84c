// softmax against the float softmax (within one step of 1/256) and against TFLite's reference
// quantized softmax re-derived here from gemmlowp's definitions on BigInt-backed int32 primitives
// (exactly equal); softmaxParams against TFLite's PreprocessSoftmaxScaling/CalculateInputRadius.
import { describe, expect, it } from 'vitest';
import { OP_SOFTMAX, type SoftmaxOp } from '../../../src/format/schema.js';
import { calculateInputRadius, softmaxParams } from '../../../src/format/softmax-params.js';
import { softmax } from '../../../src/runtime/kernels/softmax.js';
import { clampRef, rdbpotRef, randInt, randInt8, randScale, rng, srdhmRef, tensor, toInt32 } from '../reference.js';

const MAX = 2147483647;
const MIN = -2147483648;
const add = (a: number, b: number) => toInt32(BigInt(a) + BigInt(b));
const sub = (a: number, b: number) => toInt32(BigInt(a) - BigInt(b));
/** gemmlowp SaturatingRoundingMultiplyByPOT<e>: left shift saturating for e > 0, rounding right shift for e < 0. */
function srmpot(x: number, e: number): number {
  if (e < 0) return rdbpotRef(x, -e);
  const threshold = 2 ** (31 - e) - 1;
  return x > threshold ? MAX : x < -threshold ? MIN : x * 2 ** e;
}

function expBetweenMinusQuarterAnd0(a: number): number {
  const constantTerm = 1895147668;
  const oneThird = 715827883;
  const x = add(a, 2 ** 28);
  const x2 = srdhmRef(x, x);
  const x3 = srdhmRef(x2, x);
  const x4 = srdhmRef(x2, x2);
  const x4Over4 = srmpot(x4, -2);
  const poly = srmpot(add(srdhmRef(add(x4Over4, x3), oneThird), x2), -1);
  return add(constantTerm, srdhmRef(constantTerm, add(x, poly)));
}

function expOnNegative(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const quarter = 2 ** (fractionalBits - 2);
  const aModQuarterMinusQuarter = sub(Number(BigInt(a) & BigInt(quarter - 1)), quarter);
  let result = expBetweenMinusQuarterAnd0(srmpot(aModQuarterMinusQuarter, integerBits));
  const remainder = sub(aModQuarterMinusQuarter, a);
  const multipliers: [number, number][] = [[-2, 1672461947], [-1, 1302514674], [0, 790015084], [1, 290630308], [2, 39332535], [3, 720401], [4, 242]];
  for (const [exponent, m] of multipliers) {
    if (integerBits > exponent && (BigInt(remainder) & (1n << BigInt(fractionalBits + exponent))) !== 0n) result = srdhmRef(result, m);
  }
  return a === 0 ? MAX : result;
}

function oneOverOnePlusX(a: number): number {
  const sum = BigInt(a) + BigInt(MAX);
  const halfDen = Number((sum + (sum >= 0n ? 1n : -1n)) / 2n);
  let x = add(1515870810, srdhmRef(halfDen, -1010580540));
  for (let i = 0; i < 3; i++) {
    const oneMinus = sub(2 ** 29, srdhmRef(halfDen, x));
    x = add(x, srmpot(srdhmRef(x, oneMinus), 2));
  }
  return srmpot(x, 1);
}

function tflmSoftmax(op: SoftmaxOp, input: Int8Array, depth: number): number[] {
  const out: number[] = [];
  for (let base = 0; base < input.length; base += depth) {
    const row = Array.from(input.subarray(base, base + depth));
    const maxInRow = Math.max(-128, ...row);
    const rescaled = (d: number) => srdhmRef(toInt32(BigInt(d) * (1n << BigInt(op.inputBetaLeftShift))), op.inputBetaMultiplier);
    let sum = 0;
    for (const v of row) if (v - maxInRow >= op.diffMin) sum = add(sum, srmpot(expOnNegative(rescaled(v - maxInRow), 5), -12));
    const headroomPlusOne = Math.clz32(sum);
    const numBitsOverUnit = 12 - headroomPlusOne;
    const shiftedSumMinusOne = toInt32((BigInt(sum >>> 0) << BigInt(headroomPlusOne)) - (1n << 31n));
    const shiftedScale = oneOverOnePlusX(shiftedSumMinusOne);
    for (const v of row) {
      if (v - maxInRow < op.diffMin) { out.push(-128); continue; }
      const e = expOnNegative(rescaled(v - maxInRow), 5);
      const unsat = rdbpotRef(srdhmRef(shiftedScale, e), numBitsOverUnit + 31 - 8);
      out.push(clampRef(unsat - 128, -128, 127));
    }
  }
  return out;
}

function softmaxOp(inputScale: number, beta = 1): SoftmaxOp {
  return { type: OP_SOFTMAX, inputs: [0], outputs: [1], ...softmaxParams(inputScale, beta) };
}

describe('softmax', () => {
  it('matches the gemmlowp/TFLite reference exactly and the float softmax within one step', () => {
    const r = rng(31);
    let total = 0;
    let exact = 0;
    for (let t = 0; t < 400; t++) {
      const depth = randInt(r, 1, 40);
      const rows = randInt(r, 1, 3);
      const scale = randScale(r, 0.01, 0.5);
      const beta = t % 4 === 0 ? randScale(r, 0.5, 2) : 1;
      const input = tensor([rows, depth], scale, randInt(r, -128, 127), randInt8(r, rows * depth, randInt(r, -128, 0), 127));
      const output = tensor([rows, depth], 1 / 256, -128);
      const op = softmaxOp(scale, beta);
      softmax(op, input, output);
      expect(Array.from(output.data)).toEqual(tflmSoftmax(op, input.data, depth));
      for (let base = 0; base < rows * depth; base += depth) {
        const logits = Array.from(input.data.subarray(base, base + depth), (q) => Math.fround(beta) * scale * q);
        const m = Math.max(...logits);
        const exps = logits.map((v) => Math.exp(v - m));
        const s = exps.reduce((a, b) => a + b, 0);
        for (let c = 0; c < depth; c++) {
          const want = clampRef(Math.round((exps[c] / s) * 256) - 128, -128, 127);
          expect(Math.abs(output.data[base + c] - want)).toBeLessThanOrEqual(1);
          if (output.data[base + c] === want) exact++;
          total++;
        }
      }
    }
    expect(exact / total).toBeGreaterThan(0.9);
  });

  it('reproduces the NNAPI/TFLite quantized softmax example (scale 0.5, beta 1)', () => {
    // uint8 input 1..5 (zp 0) -> 15, 24, 40, 67, 110 in units of 1/256; shifted by 128 for int8.
    const input = tensor([2, 5], 0.5, -128, Int8Array.from([1, 2, 3, 4, 5, 255, 254, 253, 252, 251].map((u) => u - 128)));
    const output = tensor([2, 5], 1 / 256, -128);
    softmax(softmaxOp(0.5), input, output);
    expect(Array.from(output.data, (q) => q + 128)).toEqual([15, 24, 40, 67, 110, 110, 67, 40, 24, 15]);
  });

  it('gives -128 to inputs below diffMin and 127 to a lone maximum', () => {
    // Scale 1: 2^26 = 0.5 * 2^27, so d << 27 must fit int32: TFLite's radius is 31 * 2^26 / 2^27 = 15.5.
    const op = softmaxOp(1);
    expect(op.diffMin).toBe(-15);
    const input = tensor([4], 1, 0, Int8Array.from([100, 60, -100, 99]));
    const output = tensor([4], 1 / 256, -128);
    softmax(op, input, output);
    expect(output.data[2]).toBe(-128);
    expect(output.data[1]).toBe(-128);
    expect(output.data[0] + 128 + output.data[3] + 128).toBeGreaterThanOrEqual(255);
  });
});

describe('softmaxParams', () => {
  it('follows PreprocessSoftmaxScaling and CalculateInputRadius', () => {
    // beta * scale * 2^26 = 2^25 for scale 0.5: multiplier 2^30, shift 26.
    expect(softmaxParams(0.5)).toEqual({ inputBetaMultiplier: 1073741824, inputBetaLeftShift: 26, diffMin: -31 });
    expect(calculateInputRadius(5, 26)).toBe(31);
    expect(calculateInputRadius(5, 27)).toBe(15);
    // Scale 1/256-ish logits: the shift grows, the radius shrinks accordingly.
    const p = softmaxParams(0.00390625);
    expect(p.inputBetaLeftShift).toBe(19);
    expect(p.diffMin).toBe(-Math.floor((31 * 2 ** 26) / 2 ** 19));
    expect(() => softmaxParams(1e-12)).toThrow(/too small/);
  });
});
