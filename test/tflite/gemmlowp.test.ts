// The gemmlowp fixed-point pieces behind the LOGISTIC table: exact primitives on hand-checked values,
// and exp / logistic within gemmlowp's accuracy of the float functions over their whole input range.
import { describe, expect, it } from 'vitest';
import { saturatingRoundingDoublingHighMul } from '../../src/runtime/requant.js';
import { expOnNegativeValues, logistic, multiplyByQuantizedMultiplier, roundingDivideByPOT, srdhm, srMulByPOT } from '../../src/tflite/gemmlowp.js';

describe('gemmlowp fixed point', () => {
  it('primitives round like gemmlowp', () => {
    expect(srdhm(1 << 30, 1 << 30)).toBe(1 << 29);
    expect(srdhm(-2147483648, -2147483648)).toBe(2147483647);
    expect(srdhm(3, 1 << 30)).toBe(2); // +1.5 rounds up
    // The negative nudge is 1 - 2^30, so after truncation toward zero a negative tie rounds toward zero.
    expect(srdhm(-3, 1 << 30)).toBe(-1);
    expect(srdhm(-1, 1 << 30)).toBe(0);
    expect([5, -5, 4, -4, -6, 6].map((x) => roundingDivideByPOT(x, 1))).toEqual([3, -3, 2, -2, -3, 3]);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
    expect(srMulByPOT(1 << 29, 2)).toBe(2147483647);
    expect(srMulByPOT(-(1 << 29), 2)).toBe(-2147483648);
    expect(srMulByPOT(1 << 20, 3)).toBe(1 << 23);
    // 100 * 0.75 = 75; 0.75 = 0.75 * 2^0 -> multiplier round(0.75 * 2^31), shift 0.
    expect(multiplyByQuantizedMultiplier(100, 1610612736, 0)).toBe(75);
    expect(multiplyByQuantizedMultiplier(100, 1610612736, 2)).toBe(300);
    expect(multiplyByQuantizedMultiplier(100, 1610612736, -3)).toBe(9); // 9.375
  });

  it('the BigInt high multiply agrees with the runtime\'s BigInt-free one on 20000 random pairs', () => {
    let seed = 99;
    const rand32 = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return ((seed * 2) ^ (seed >>> 7)) | 0; };
    for (let k = 0; k < 20000; k++) {
      const a = rand32();
      const b = k % 3 === 0 ? -2147483648 : rand32();
      expect(srdhm(a, b)).toBe(saturatingRoundingDoublingHighMul(a, b));
    }
  });

  it('exp on negative values is within 1e-6 of exp, for 5 integer bits (softmax) and 4 (logistic)', () => {
    for (const intBits of [4, 5]) {
      let worst = 0;
      for (let k = 0; k <= 4000; k++) {
        const raw = -Math.round((k / 4000) * 2 ** 31 * 0.999);
        const x = raw / 2 ** (31 - intBits);
        worst = Math.max(worst, Math.abs(expOnNegativeValues(raw, intBits) / 2 ** 31 - Math.exp(x)));
      }
      expect(worst).toBeLessThan(1e-6);
    }
    expect(expOnNegativeValues(0, 5)).toBe(2147483647);
  });

  it('logistic is within 1e-6 of the sigmoid over [-16, 16) and exactly 1/2 at 0', () => {
    let worst = 0;
    for (let k = -4000; k < 4000; k++) {
      const raw = Math.round((k / 4000) * 2 ** 31);
      const x = raw / 2 ** 27;
      worst = Math.max(worst, Math.abs(logistic(raw, 4) / 2 ** 31 - 1 / (1 + Math.exp(-x))));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(logistic(0, 4)).toBe(1 << 30);
  });
});
