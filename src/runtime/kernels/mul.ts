// Int8 elementwise multiply, TFLite's reference_integer_ops/mul.h:
//   out = zp_out + (a - zp_a) * (b - zp_b) * M,  M = s_a * s_b / s_out in fixed point, clamped.
// The second input is either the same shape as the first or one value per channel ([C] or
// [1, 1, C]) broadcast over every pixel: the squeeze-and-excite gate. Without broadcast it reads
// a[i], b[i] before writing out[i], so the output may share memory with an input.
//
// Runtime rule: ES5 subset, no allocation.
import type { MulOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { multiplyByQuantizedMultiplier } from '../requant.js';
import { shapeSize } from '../../format/validate.js';

export function mul(op: MulOp, a: Tensor, b: Tensor, output: Tensor): void {
  const n = shapeSize(a.shape);
  const channels = shapeSize(b.shape);
  const pixels = n / channels;
  const aOffset = -a.zeroPoint;
  const bOffset = -b.zeroPoint;
  const outputOffset = output.zeroPoint;
  const x1 = a.data;
  const x2 = b.data;
  const y = output.data;
  for (let p = 0; p < pixels; p++) {
    const base = p * channels;
    for (let c = 0; c < channels; c++) {
      const product = (x1[base + c] + aOffset) * (x2[c] + bOffset);
      let out = multiplyByQuantizedMultiplier(product, op.outputMultiplier, op.outputShift) + outputOffset;
      if (out < op.actMin) out = op.actMin;
      if (out > op.actMax) out = op.actMax;
      y[base + c] = out;
    }
  }
}
