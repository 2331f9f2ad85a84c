// The SIMD runtime's planner: plan.ts's plans, with every pointwise convolution moved onto the
// WebAssembly SIMD kernel (kernels/pointwise-simd.ts) when the engine validates the module (i.e. has
// WebAssembly with 128-bit SIMD); otherwise exactly the fast JS runtime. Each such op gets its own
// wasm memory, sized once here: [input + 16 spare bytes][weights, rows padded to 16][int32 outputs].
//
// Runtime rule: ES5 subset. Load time only (allocation allowed).
import type { OpSpec, ConvOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { planOp, PlannedOp } from '../plan.js';
import { pointwiseConv2d } from '../kernels/pointwise.js';
import { pointwiseSimd } from '../kernels/pointwise-simd.js';
import { POINTWISE_SIMD_WASM } from './pointwise-simd.js';

declare var WebAssembly: any;

var compiled: any = null;
var checked = false;

/** The compiled module, or null when this engine has no WebAssembly SIMD. */
function simdModule(): any {
  if (!checked) {
    checked = true;
    if (typeof WebAssembly === 'object' && WebAssembly.validate(POINTWISE_SIMD_WASM)) compiled = new WebAssembly.Module(POINTWISE_SIMD_WASM);
  }
  return compiled;
}

export function planOpSimd(spec: OpSpec, input: Tensor, output: Tensor): void {
  planOp(spec, input, output);
  var op = spec as PlannedOp;
  var plan = op.plan;
  if (!plan || plan.kernel !== pointwiseConv2d || !plan.packed || !simdModule()) return;
  var inC = input.shape[2];
  var outC = output.shape[2];
  var rowW = (inC + 15) & ~15;
  var weights = (input.data.length + 16 + 15) & ~15;
  var accOffset = weights + outC * rowW;
  var bytes = accOffset + output.data.length * 4;
  var memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  var instance = new WebAssembly.Instance(compiled, { m: { m: memory } });
  var mem8 = new Int8Array(memory.buffer);
  var w = (op as ConvOp).weights;
  for (var n = 0; n < outC; n++) {
    for (var k = 0; k < inC; k++) mem8[weights + n * rowW + k] = w[n * inC + k];
  }
  plan.kernel = pointwiseSimd;
  plan.packed = null;
  plan.simd = {
    dots: instance.exports.dots, memory: mem8, weights: weights, rowW: rowW, accOffset: accOffset,
    acc: new Int32Array(memory.buffer, accOffset, output.data.length),
  };
}
