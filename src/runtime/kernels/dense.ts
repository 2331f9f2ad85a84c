// Int8 fully connected, TFLite's FullyConnected (reference_integer_ops/fully_connected.h) with a
// zero weight zero point: out[o] = zp_out + (bias[o] + sum_i w[o, i] * (x[i] - zp_in)) * M[o],
// M = s_in * s_w / s_out applied in fixed point, then clamped. One multiplier entry means
// per-tensor weights, otherwise one per output. The input is read flat in NHWC order, so a
// [H, W, C] feature map feeds a dense layer without a reshape.
//
// Runtime rule: ES5 subset, no allocation.
import type { DenseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { requantizeOutput } from './requantize-output.js';
import { shapeSize } from '../../format/validate.js';
import type { PlannedOp } from '../plan.js';

export function dense(op: DenseOp, input: Tensor, output: Tensor): void {
  var plan = (op as PlannedOp).plan;
  if (plan) return plan.kernel(op, input, output, plan); // fast bundle: dense-fast.ts
  const inN = shapeSize(input.shape);
  const outN = shapeSize(output.shape);
  const inputOffset = -input.zeroPoint;
  const outputOffset = output.zeroPoint;
  const x = input.data;
  const w = op.weights;
  const y = output.data;
  for (let o = 0; o < outN; o++) {
    const wBase = o * inN;
    let acc = 0;
    for (let i = 0; i < inN; i++) acc += w[wBase + i] * (x[i] + inputOffset);
    acc += op.bias[o];
    y[o] = requantizeOutput(acc, op, o, outputOffset);
  }
}
