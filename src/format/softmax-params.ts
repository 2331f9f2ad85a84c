// Tool-side parameters of the int8 softmax kernel (src/runtime/kernels/softmax.ts), computed the
// way TFLite prepares its quantized softmax (PreprocessSoftmaxScaling + CalculateInputRadius with
// kScaledDiffIntegerBits = 5), so converted and imported models carry TFLM's very integers.
//
// The kernel scales an input difference d (in steps of s_in) into Q5.26 fixed point:
// real multiplier beta * s_in * 2^26, capped at 2^31 - 1 and stored as (multiplier, left shift)
// with the shift >= 0. diffMin is the most negative d whose scaled value still fits 5 integer bits.
import { TinyconvError } from './errors.js';
import { f32, quantizeMultiplier } from './multiplier.js';

/** Integer bits of the scaled input difference in the int8 softmax (TFLite kScaledDiffIntegerBits). */
export const SOFTMAX_SCALED_DIFF_INTEGER_BITS = 5;

export interface SoftmaxParams {
  inputBetaMultiplier: number;
  inputBetaLeftShift: number;
  diffMin: number;
}

/** tflite::PreprocessSoftmaxScaling: (multiplier, left shift) for beta * inputScale * 2^(31 - integerBits). */
export function preprocessSoftmaxScaling(beta: number, inputScale: number, inputIntegerBits: number):
  { multiplier: number; leftShift: number } {
  const real = Math.min(beta * inputScale * Math.pow(2, 31 - inputIntegerBits), 2147483647);
  // QuantizeMultiplierGreaterThanOne: TFLite checks real > 1 and a non-negative shift.
  if (!(real > 1)) {
    throw new TinyconvError('SOFTMAX_SCALE_TOO_SMALL',
      `softmax: beta * input scale = ${beta * inputScale} is too small for the int8 kernel (needs > 2^-${31 - inputIntegerBits})`);
  }
  const q = quantizeMultiplier(real);
  return { multiplier: q.multiplier, leftShift: q.shift };
}

/** tflite::CalculateInputRadius: largest |d| whose rescaled value fits the integer bits. */
export function calculateInputRadius(inputIntegerBits: number, inputLeftShift: number, totalSignedBits = 31): number {
  const maxInputRescaled = ((Math.pow(2, inputIntegerBits) - 1) * Math.pow(2, totalSignedBits - inputIntegerBits)) /
    Math.pow(2, inputLeftShift);
  return Math.floor(maxInputRescaled);
}

/** All three softmax op parameters for an int8 input of the given scale (float32, as stored). */
export function softmaxParams(inputScale: number, beta = 1): SoftmaxParams {
  const scaling = preprocessSoftmaxScaling(f32(beta), f32(inputScale), SOFTMAX_SCALED_DIFF_INTEGER_BITS);
  return {
    inputBetaMultiplier: scaling.multiplier,
    inputBetaLeftShift: scaling.leftShift,
    diffMin: -calculateInputRadius(SOFTMAX_SCALED_DIFF_INTEGER_BITS, scaling.leftShift),
  };
}
