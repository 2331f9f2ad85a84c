// Depthwise 3x3, any channel multiplier, no dilation, on the op's load-time plan (plan.ts): the generic
// kernel's math (depthwise.ts) with the bounds checks hoisted out of the tap loops. For each output
// pixel the valid tap rectangle is computed once. Interior pixels (all nine taps inside the image)
// start from the folded bias plan.bias = bias - zp_in * sum(w) and add nine plain products with
// fixed offsets; border pixels start from the op's bias and add w * (x - zp_in) over the clipped
// rectangle, exactly as the reference skips padded taps.
// Dispatched from depthwiseConv2d by shape; tested against the generic loop on random shapes.
//
// Runtime rule: ES5 subset, no allocation.
import type { DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';
import { requantizeFast } from './requantize-fast.js';
import { endTap, firstTap } from './window.js';

export function depthwiseConv3x3(op: DepthwiseOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var inH = input.shape[0];
  var inW = input.shape[1];
  var inC = input.shape[2];
  var outH = output.shape[0];
  var outW = output.shape[1];
  var outC = output.shape[2];
  var multiplier = op.depthMultiplier;
  var rowStride = inW * inC;
  var inputOffset = -input.zeroPoint;
  var x = input.data;
  var w = op.weights;
  var y = output.data;
  var o1 = outC;
  var o2 = 2 * outC;
  var o3 = 3 * outC;
  var o4 = 4 * outC;
  var o5 = 5 * outC;
  var o6 = 6 * outC;
  var o7 = 7 * outC;
  var o8 = 8 * outC;
  for (var oy = 0; oy < outH; oy++) {
    var inY0 = oy * op.strideH - op.padTop;
    var kyStart = firstTap(inY0, 1);
    var kyEnd = endTap(inY0, 1, inH, 3);
    for (var ox = 0; ox < outW; ox++) {
      var inX0 = ox * op.strideW - op.padLeft;
      var kxStart = firstTap(inX0, 1);
      var kxEnd = endTap(inX0, 1, inW, 3);
      var outBase = (oy * outW + ox) * outC;
      var interior = kyStart === 0 && kxStart === 0 && kyEnd === 3 && kxEnd === 3;
      var r0 = (inY0 * inW + inX0) * inC;
      var oc = 0;
      for (var ic = 0; ic < inC; ic++) {
        if (interior) {
          // The nine input values of this channel, reused by its `multiplier` output channels.
          var r = r0 + ic;
          var x0 = x[r], x1 = x[r + inC], x2 = x[r + 2 * inC];
          r += rowStride;
          var x3 = x[r], x4 = x[r + inC], x5 = x[r + 2 * inC];
          r += rowStride;
          var x6 = x[r], x7 = x[r + inC], x8 = x[r + 2 * inC];
          for (var m = 0; m < multiplier; m++, oc++) {
            y[outBase + oc] = requantizeFast(plan.bias[oc] +
              w[oc] * x0 + w[o1 + oc] * x1 + w[o2 + oc] * x2 +
              w[o3 + oc] * x3 + w[o4 + oc] * x4 + w[o5 + oc] * x5 +
              w[o6 + oc] * x6 + w[o7 + oc] * x7 + w[o8 + oc] * x8, plan, oc);
          }
        } else {
          for (m = 0; m < multiplier; m++, oc++) {
            var acc = op.bias[oc];
            for (var ky = kyStart; ky < kyEnd; ky++) {
              for (var kx = kxStart; kx < kxEnd; kx++) {
                acc += w[(ky * 3 + kx) * outC + oc] * (x[r0 + ky * rowStride + kx * inC + ic] + inputOffset);
              }
            }
            y[outBase + oc] = requantizeFast(acc, plan, oc);
          }
        }
      }
    }
  }
}
