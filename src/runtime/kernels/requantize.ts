// Int8 -> int8 rescale, TFLite's QUANTIZE between two int8 tensors (reference_ops/requantize.h):
//   out = clamp(zp_out + (q - zp_in) * M, -128, 127),  M = s_in / s_out in fixed point.
// Concat uses the same per-value rescale for inputs whose scale differs from its output.
// Reads in[i] before writing out[i], so the output may share memory with the input.
//
// Runtime rule: ES5 subset, no allocation.
import type { RequantizeOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { multiplyByQuantizedMultiplier } from '../requant.js';
import { shapeSize } from '../../format/validate.js';

/** One value from (s_in, zp_in) to (s_out, zp_out), saturated to int8. */
export function requantizeValue(q: number, inputZeroPoint: number, outputZeroPoint: number,
  multiplier: number, shift: number): number {
  const out = multiplyByQuantizedMultiplier(q - inputZeroPoint, multiplier, shift) + outputZeroPoint;
  return out < -128 ? -128 : out > 127 ? 127 : out;
}

export function requantize(op: RequantizeOp, input: Tensor, output: Tensor): void {
  const n = shapeSize(output.shape);
  const x = input.data;
  const y = output.data;
  for (let i = 0; i < n; i++) {
    y[i] = requantizeValue(x[i], input.zeroPoint, output.zeroPoint, op.multiplier, op.shift);
  }
}
