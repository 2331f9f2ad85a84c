// The SIMD runtime's planner: plan.ts's plans, with every pointwise convolution and every 3x3
// depthwise moved onto our WebAssembly SIMD kernels (kernels/pointwise-simd.ts,
// kernels/depthwise-simd.ts) when the engine validates the module (i.e. has
// WebAssembly with 128-bit SIMD); otherwise exactly the fast JS runtime. Each such op gets its own
// wasm memory, sized once here (layouts below).
//
// Runtime rule: ES5 subset. Load time only (allocation allowed).
import type { OpSpec, ConvOp, DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { planOp, PlannedOp, KernelPlan } from '../plan.js';
import { pointwiseConv2d } from '../kernels/pointwise.js';
import { pointwiseSimd } from '../kernels/pointwise-simd.js';
import { depthwiseConv3x3 } from '../kernels/depthwise3x3.js';
import { depthwiseSimd } from '../kernels/depthwise-simd.js';
import { POINTWISE_SIMD_BASE64, DEPTHWISE_SIMD_BASE64 } from './kernels-wasm.js';
import { decodeBase64 } from './base64.js';

declare var WebAssembly: any;

var modules: any[] = [];

/** The compiled module (0 pointwise, 1 depthwise), or null when this engine has no WebAssembly SIMD. */
function simdModule(which: number): any {
  if (!modules.length) {
    // Assembled at build time by tools/wasm-kernels.ts from pointwise-simd.ts / depthwise-simd.ts.
    var pointwise = decodeBase64(POINTWISE_SIMD_BASE64);
    var ok = typeof WebAssembly === 'object' && WebAssembly.validate(pointwise);
    modules = ok ? [new WebAssembly.Module(pointwise), new WebAssembly.Module(decodeBase64(DEPTHWISE_SIMD_BASE64))] : [null, null];
  }
  return modules[which];
}

/** A wasm memory of at least `bytes` and an instance of module `which` on it. */
function instantiate(which: number, bytes: number): { exports: any; memory: any } {
  var memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  return { exports: new WebAssembly.Instance(simdModule(which), { m: { m: memory } }).exports, memory: memory };
}

/** Per channel [bias wrapped to int32, multiplier, left shift, right shift] for requantize-simd.ts. */
function writeParams(plan: KernelPlan, buffer: ArrayBuffer, offset: number, channels: number): void {
  var p = new Int32Array(buffer, offset, channels * 4);
  for (var c = 0; c < channels; c++) {
    p[4 * c] = plan.bias[c] | 0;
    p[4 * c + 1] = plan.mult[c];
    p[4 * c + 2] = plan.shift[c] > 0 ? plan.shift[c] : 0;
    p[4 * c + 3] = plan.rshift[c];
  }
}

export function planOpSimd(spec: OpSpec, input: Tensor, output: Tensor): void {
  planOp(spec, input, output);
  var op = spec as PlannedOp;
  var plan = op.plan;
  if (!plan || !simdModule(0)) return;
  if (plan.kernel === depthwiseConv3x3) {
    planDepthwise(spec as DepthwiseOp, input, output);
    return;
  }
  if (plan.kernel !== pointwiseConv2d || !plan.packed) return;
  // Memory: [input + 16 spare bytes][weights, rows padded to 16][int32 sums][requantization params][int8 out].
  var inC = input.shape[2];
  var outC = output.shape[2];
  var rowW = (inC + 15) & ~15;
  var weights = (input.data.length + 16 + 15) & ~15;
  var outC4 = (outC + 3) & ~3; // the kernel takes blocks of 4 channels: zero weight rows past outC
  var accOffset = weights + outC4 * rowW;
  var params = accOffset + (output.data.length / outC) * outC4 * 4;
  var wasm = instantiate(0, params + outC * 16 + output.data.length);
  var mem8 = new Int8Array(wasm.memory.buffer);
  writeParams(plan, wasm.memory.buffer, params, outC);
  var w = (op as ConvOp).weights;
  for (var n = 0; n < outC; n++) {
    for (var k = 0; k < inC; k++) mem8[weights + n * rowW + k] = w[n * inC + k];
  }
  plan.kernel = pointwiseSimd;
  plan.packed = null;
  plan.simd = {
    run: wasm.exports.dots, memory: mem8, weights: weights, rowW: rowW, accOffset: accOffset,
    outView: new Int8Array(wasm.memory.buffer, params + outC * 16, output.data.length), rows: [], padW: 0, outC4: outC4,
    requantize: wasm.exports.requantize, params: params, out: params + outC * 16, skip: (outC4 - outC) * 4,
  };
}

/** Memory: [input inside its padding, every padded byte = zp_in; 16 spare][weights [9][rowW]][int32 sums]
 *  [requantization params][int8 out]. */
function planDepthwise(op: DepthwiseOp, input: Tensor, output: Tensor): void {
  var plan = (op as PlannedOp).plan!;
  // The padded copy holds one channel per OUTPUT channel (depthwise-simd.ts repeats input channels).
  var channels = output.shape[2];
  var rowW = (channels + 15) & ~15;
  var padW = (output.shape[1] - 1) * op.strideW + 3;
  var padBytes = ((output.shape[0] - 1) * op.strideH + 3) * padW * channels;
  var weights = (padBytes + 16 + 15) & ~15;
  var accOffset = weights + 9 * rowW;
  var pixels = output.shape[0] * output.shape[1];
  var params = accOffset + pixels * rowW * 4;
  var wasm = instantiate(1, params + channels * 16 + output.data.length);
  var mem8 = new Int8Array(wasm.memory.buffer);
  writeParams(plan, wasm.memory.buffer, params, channels);
  for (var i = 0; i < padBytes; i++) mem8[i] = input.zeroPoint;
  for (var t = 0; t < 9; t++) {
    for (var c = 0; c < channels; c++) mem8[weights + t * rowW + c] = op.weights[t * channels + c];
  }
  // Multiplier 1: the part of each input row some window reads, as a view (copied with one set()).
  var rows: Int8Array[] = [];
  var x = input.data;
  var cols = Math.min(input.shape[1], padW - op.padLeft) * input.shape[2];
  if (op.depthMultiplier === 1) {
    for (var iy = 0; iy < input.shape[0]; iy++) rows.push(new Int8Array(x.buffer, x.byteOffset + iy * input.shape[1] * input.shape[2], cols));
  }
  plan.kernel = depthwiseSimd;
  plan.simd = {
    run: wasm.exports.dw, memory: mem8, weights: weights, rowW: rowW, accOffset: accOffset,
    outView: new Int8Array(wasm.memory.buffer, params + channels * 16, output.data.length), rows: rows, padW: padW, outC4: 0,
    requantize: wasm.exports.requantize, params: params, out: params + channels * 16, skip: (rowW - channels) * 4,
  };
}
