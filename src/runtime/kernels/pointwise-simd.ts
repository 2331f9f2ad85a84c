// 1x1 convolution through the WebAssembly SIMD kernels (wasm/pointwise-simd.ts, requantize-simd.ts), on
// the op's load-time plan (wasm/plan-simd.ts). The input activations are copied into the op's wasm
// memory (typed-array set: no allocation), `dots` writes the int32 dot products of every pixel row
// with every weight row, `requantize` adds the folded bias and requantizes them exactly as the JS
// fast path does (int64 in wasm), and the int8 results are copied back with one set().
// test/runtime/kernels/simd.test.ts checks the bytes against the plain runtime.
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
  s.run(0, s.weights, s.accOffset, pixels, input.shape[2], s.rowW, s.outC4);
  s.requantize(s.accOffset, s.params, s.out, y.length, outC, plan.zp, plan.min, plan.max, s.skip);
  y.set(s.outView);
}
