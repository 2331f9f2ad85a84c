// Int8 elementwise add, TFLite's reference_integer_ops/add.h.
//
// Math: out_real = a_real + b_real with different scales. Both inputs are moved to a common
// fixed-point scale before adding: (q - zp) is shifted left by `leftShift` (20) bits so that the
// rescale by input{1,2}Multiplier = s_{a,b} / (2 * max(s_a, s_b)) keeps plenty of precision, the
// two are summed in int32, and outputMultiplier = 2 * max(s_a, s_b) / (2^leftShift * s_out) brings
// the sum to the output scale. Every rescale is a multiplyByQuantizedMultiplier; clamp at the end.
// Reads a[i], b[i] before writing out[i], so the output may share memory with either input.
//
// Runtime rule: ES5 subset, no allocation.
import type { AddOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { multiplyByQuantizedMultiplier } from '../requant.js';
import { shapeSize } from '../../format/validate.js';

export function add(op: AddOp, a: Tensor, b: Tensor, output: Tensor): void {
  const n = shapeSize(output.shape);
  const aOffset = -a.zeroPoint;
  const bOffset = -b.zeroPoint;
  const outputOffset = output.zeroPoint;
  const leftShift = op.leftShift;
  const x1 = a.data;
  const x2 = b.data;
  const y = output.data;
  for (let i = 0; i < n; i++) {
    const scaled1 = multiplyByQuantizedMultiplier((x1[i] + aOffset) << leftShift, op.input1Multiplier, op.input1Shift);
    const scaled2 = multiplyByQuantizedMultiplier((x2[i] + bOffset) << leftShift, op.input2Multiplier, op.input2Shift);
    let out = multiplyByQuantizedMultiplier(scaled1 + scaled2, op.outputMultiplier, op.outputShift) + outputOffset;
    if (out < op.actMin) out = op.actMin;
    if (out > op.actMax) out = op.actMax;
    y[i] = out;
  }
}
