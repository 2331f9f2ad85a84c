// Fully connected on the op's load-time plan (plan.ts, fast bundle): dense.ts's math with the input
// zero point folded into plan.bias, so each output is one plain row dot product
//   acc[o] = plan.bias[o] + sum_i w[o, i] * x[i]
// computed by dotInt8 or, on Espruino, by one native E.convolve call on the plan's row views.
// Tested against dense.ts (test/runtime/kernels/dense.test.ts).
//
// Runtime rule: ES5 subset, no allocation.
import type { DenseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';
import { requantizeFast } from './requantize-fast.js';
import { dotInt8 } from './dot.js';

export function denseFast(op: DenseOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var inN = input.data.length;
  var x = input.data;
  var y = output.data;
  var hook = plan.convolve;
  for (var o = 0; o < y.length; o++) {
    var dot = hook ? hook(plan.rowsW[o], plan.rowsX[0], 0) : dotInt8(x, 0, op.weights, o * inN, inN);
    y[o] = requantizeFast(plan.bias[o] + dot, plan, o);
  }
}
