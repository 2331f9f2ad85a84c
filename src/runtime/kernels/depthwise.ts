// Int8 depthwise convolution, TFLite's DepthwiseConvPerChannel (reference_integer_ops/depthwise_conv.h).
//
// Each input channel ic feeds depthMultiplier output channels oc = ic * depthMultiplier + m, each
// with its own kH x kW filter stored as weights[ky][kx][oc] (TFLite's 1HWO). The accumulator and
// requantization are those of conv.ts: acc = bias[oc] + sum_taps (x - zp_in) * w, then
// y = zp_out + acc * (s_in * s_w[oc] / s_out) in fixed point, clamped. Padded taps are skipped
// (the window is clipped once per output position, window.ts). It is conv.ts's loop: a depthwise
// convolution is a grouped one (one input channel per group), with other weight strides.
// With a load-time plan (fast bundle), 3x3 undilated filters go to depthwise3x3.ts.
//
// Runtime rule: ES5 subset, no allocation.
import type { DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { conv2dGeneric } from './conv.js';
import type { PlannedOp } from '../plan.js';

/** Dispatcher: the fast kernel a load-time plan chose (plan.ts, fast bundle), else the generic loop. */
export function depthwiseConv2d(op: DepthwiseOp, input: Tensor, output: Tensor): void {
  var plan = (op as PlannedOp).plan;
  if (plan) plan.kernel(op, input, output, plan);
  else conv2dGeneric(op, input, output);
}
