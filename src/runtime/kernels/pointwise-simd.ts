// 1x1 convolution through the WebAssembly SIMD dot-product kernel (wasm/pointwise-simd.ts), on the
// op's load-time plan (wasm/plan-simd.ts). The input activations are copied into the op's wasm memory
// (a typed-array set: no allocation), the kernel writes the int32 dot products of every pixel row with
// every weight row, and the tail is the JS fast path's: plan.bias (zero point folded in) plus
// requantizeFast. So the bytes equal pointwise.ts's; test/runtime/kernels/simd.test.ts checks it.
//
// Runtime rule: ES5 subset, no allocation.
import type { ConvOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import type { KernelPlan } from '../plan.js';

export function pointwiseSimd(op: ConvOp, input: Tensor, output: Tensor, plan: KernelPlan): void {
  var s = plan.simd!;
  var pixels = output.shape[0] * output.shape[1];
  var outC = output.shape[2];
  var y = output.data;
  var m = s.memory;
  m.set(input.data, 0);
  s.run(0, s.weights, s.accOffset, pixels, input.shape[2], s.rowW, outC);
  s.requantize(s.accOffset, s.params, s.out, y.length, outC, plan.zp, plan.min, plan.max, 0);
  for (var i = 0; i < y.length; i++) y[i] = m[s.out + i];
}
