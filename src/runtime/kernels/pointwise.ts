// 1x1, stride 1, unpadded, ungrouped convolution: a matrix product of the [pixels, inC] input with
// the [outC, inC] weights. Same math as conv.ts, reordered so the inner loop is a plain row dot
// product (dot.ts, the platform hook):
//   acc = bias[oc] + sum_ic w[oc, ic] * (x[p, ic] - zp_in)
//       = bias[oc] - zp_in * sum_ic w[oc, ic] + dot(x[p, :], w[oc, :])
// The weight-row sum is computed once per output channel and reused for every pixel.
// Dispatched from conv2d by shape; tested against the generic loop on random shapes.
//
// Runtime rule: ES5 subset, no allocation.
import type { ConvOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { requantizeOutput } from './requantize-output.js';
import { dotInt8 } from './dot.js';

export function pointwiseConv2d(op: ConvOp, input: Tensor, output: Tensor): void {
  const pixels = output.shape[0] * output.shape[1];
  const inC = input.shape[2];
  const outC = output.shape[2];
  const inputOffset = -input.zeroPoint;
  const outputOffset = output.zeroPoint;
  const x = input.data;
  const w = op.weights;
  const y = output.data;
  for (let oc = 0; oc < outC; oc++) {
    const wBase = oc * inC;
    let weightSum = 0;
    for (let ic = 0; ic < inC; ic++) weightSum += w[wBase + ic];
    const constantTerm = op.bias[oc] + inputOffset * weightSum;
    for (let p = 0; p < pixels; p++) {
      y[p * outC + oc] = requantizeOutput(constantTerm + dotInt8(x, p * inC, w, wBase, inC), op, oc, outputOffset);
    }
  }
}
