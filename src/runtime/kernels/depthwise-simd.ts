// Depthwise 3x3 (any multiplier) through the WebAssembly SIMD kernel (wasm/depthwise-simd.ts), on the
// op's load-time plan (wasm/plan-simd.ts). The image is copied into the op's wasm memory inside a
// border the planner filled with the input zero point once, so the kernel treats every pixel as an
// interior one; its int32 sums plus plan.bias (zero point folded over all nine taps) are exactly the
// reference accumulators (padded taps add zp * w, which the folded bias subtracted). wasm's
// `requantize` then does the JS fast path's requantization in int64, so the bytes equal
// depthwise3x3.ts's (test/runtime/kernels/simd.test.ts).
//
// Runtime rule: ES5 subset, no allocation.
import type { DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';

export function depthwiseSimd(op: DepthwiseOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var s = plan.simd!;
  var inH = input.shape[0];
  var inW = input.shape[1];
  var inC = input.shape[2];
  var multiplier = op.depthMultiplier;
  var channels = output.shape[2];
  var padW = s.padW;
  var padH = (output.shape[0] - 1) * op.strideH + 3;
  var x = input.data;
  var m = s.memory;
  // Image rows into the padded copy, each input channel repeated for its `multiplier` output
  // channels (so the kernel is always multiplier 1); rows and columns no window reaches are left out.
  var cols = inW < padW - op.padLeft ? inW : padW - op.padLeft;
  for (var iy = 0; iy < inH && iy + op.padTop < padH; iy++) {
    var from = iy * inW * inC;
    var to = ((iy + op.padTop) * padW + op.padLeft) * channels;
    if (multiplier === 1) {
      m.set(s.rows[iy], to);
      continue;
    }
    for (var k = 0; k < cols * inC; k++) {
      for (var r = 0; r < multiplier; r++) m[to++] = x[from + k];
    }
  }
  s.run(0, s.weights, s.accOffset, output.shape[0], output.shape[1], padW * channels,
    op.strideH * padW * channels, op.strideW * channels, channels, s.rowW);
  var y = output.data;
  s.requantize(s.accOffset, s.params, s.out, y.length, channels, plan.zp, plan.min, plan.max, s.skip);
  y.set(s.outView);
}
