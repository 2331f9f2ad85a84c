// Fixed-point requantization, bit-exact with gemmlowp / TFLite's integer kernels.
//
// The math (gemmlowp doc/quantization.md, once): a real multiplier M = scale_in * scale_w / scale_out
// is stored as M = q * 2^shift with q in [0.5, 1) and q as an int32 `multiplier` = round(q * 2^31).
// Applying it to an int32 accumulator x is
//   RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << max(shift, 0), multiplier), max(-shift, 0))
// where the high multiply is round((x * multiplier) / 2^31) with TFLite's nudge (ties away from
// zero, then truncation toward zero), and the divide is a right shift rounding half away from zero.
//
// JavaScript has no int64 and doubles carry 53 bits, so x * multiplier (up to 2^62) cannot be
// formed directly. We split the multiplier b into b = bHi * 2^16 + bLo (bHi signed 16-bit,
// bLo unsigned 16-bit); a * bHi and a * bLo are each below 2^47 and exact. The 2^31 division is
// then assembled from exact pieces (see below), so the result is exact for every int32 pair.
// BigInt would be simpler but Espruino and Duktape lack it; Math.imul is also unavailable there.
//
// Runtime rule: ES5 subset, no allocation.

const TWO_POW_15 = 32768;
const TWO_POW_16 = 65536;
const TWO_POW_30 = 1073741824;
const TWO_POW_31 = 2147483648;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** gemmlowp SaturatingRoundingDoublingHighMul: (a * b + nudge) / 2^31 truncated toward zero,
 *  where nudge = 2^30 for a non-negative product and 1 - 2^30 otherwise; the only overflow,
 *  INT32_MIN * INT32_MIN, saturates to INT32_MAX. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const bHi = b >> 16;
  const bLo = b & 0xffff;
  // a * b = p * 2^16 + q, both products exact (|p| <= 2^46, |q| < 2^47).
  const p = a * bHi;
  const q = a * bLo;
  // The sign of the rounded double a * b is the sign of the exact product.
  const negative = a * b < 0;
  const nudge = negative ? 1 - TWO_POW_30 : TWO_POW_30;
  // p = pHi * 2^15 + pLo with 0 <= pLo < 2^15, so a * b + nudge = pHi * 2^31 + t with
  // t = pLo * 2^16 + q + nudge, |t| < 2^48: exact in a double.
  const pHi = Math.floor(p / TWO_POW_15);
  const pLo = p - pHi * TWO_POW_15;
  const t = pLo * TWO_POW_16 + q + nudge;
  const tHi = Math.floor(t / TWO_POW_31);
  let result = pHi + tHi;
  // C++ integer division truncates toward zero: a negative non-multiple of 2^31 rounds up.
  if (negative && t - tHi * TWO_POW_31 !== 0) result += 1;
  return result;
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
 *  exponent in [0, 31]. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = ((1 << exponent) - 1) | 0;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** tflite::MultiplyByQuantizedMultiplier: x * multiplier * 2^(shift - 31) with TFLite's rounding.
 *  The left shift wraps like the int32 multiplication it stands for. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x << leftShift, multiplier), rightShift);
}
