// Depthwise 3x3, any channel multiplier, no dilation, on the op's load-time plan (plan.ts): the generic
// kernel's math (depthwise.ts) with the bounds checks hoisted out of the tap loops, one output channel
// at a time so its nine weights live in locals. For each output pixel the valid tap rectangle is
// computed once. Interior pixels (all nine taps inside the image) start from the folded bias
// plan.bias = bias - zp_in * sum(w) and add nine plain products with
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
  var strideH = op.strideH;
  var strideW = op.strideW;
  // Channel by channel: the nine weights and the folded bias stay in locals for the whole map.
  for (var oc = 0; oc < outC; oc++) {
    var ic = (oc - oc % multiplier) / multiplier;
    var w0 = w[oc], w1 = w[outC + oc], w2 = w[2 * outC + oc];
    var w3 = w[3 * outC + oc], w4 = w[4 * outC + oc], w5 = w[5 * outC + oc];
    var w6 = w[6 * outC + oc], w7 = w[7 * outC + oc], w8 = w[8 * outC + oc];
    var folded = plan.bias[oc];
    for (var oy = 0; oy < outH; oy++) {
      var inY0 = oy * strideH - op.padTop;
      var kyStart = firstTap(inY0, 1);
      var kyEnd = endTap(inY0, 1, inH, 3);
      var outBase = oy * outW * outC + oc;
      for (var ox = 0; ox < outW; ox++) {
        var inX0 = ox * strideW - op.padLeft;
        var r = (inY0 * inW + inX0) * inC + ic;
        var acc;
        if (kyStart === 0 && kyEnd === 3 && inX0 >= 0 && inX0 + 3 <= inW) {
          var r1 = r + rowStride;
          var r2 = r1 + rowStride;
          acc = folded + w0 * x[r] + w1 * x[r + inC] + w2 * x[r + 2 * inC] +
            w3 * x[r1] + w4 * x[r1 + inC] + w5 * x[r1 + 2 * inC] +
            w6 * x[r2] + w7 * x[r2 + inC] + w8 * x[r2 + 2 * inC];
        } else {
          acc = op.bias[oc];
          var kxStart = firstTap(inX0, 1);
          var kxEnd = endTap(inX0, 1, inW, 3);
          for (var ky = kyStart; ky < kyEnd; ky++) {
            for (var kx = kxStart; kx < kxEnd; kx++) {
              acc += w[(ky * 3 + kx) * outC + oc] * (x[r + ky * rowStride + kx * inC] + inputOffset);
            }
          }
        }
        y[outBase + ox * outC] = requantizeFast(acc, plan, oc);
      }
    }
  }
}
