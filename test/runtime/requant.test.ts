import { describe, expect, it } from 'vitest';
import {
  multiplyByQuantizedMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../src/runtime/requant.js';
import { mbqmRef, rdbpotRef, rng, srdhmRef } from './reference.js';

const EDGES = [
  -2147483648, -2147483647, -2147483646, -1073741825, -1073741824, -65537, -65536, -65535, -32768,
  -2, -1, 0, 1, 2, 32767, 32768, 65535, 65536, 65537, 1073741823, 1073741824, 2147483646, 2147483647,
];

/** Random int32 with a spread of magnitudes: uniform bits, then a random right shift. */
function randomInt32(r: () => number): number {
  const bits = (Math.floor(r() * 4294967296) | 0);
  return bits >> Math.floor(r() * 32);
}

describe('saturatingRoundingDoublingHighMul', () => {
  it('equals the BigInt reference on every pair of edge values', () => {
    for (const a of EDGES) for (const b of EDGES) {
      expect(saturatingRoundingDoublingHighMul(a, b), `${a} * ${b}`).toBe(srdhmRef(a, b));
    }
  });

  it('equals the BigInt reference on 1,000,000 random pairs', () => {
    const r = rng(20261122);
    let mismatches = 0;
    let firstBad = '';
    for (let i = 0; i < 1_000_000; i++) {
      const a = randomInt32(r);
      const b = i % 7 === 0 ? EDGES[i % EDGES.length] : randomInt32(r);
      const got = saturatingRoundingDoublingHighMul(a, b);
      if (got !== srdhmRef(a, b)) {
        mismatches++;
        if (!firstBad) firstBad = `${a} * ${b}: got ${got}, want ${srdhmRef(a, b)}`;
      }
    }
    expect(firstBad).toBe('');
    expect(mismatches).toBe(0);
  });

  it('saturates only INT32_MIN * INT32_MIN', () => {
    expect(saturatingRoundingDoublingHighMul(-2147483648, -2147483648)).toBe(2147483647);
    expect(saturatingRoundingDoublingHighMul(-2147483648, 2147483647)).toBe(-2147483647);
  });
});

describe('roundingDivideByPOT', () => {
  it('rounds half away from zero and matches the reference for exponents 0..31', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(6, 2)).toBe(2);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
    const r = rng(7);
    for (let i = 0; i < 200_000; i++) {
      const x = i < EDGES.length ? EDGES[i] : randomInt32(r);
      const e = i % 32;
      expect(roundingDivideByPOT(x, e)).toBe(rdbpotRef(x, e));
    }
  });
});

describe('multiplyByQuantizedMultiplier', () => {
  it('matches the BigInt reference for shifts -31..30 including wrapping left shifts', () => {
    const r = rng(99);
    for (let i = 0; i < 300_000; i++) {
      const x = i < EDGES.length ? EDGES[i] : randomInt32(r);
      const m = (1073741824 + Math.floor(r() * 1073741824)) * (r() < 0.1 ? -1 : 1);
      const shift = -31 + (i % 62);
      expect(multiplyByQuantizedMultiplier(x, m, shift)).toBe(mbqmRef(x, m, shift));
    }
  });

  it('is the identity for multiplier 2^30, shift 1', () => {
    for (const x of [-2147483648 >> 1, -1000, -1, 0, 1, 12345, 1073741823]) {
      expect(multiplyByQuantizedMultiplier(x, 1073741824, 1)).toBe(x);
    }
  });
});
