// Int8 softmax over the last axis, bit-exact with TFLite's reference quantized Softmax
// (reference_ops/softmax.h) and the gemmlowp fixed-point functions it uses.
//
// Math, once. Per row, with d = q - max(q) <= 0 (in input steps):
// 1. d is scaled by beta * s_in into Q5.26 fixed point (5 integer bits, range (-32, 0]) with the
//    converter's inputBetaMultiplier / inputBetaLeftShift; diffs below diffMin would leave that
//    range, their exp is taken as 0 (they contribute nothing and output -128).
// 2. exp(x) for x <= 0 in Q0.31 (gemmlowp exp_on_negative_values): x = -k/4 + r with r in
//    [-1/4, 0); exp(r) by a 4th-order Taylor expansion around -1/8, then one multiply by the
//    constant exp(-2^j) for every set bit j of the quarter count k (a "barrel shifter").
// 3. The exps are summed in Q12.19 (up to 4096 ones). The sum S = 2^n * (1 + f), f in [0, 1),
//    and 1 / (1 + f) comes from three Newton-Raphson steps (gemmlowp one_over_one_plus_x_for_x_in_0_1).
// 4. out = exp(x) / S in units of 1/256, rounded, minus 128, clamped to int8: scale 1/256, zp -128.
// Every multiply is saturatingRoundingDoublingHighMul; "Rescale" between formats is a rounding
// right shift or a saturating left shift. Sums wrap like int32 (| 0) as in C.
// Rows longer than 511 equal logits would need a right shift above 31, undefined in C; JS masks
// the shift count as x86 does.
//
// Runtime rule: ES5 subset, no allocation.
import type { SoftmaxOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../requant.js';

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;
/** Integer bits of the accumulated sum of exps (Q12.19). */
const ACCUMULATION_INTEGER_BITS = 12;

/** gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent: x * 2^exponent, saturated. */
function saturatingShiftLeft(x: number, exponent: number): number {
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x << exponent;
}

/** exp(a) for a in [-1/4, 0), a and result in Q0.31. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668; // exp(-1/8)
  const constantOneThird = 715827883; // 1/3
  const x = (a + (1 << 28)) | 0; // a + 1/8
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  // x^4/24 + x^3/6 + x^2/2
  const poly = roundingDivideByPOT(
    (saturatingRoundingDoublingHighMul((x4Over4 + x3) | 0, constantOneThird) + x2) | 0, 1);
  return (constantTerm + saturatingRoundingDoublingHighMul(constantTerm, (x + poly) | 0)) | 0;
}

/** exp(-2^j / 4) in Q0.31 for j = 0..6 (exp(-1/4) ... exp(-16)): the barrel shifter's factors. */
const EXP_OF_MINUS_QUARTER_TIMES_2_TO_J = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];

/** exp(a) for a <= 0; a in Q5.26, result in Q0.31. */
function expOnNegativeValues(a: number): number {
  const oneQuarter = 1 << 24;
  const aModQuarterMinusOneQuarter = ((a & (oneQuarter - 1)) - oneQuarter) | 0;
  // Q5.26 -> Q0.31: a value in [-1/4, 0) cannot saturate.
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingShiftLeft(aModQuarterMinusOneQuarter, 5));
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (let j = 0; j < 7; j++) if (remainder & (1 << (24 + j))) result = saturatingRoundingDoublingHighMul(result, EXP_OF_MINUS_QUARTER_TIMES_2_TO_J[j]);
  return a === 0 ? INT32_MAX : result;
}

/** 1 / (1 + a) for a in [0, 1), in and out Q0.31 (Newton-Raphson on half the denominator). */
function oneOverOnePlusX(a: number): number {
  // gemmlowp RoundingHalfSum(a, 1): (a + 1 + 1) / 2 truncated; the sum is non-negative here.
  const halfDenominator = Math.floor((a + INT32_MAX + 1) / 2);
  // x starts at 48/17 - 32/17 * d (Q2.29); each step x += x * (1 - d * x).
  let x = (1515870810 + saturatingRoundingDoublingHighMul(halfDenominator, -1010580540)) | 0;
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x);
    const oneMinus = ((1 << 29) - halfDenominatorTimesX) | 0;
    x = (x + saturatingShiftLeft(saturatingRoundingDoublingHighMul(x, oneMinus), 2)) | 0;
  }
  // x approximates 1 / d = 2 / (1 + a) in Q2.29; halving it is a relabel to Q1.30, then to Q0.31.
  return saturatingShiftLeft(x, 1);
}

export function softmax(op: SoftmaxOp, input: Tensor, output: Tensor): void {
  const shape = output.shape;
  const depth = shape[shape.length - 1];
  let rows = 1;
  for (let d = 0; d < shape.length - 1; d++) rows *= shape[d];
  const betaMultiplier = op.inputBetaMultiplier;
  const betaLeftShift = op.inputBetaLeftShift;
  const diffMin = op.diffMin;
  const x = input.data;
  const y = output.data;
  for (let r = 0; r < rows; r++) {
    const base = r * depth;
    let maxInRow = -128;
    for (let c = 0; c < depth; c++) if (x[base + c] > maxInRow) maxInRow = x[base + c];

    let sumOfExps = 0; // Q12.19
    for (let c = 0; c < depth; c++) {
      const diff = x[base + c] - maxInRow;
      if (diff >= diffMin) {
        const scaledDiff = saturatingRoundingDoublingHighMul(diff << betaLeftShift, betaMultiplier);
        sumOfExps = (sumOfExps + roundingDivideByPOT(expOnNegativeValues(scaledDiff), ACCUMULATION_INTEGER_BITS)) | 0;
      }
    }

    // tflite GetReciprocal: S = 2^numBitsOverUnit * (1 + f), with the leading one shifted to bit 31.
    let headroomPlusOne = 0;
    while (headroomPlusOne < 32 && (sumOfExps << headroomPlusOne) > 0) headroomPlusOne++;
    const numBitsOverUnit = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
    const shiftedScale = oneOverOnePlusX((sumOfExps << headroomPlusOne) & 0x7fffffff);
    const outputShift = numBitsOverUnit + 31 - 8;

    for (let c = 0; c < depth; c++) {
      const diff = x[base + c] - maxInRow;
      let out = -128;
      if (diff >= diffMin) {
        const scaledDiff = saturatingRoundingDoublingHighMul(diff << betaLeftShift, betaMultiplier);
        const expIn0 = expOnNegativeValues(scaledDiff);
        out = roundingDivideByPOT(saturatingRoundingDoublingHighMul(shiftedScale, expIn0), outputShift) - 128;
        if (out > 127) out = 127;
        if (out < -128) out = -128;
      }
      y[base + c] = out;
    }
  }
}
