// Reshape / flatten: the NHWC bytes do not change, only the shape does. The planner gives input and
// output the same arena slot when the input dies here (nothing to do); otherwise the loader's plan
// check (validate.ts) guarantees the two slots do not overlap, so a plain forward copy is right.
//
// Runtime rule: ES5 subset, no allocation.
import type { ReshapeOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';

export function reshape(_op: ReshapeOp, input: Tensor, output: Tensor): void {
  var x = input.data;
  var y = output.data;
  if (x.byteOffset !== y.byteOffset) for (var i = 0; i < y.length; i++) y[i] = x[i];
}
