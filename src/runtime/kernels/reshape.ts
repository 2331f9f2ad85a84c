// Reshape / flatten: the NHWC bytes do not change, only the shape does. When the planner gave input
// and output the same arena slot there is nothing to do; otherwise the bytes are copied, in the
// direction that stays correct if the two slots overlap.
//
// Runtime rule: ES5 subset, no allocation.
import type { ReshapeOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { shapeSize } from '../../format/validate.js';

export function reshape(_op: ReshapeOp, input: Tensor, output: Tensor): void {
  const x = input.data;
  const y = output.data;
  const sameBuffer = x.buffer === y.buffer;
  if (sameBuffer && x.byteOffset === y.byteOffset) return;
  const n = shapeSize(output.shape);
  if (sameBuffer && y.byteOffset > x.byteOffset) {
    for (let i = n - 1; i >= 0; i--) y[i] = x[i];
  } else {
    for (let i = 0; i < n; i++) y[i] = x[i];
  }
}
