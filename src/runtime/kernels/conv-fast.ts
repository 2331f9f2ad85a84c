// Convolution of any kernel size and stride (ungrouped, no horizontal dilation) on the op's load-time
// plan (plan.ts, fast bundle). In NHWC input and OHWI weights, the taps of one kernel row ky that lie
// inside the image form ONE contiguous run in both arrays: (kxEnd - kxStart) * inC values. So
//   acc = start + sum_{ky valid} dot(x[iy, ix0 + kxStart .. , :], w[oc, ky, kxStart .. , :])
// where start is plan.bias (zero point folded over all taps) for interior pixels, and for border
// pixels the op's bias minus zp_in times the weights of the taps actually visited (plan.tapSums
// holds sum_ic w per tap), which is exactly the reference's sum of w * (x - zp_in) over valid taps.
// On Espruino each interior row is one E.convolve(weight row, image row, offset) call (plan.ts).
// Tested against conv.ts's generic loop on random shapes (test/runtime/kernels/conv.test.ts).
//
// Runtime rule: ES5 subset, no allocation.
import type { ConvOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';
import { requantizeFast } from './requantize-fast.js';
import { endTap, firstTap } from './window.js';
import { dotInt8 } from './dot.js';

export function convFast(op: ConvOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var inH = input.shape[0];
  var inW = input.shape[1];
  var inC = input.shape[2];
  var outH = output.shape[0];
  var outW = output.shape[1];
  var outC = output.shape[2];
  var kernelH = op.kernelH;
  var kernelW = op.kernelW;
  var zp = input.zeroPoint;
  var x = input.data;
  var w = op.weights;
  var y = output.data;
  var tapSums = plan.tapSums;
  var filter = kernelH * kernelW * inC;
  var hook = plan.convolve;
  for (var oy = 0; oy < outH; oy++) {
    var inY0 = oy * op.strideH - op.padTop;
    var kyStart = firstTap(inY0, op.dilationH);
    var kyEnd = endTap(inY0, op.dilationH, inH, kernelH);
    for (var ox = 0; ox < outW; ox++) {
      var inX0 = ox * op.strideW - op.padLeft;
      var kxStart = firstTap(inX0, 1);
      var kxEnd = endTap(inX0, 1, inW, kernelW);
      var interior = kyStart === 0 && kxStart === 0 && kyEnd === kernelH && kxEnd === kernelW;
      var run = (kxEnd - kxStart) * inC;
      for (var oc = 0; oc < outC; oc++) {
        var acc = plan.bias[oc];
        if (!interior) {
          acc = op.bias[oc];
          for (var ky = kyStart; ky < kyEnd; ky++) {
            for (var kx = kxStart; kx < kxEnd; kx++) acc -= zp * tapSums[(oc * kernelH + ky) * kernelW + kx];
          }
        }
        for (ky = kyStart; ky < kyEnd && run > 0; ky++) {
          var iy = inY0 + op.dilationH * ky;
          // Espruino: image row iy against weight row (oc, ky), starting inX0 * inC into the image row.
          acc += hook && interior ? hook(plan.rowsW[oc * kernelH + ky], plan.rowsX[iy], inX0 * inC) :
            dotInt8(x, (iy * inW + inX0 + kxStart) * inC, w, oc * filter + (ky * kernelW + kxStart) * inC, run);
        }
        y[(oy * outW + ox) * outC + oc] = requantizeFast(acc, plan, oc);
      }
    }
  }
}
