// 1x1, stride 1, unpadded, ungrouped convolution: the matrix product of the [pixels, inC] input with
// the [outC, inC] weights, on the op's load-time plan (plan.ts). With the input zero point folded
// into plan.bias, every output is a plain row dot product:
//   acc[p, oc] = plan.bias[oc] + sum_ic x[p, ic] * w[oc, ic]
//
// The blocked kernel computes 4 pixels x 4 channels per pass over a row (16 products from 4 input
// and 2 weight loads) and packs two channels into one double: the plan stores
// q = w[2j] + w[2j + 1] * 2^26, so sum x * q = lo + hi * 2^26 with lo, hi the two channels' dot
// products. Every partial sum is an integer below 2^53 and |lo| <= K * 128 * 127 < 2^25 for rows of
// up to 2064 values (the plan packs only those), so hi = round(sum / 2^26) and lo = sum - hi * 2^26
// recover both exactly. Pixels past the end repeat the last row and are not stored.
// Without packing (longer rows, or Espruino's E.convolve hook) each output is one dotInt8 call.
// Tested against the generic kernel on random shapes (test/runtime/kernels/conv.test.ts).
//
// Runtime rule: ES5 subset, no allocation.
import type { ConvOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';
import { requantizeFast } from './requantize-fast.js';
import { dotInt8 } from './dot.js';

/** Two int8 products share a double: lo + hi * PACK with |lo| < PACK / 2. */
export var PACK = 67108864; // 2^26
var UNPACK = 1 / PACK;

export function pointwiseConv2d(op: ConvOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var pixels = output.shape[0] * output.shape[1];
  var inC = input.shape[2];
  var outC = output.shape[2];
  var x = input.data;
  var y = output.data;
  var wp = plan.packed;
  var p, c;
  if (!wp) {
    var hook = plan.convolve;
    for (p = 0; p < pixels; p++) {
      for (c = 0; c < outC; c++) {
        var dot = hook ? hook(plan.rowsW[c], plan.rowsX[p], 0) : dotInt8(x, p * inC, op.weights, c * inC, inC);
        y[p * outC + c] = requantizeFast(plan.bias[c] + dot, plan, c);
      }
    }
    return;
  }
  var pairs = wp.length / inC;
  var last = (pixels - 1) * inC;
  for (p = 0; p < pixels; p += 4) {
    var x0 = p * inC;
    var x1 = x0 + inC < last ? x0 + inC : last;
    var x2 = x1 + inC < last ? x1 + inC : last;
    var x3 = x2 + inC < last ? x2 + inC : last;
    for (var j = 0; j < pairs; j += 2) {
      var w0 = j * inC;
      var w1 = w0 + inC;
      var a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
      for (var k = 0; k < inC; k++) {
        var q0 = wp[w0 + k];
        var q1 = wp[w1 + k];
        var u = x[x0 + k];
        a0 += u * q0;
        a1 += u * q1;
        u = x[x1 + k];
        b0 += u * q0;
        b1 += u * q1;
        u = x[x2 + k];
        c0 += u * q0;
        c1 += u * q1;
        u = x[x3 + k];
        d0 += u * q0;
        d1 += u * q1;
      }
      // Through a Float64Array: sums past int32 passed to a call would be boxed (allocated).
      var sums = plan.sums;
      sums[0] = a0; sums[1] = a1; sums[2] = b0; sums[3] = b1;
      sums[4] = c0; sums[5] = c1; sums[6] = d0; sums[7] = d1;
      storeTile(sums, y, p, pixels, 2 * j, outC, plan);
    }
  }
}

/** Unpacks the 4 pixels x 4 channels of a tile: pixel p + i, channels n + 2h (lo) and n + 2h + 1
 *  (hi) from sums[2i + h]; pixels past the end and channels past outC are padding. */
function storeTile(sums: Float64Array, y: Int8Array, p: number, pixels: number, n: number, outC: number, plan: KernelPlan): void {
  for (var i = 0; i < 4 && p + i < pixels; i++) {
    for (var c = n; c < n + 4 && c < outC; c += 2) {
      var s = sums[2 * i + ((c - n) >> 1)];
      var hi = Math.round(s * UNPACK);
      var o = (p + i) * outC + c;
      y[o] = requantizeFast(s - hi * PACK + plan.bias[c], plan, c);
      if (c + 1 < outC) y[o + 1] = requantizeFast(hi + plan.bias[c + 1], plan, c + 1);
    }
  }
}
