// gemmlowp's scalar int32 fixed-point arithmetic (fixedpoint/fixedpoint.h), enough for TFLite's
// int8 LOGISTIC, which the importer turns into a 256-entry lookup table. Tool side only: it uses
// BigInt for the exact 64-bit products (the runtime has its own BigInt-free requantization).
//
// A fixed-point value is an int32 `raw` with `intBits` integer bits: real = raw / 2^(31 - intBits).

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Wraps to int32 like C++ int32 arithmetic on every compiler we care about. */
function wrap(x: number): number {
  return x | 0;
}

/** round((a * b) / 2^31) with gemmlowp's nudge, truncated toward zero; MIN * MIN saturates. */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  // BigInt division truncates toward zero, like C++.
  return Number((ab + nudge) / (1n << 31n));
}

/** Rounding arithmetic right shift, ties away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = exponent === 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** SaturatingRoundingMultiplyByPOT<exponent>. */
export function srMulByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return wrap(x << exponent);
}

/** tflite::MultiplyByQuantizedMultiplier (double-rounding variant used by the reference kernels). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(srdhm(wrap(x * 2 ** left), multiplier), right);
}

/** Rescale<dstIntBits>(x with srcIntBits). */
function rescale(raw: number, srcIntBits: number, dstIntBits: number): number {
  return srMulByPOT(raw, srcIntBits - dstIntBits);
}

function one(intBits: number): number {
  return intBits === 0 ? INT32_MAX : 1 << (31 - intBits);
}

/** exp(x) for x in [-1/4, 0), input and output with 0 integer bits. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constant1Over3 = 715827883;
  const x = wrap(a + (1 << 28)); // a + 1/8
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = srMulByPOT(x4, -2);
  const poly = srMulByPOT(wrap(srdhm(wrap(x4Over4 + x3), constant1Over3) + x2), -1);
  return wrap(constantTerm + srdhm(constantTerm, wrap(x + poly)));
}

/** exp(a) for a <= 0 with `intBits` integer bits; result with 0 integer bits. */
export function expOnNegativeValues(a: number, intBits: number): number {
  const fracBits = 31 - intBits;
  const oneQuarter = 1 << (fracBits - 2);
  const mask = oneQuarter - 1;
  const aModQuarterMinusOneQuarter = wrap((a & mask) - oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, intBits, 0));
  const remainder = wrap(aModQuarterMinusOneQuarter - a);
  const barrel: [number, number][] = [
    [-2, 1672461947], [-1, 1302514674], [0, 790015084], [1, 290630308], [2, 39332535], [3, 720401], [4, 242],
  ];
  for (const [exponent, multiplier] of barrel) {
    if (intBits > exponent) {
      const shiftAmount = fracBits + exponent;
      if ((remainder & (1 << shiftAmount)) !== 0) result = srdhm(result, multiplier);
    }
  }
  if (intBits > 5) {
    const clamp = -(1 << (36 - intBits)); // -32.0
    if (a < clamp) result = 0;
  }
  if (a === 0) result = INT32_MAX;
  return result;
}

/** 1 / (1 + x) for x in (0, 1), 0 integer bits in and out (Newton-Raphson, as gemmlowp). */
function oneOverOnePlusXForXIn01(a: number): number {
  // RoundingHalfSum(a, One) in 64-bit.
  const sum = a + INT32_MAX;
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
  const c48Over17 = 1515870810;
  const cNeg32Over17 = -1010580540;
  let x = wrap(c48Over17 + srdhm(halfDenominator, cNeg32Over17)); // F2
  const oneF2 = one(2);
  for (let i = 0; i < 3; i++) {
    const hdx = srdhm(halfDenominator, x); // F0 * F2 -> F2
    const oneMinus = wrap(oneF2 - hdx);
    x = wrap(x + rescale(srdhm(x, oneMinus), 4, 2)); // F2 * F2 -> F4, rescaled to F2
  }
  // ExactMulByPot<-1>(x): same raw, F1; then Rescale<0>.
  return rescale(x, 1, 0);
}

/** gemmlowp::logistic for a fixed-point input with `intBits` integer bits; result with 0 integer bits. */
export function logistic(a: number, intBits: number): number {
  if (a === 0) return 1 << 30;
  const positive = a > 0;
  const abs = positive ? a : wrap(-a);
  const resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(wrap(-abs), intBits));
  return positive ? resultIfPositive : wrap(INT32_MAX - resultIfPositive);
}
