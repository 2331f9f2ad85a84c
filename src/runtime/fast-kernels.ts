// Registers the pure-JS fast kernels with the load-time planner (plan.ts): the packed pointwise GEMM
// and its weight packing, and the 3x3 depthwise. The fast bundle (fast.ts) imports this; the SIMD
// bundle does not (its planner brings wasm kernels for those ops), which keeps them out of it.
//
// Runtime rule: ES5 subset. Load time only (allocation allowed).
import { useKernels } from './plan.js';
import { pointwiseConv2d, PACK } from './kernels/pointwise.js';
import { depthwiseConv3x3 } from './kernels/depthwise3x3.js';

useKernels(pointwiseConv2d, packPairs, depthwiseConv3x3);

/** The pointwise weights packed two channels per double (pointwise.ts):
 *  [ceil(channels / 4) * 2][rowLen] doubles; missing channels are zero rows. */
function packPairs(w: Int8Array, channels: number, rowLen: number): Float64Array {
  var pairs = ((channels + 3) >> 2) * 2;
  var packed = new Float64Array(pairs * rowLen);
  for (var j = 0; j < pairs; j++) {
    for (var k = 0; k < rowLen; k++) {
      var lo = 2 * j < channels ? w[2 * j * rowLen + k] : 0;
      var hi = 2 * j + 1 < channels ? w[(2 * j + 1) * rowLen + k] : 0;
      packed[j * rowLen + k] = lo + hi * PACK;
    }
  }
  return packed;
}
