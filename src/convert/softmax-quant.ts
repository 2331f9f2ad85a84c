// Softmax quantization, TFLite's way: the output is fixed to scale 1/256, zero point -128, and the
// kernel's parameters come from the input scale (beta = 1) as TFLM's SoftmaxPrepare computes them:
// PreprocessSoftmaxScaling with 5 integer bits for the scaled differences, and diffMin = minus
// CalculateInputRadius (differences below it contribute exp() = 0).
import { f32, quantizeMultiplier } from '../format/multiplier.js';
import type { ActivationQuant } from './quant-params.js';

export const SOFTMAX_OUTPUT_QUANT: ActivationQuant = { scale: 1 / 256, zeroPoint: -128 };

const SCALED_DIFF_INTEGER_BITS = 5;

export function softmaxParams(inputScale: number): { inputBetaMultiplier: number; inputBetaLeftShift: number; diffMin: number } {
  const beta = 1;
  const real = Math.min(beta * f32(inputScale) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1);
  const m = quantizeMultiplier(real);
  const radius = Math.floor((((2 ** SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** m.shift);
  return { inputBetaMultiplier: m.multiplier, inputBetaLeftShift: m.shift, diffMin: -radius };
}
