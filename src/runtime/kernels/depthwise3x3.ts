// Depthwise 3x3, any channel multiplier, no dilation, on the op's load-time plan (plan.ts): the generic
// kernel's math (depthwise.ts) with the bounds checks hoisted out of the tap loops, one output channel
// at a time so its nine weights and requantization constants live in locals, one pass per output row.
// Interior pixels (all nine taps inside the image) start from the folded bias
// plan.bias = bias - zp_in * sum(w) and add nine plain products with fixed offsets; border pixels
// start from the op's bias and add w * (x - zp_in) over the clipped rectangle, exactly as the
// reference skips padded taps.
// Dispatched from depthwiseConv2d by shape; tested against the generic loop on random shapes.
//
// Runtime rule: ES5 subset, no allocation.
import type { DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';
import { endTap, firstTap } from './window.js';
import { requantizeExact, FLOOR_OFFSET } from './requantize-fast.js';

export function depthwiseConv3x3(op: DepthwiseOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var inH = input.shape[0];
  var inW = input.shape[1];
  var inC = input.shape[2];
  var outH = output.shape[0];
  var outW = output.shape[1];
  var outC = output.shape[2];
  var multiplier = op.depthMultiplier;
  var rowStride = inW * inC;
  var x = input.data;
  var w = op.weights;
  var y = output.data;
  var strideH = op.strideH;
  var strideW = op.strideW;
  var padLeft = op.padLeft;
  // Output columns whose three taps lie inside the image: [oxStart, oxEnd).
  var oxStart = Math.ceil(padLeft / strideW);
  var oxEnd = Math.max(oxStart, Math.min(outW, Math.floor((inW - 3 + padLeft) / strideW) + 1));
  var tapStep = strideW * inC;
  var zpIn = input.zeroPoint;
  var zp = plan.zp, lo = plan.min, hi = plan.max;
  // Channel by channel: the nine weights, the folded bias and the requantization constants stay in
  // locals for the whole map.
  for (var oc = 0; oc < outC; oc++) {
    var ic = (oc - oc % multiplier) / multiplier;
    var w0 = w[oc], w1 = w[outC + oc], w2 = w[2 * outC + oc];
    var w3 = w[3 * outC + oc], w4 = w[4 * outC + oc], w5 = w[5 * outC + oc];
    var w6 = w[6 * outC + oc], w7 = w[7 * outC + oc], w8 = w[8 * outC + oc];
    var folded = plan.bias[oc];
    var scale = plan.scale[oc];
    var rs = plan.rshift[oc];
    var mask = (1 << rs) - 1;
    var half = mask >> 1;
    for (var oy = 0; oy < outH; oy++) {
      var inY0 = oy * strideH - op.padTop;
      var interiorRow = inY0 >= 0 && inY0 + 3 <= inH;
      var r = (inY0 * inW - padLeft) * inC + ic;
      var o = oy * outW * outC + oc;
      for (var ox = 0; ox < outW; ox++) {
        var r1 = r + rowStride;
        var r2 = r1 + rowStride;
        var acc;
        if (interiorRow && ox >= oxStart && ox < oxEnd) {
          acc = folded + w0 * x[r] + w1 * x[r + inC] + w2 * x[r + 2 * inC] +
            w3 * x[r1] + w4 * x[r1 + inC] + w5 * x[r1 + 2 * inC] +
            w6 * x[r2] + w7 * x[r2 + inC] + w8 * x[r2 + 2 * inC];
        } else {
          acc = borderSum(op, x, w, inH, inW, inC, outC, oc, ic, inY0, ox * strideW - padLeft, -zpIn);
        }
        // requantizeFast's arithmetic (requantize-fast.ts), written out with this channel's constants
        // hoisted into locals: measured 2% of person_detect's fast-JS time over calling it.
        var v = acc * scale;
        if (v < 1048576 && v > -1048576) {
          var h = ((v + 0.5 + FLOOR_OFFSET) | 0) - FLOOR_OFFSET; // floor(v + 1/2)
          var q = (h >> rs) + ((half - (h >> 31) - (h & mask)) >>> 31) + zp;
          var below = q - lo;
          q -= below & (below >> 31);
          var above = q - hi;
          y[o] = q - (above & ~(above >> 31));
        } else {
          y[o] = requantizeExact(acc | 0, plan, oc);
        }
        r += tapStep;
        o += outC;
      }
    }
  }
}

/** A border pixel: the op's own bias plus w * (x - zp_in) over the taps inside the image, as the
 *  reference skips padded taps. */
function borderSum(op: DepthwiseOp, x: Int8Array, w: Int8Array, inH: number, inW: number, inC: number, outC: number,
  oc: number, ic: number, inY0: number, inX0: number, inputOffset: number): number {
  var acc = op.bias[oc];
  var r = (inY0 * inW + inX0) * inC + ic;
  var kxStart = firstTap(inX0, 1);
  var kxEnd = endTap(inX0, 1, inW, 3);
  for (var ky = firstTap(inY0, 1); ky < endTap(inY0, 1, inH, 3); ky++) {
    for (var kx = kxStart; kx < kxEnd; kx++) acc += w[(ky * 3 + kx) * outC + oc] * (x[r + ky * inW * inC + kx * inC] + inputOffset);
  }
  return acc;
}
