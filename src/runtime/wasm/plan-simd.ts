// The SIMD runtime's planner: plan.ts's plans, with every pointwise convolution and every 3x3
// depthwise moved onto our WebAssembly SIMD kernels (kernels/pointwise-simd.ts, planDepthwise's
// closure below) when the engine validates the module (i.e. has WebAssembly with 128-bit SIMD);
// otherwise the fast JS runtime's plans, except that 3x3 depthwise ops keep the generic kernel. Each such op gets its own instance of the one module
// (module-simd.ts) on its own wasm memory, sized once here (layouts below).
//
// Runtime rule: ES5 subset. Load time only (allocation allowed), except the depthwise kernel closure,
// which runs in run() and allocates nothing.
import type { OpSpec, ConvOp, DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { planOp, useKernels, PlannedOp, KernelPlan } from '../plan.js';
import { pointwiseSimd } from '../kernels/pointwise-simd.js';
import { SIMD_BASE64 } from './kernels-wasm.js';
import { decodeBase64 } from './base64.js';

declare var WebAssembly: any;

var compiled: any;

/** The compiled module, or null when this engine has no WebAssembly SIMD. */
function simdModule(): any {
  if (compiled === undefined) {
    // Assembled at build time by tools/wasm-kernels.ts from module-simd.ts.
    var bytes = decodeBase64(SIMD_BASE64);
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** A wasm memory of at least `bytes` (+ 16 spare) and an instance of the module on it. */
function instantiate(bytes: number): { exports: any; memory: any } {
  var memory = new WebAssembly.Memory({ initial: Math.ceil((bytes + 16) / 65536) });
  return { exports: new WebAssembly.Instance(simdModule(), { m: { m: memory } }).exports, memory: memory };
}

/** Channel c's requantization parameters in requantize-simd.ts's layout: per block of 4 channels the
 *  i32x4 [bias wrapped to int32], [2^leftShift], [multiplier], [2^(31 - rightShift) as u32]; the
 *  kernel reads ceil8(channels) (zeros past the last channel: memory starts zeroed). */
export function setParams(p: Int32Array, c: number, bias: number, multiplier: number, leftShift: number, rightShift: number): void {
  var at = (c & ~3) * 4 + (c & 3);
  p[at] = bias | 0;
  p[at + 4] = 1 << leftShift;
  p[at + 8] = multiplier;
  p[at + 12] = Math.pow(2, 31 - rightShift) | 0;
}

/** The requantize export for an op: `requantize0` when no channel has a left shift. */
function requantizer(plan: KernelPlan, exports: any): any {
  for (var c = 0; c < plan.shift.length; c++) if (plan.shift[c] > 0) return exports.requantize;
  return exports.requantize0;
}

function writeParams(plan: KernelPlan, buffer: ArrayBuffer, offset: number, channels: number): void {
  var p = new Int32Array(buffer, offset, channels * 4 + 28);
  for (var c = 0; c < channels; c++) setParams(p, c, plan.bias[c], plan.mult[c], plan.shift[c] > 0 ? plan.shift[c] : 0, plan.rshift[c]);
}

/** What planOp assigns to pointwise and 3x3 depthwise ops here, replaced below by the wasm kernels.
 *  Without WebAssembly SIMD there are none: pointwise ops take convFast and 3x3 depthwise ops the
 *  generic loop (this bundle ships no JS pointwise GEMM or 3x3 depthwise; tinyconv-fast is the bundle
 *  for such engines). */
function simdPointwise(): void {}
function simdDepthwise(): void {}

/** The most input channels `dots` sums exactly in int32: inC * 2 * 128 * 128 < 2^31. */
var DOTS_MAX_ROW = 65535;

export function planOpSimd(spec: OpSpec, input: Tensor, output: Tensor): void {
  var simd = simdModule();
  useKernels(simd ? simdPointwise : null, null, simd ? simdDepthwise : null);
  planOp(spec, input, output);
  var op = spec as PlannedOp;
  var plan = op.plan;
  if (!plan || !simd) return;
  if (plan.kernel === simdDepthwise) {
    planDepthwise(spec as DepthwiseOp, input, output);
    return;
  }
  if (plan.kernel !== simdPointwise) return;
  if (input.shape[2] > DOTS_MAX_ROW) {
    op.plan = undefined; // the generic loop
    return;
  }
  // Memory: [input + rowW spare bytes][int16 weights, rows padded to 16, in pointwise-simd.ts's order][int32 sums]
  // [requantization params][int8 out].
  var inC = input.shape[2];
  var outC = output.shape[2];
  var rowW = (inC + 15) & ~15;
  var weights = (input.data.length + rowW + 15) & ~15; // spare: rows overrun, a phantom pixel
  var outC4 = (outC + 3) & ~3; // the kernel takes blocks of 4 channels: zero weight rows past outC
  var accOffset = weights + outC4 * rowW * 2;
  var params = accOffset + (output.data.length / outC + 1) * outC4 * 4;
  var wasm = instantiate(params + outC * 16 + 112 + output.data.length);
  var mem8 = new Int8Array(wasm.memory.buffer);
  writeParams(plan, wasm.memory.buffer, params, outC);
  var w = (op as ConvOp).weights;
  var w16 = new Int16Array(wasm.memory.buffer, weights, outC4 * rowW);
  for (var n = 0; n < outC; n++) {
    for (var k = 0; k < inC; k++) w16[(n >> 2) * 4 * rowW + (k >> 4) * 64 + (n & 3) * 16 + (k & 15)] = w[n * inC + k];
  }
  plan.kernel = pointwiseSimd;
  plan.simd = {
    run: wasm.exports.dots, memory: mem8, weights: weights, rowW: rowW, accOffset: accOffset,
    outView: new Int8Array(wasm.memory.buffer, params + outC * 16 + 112, output.data.length), padW: 0, outC4: outC4,
    requantize: requantizer(plan, wasm.exports), params: params, out: params + outC * 16 + 112, skip: 0,
  };
}

/** Memory: [input inside its padding, every padded byte = zp_in; 16 spare][weights [rowW / 16][9][16]][int32 sums]
 *  [requantization params][int8 out][the input as is]. The kernel (a closure over this layout) copies
 *  the input in with one set(), `pad` writes its rows into the border (each input channel repeated for
 *  its `depthMultiplier` output channels; `padPairs` for stride-2 pixel pairs, below), then `dw`,
 *  `requantize`, and one set() out. With the zero
 *  point folded into plan.bias over all nine taps, the padded taps (zp * w) are exactly what the
 *  folded bias took away, so the sums equal the reference accumulators (docs/kernels.md). */
function planDepthwise(op: DepthwiseOp, input: Tensor, output: Tensor): void {
  var plan = (op as PlannedOp).plan!;
  // The kernel adds two taps' products as int16, exact for weights in [-127, 127] (every quantizer
  // we know writes those); a -128 keeps the op on the generic kernel.
  for (var i = 0; i < op.weights.length; i++) if (op.weights[i] === -128) (op as PlannedOp).plan = undefined;
  if (!(op as PlannedOp).plan) return;
  var channels = output.shape[2];
  var rowW = (channels + 15) & ~15;
  var padW = (output.shape[1] - 1) * op.strideW + 3;
  var padH = (output.shape[0] - 1) * op.strideH + 3;
  // Output pixel pairs, so `dw` runs 16 full lanes on 8 channels (weights stored twice), for an even
  // output width. Stride 1: lanes 8-15 take the next output pixel, whose input is the next 8 bytes.
  // Stride 2 from one input channel with no left padding (MobileNet's first layer): padPairs stores
  // each padded column next to the one two to its right (16 bytes a column), so one load feeds both.
  var pairs = channels === 8 && !(output.shape[1] & 1) &&
    (op.strideW === 1 || (op.strideW === 2 && input.shape[2] === 1 && op.padLeft === 0)) ? op.strideW : 0;
  var column = pairs === 2 ? 16 : channels; // bytes per padded column
  var padBytes = padH * padW * column;
  var weights = (padBytes + 16 + 15) & ~15;
  var accOffset = weights + 9 * rowW;
  var pixels = output.shape[0] * output.shape[1];
  var params = accOffset + pixels * rowW * 4;
  var out = params + channels * 16 + 112;
  var src = out + output.data.length + 16;
  var wasm = instantiate(src + input.data.length);
  var mem8 = new Int8Array(wasm.memory.buffer);
  writeParams(plan, wasm.memory.buffer, params, channels);
  for (i = 0; i < padBytes; i++) mem8[i] = input.zeroPoint;
  for (var t = 0; t < 9; t++) {
    for (var c = 0; c < rowW; c++) mem8[weights + (c >> 4) * 144 + t * 16 + (c & 15)] = c < channels || pairs ? op.weights[t * channels + c % channels] : 0;
  }
  // The rows and the part of each row some window reads.
  var rows = Math.min(input.shape[0], padH - op.padTop);
  var bytes = Math.min(input.shape[1], padW - op.padLeft) * input.shape[2];
  var e = wasm.exports;
  var outView = new Int8Array(wasm.memory.buffer, out, output.data.length);
  var skip = pairs ? 0 : (rowW - ((channels + 3) & ~3)) * 4;
  var row = padW * column;
  var top = (op.padTop * padW + op.padLeft) * column;
  var stepX = op.strideW * column * (pairs ? 2 : 1);
  var requantize = requantizer(plan, e);
  plan.kernel = function (o: DepthwiseOp, x: Tensor, y: Tensor): void {
    mem8.set(x.data, src);
    if (pairs === 2) e.padPairs(src, top, rows, bytes, input.shape[1], row);
    else e.pad(src, top, rows, bytes, input.shape[1] * input.shape[2], row, op.depthMultiplier);
    e.dw(0, weights, accOffset, output.shape[0], pairs ? output.shape[1] >> 1 : output.shape[1], row, op.strideH * row, stepX, column, rowW);
    requantize(accOffset, params, out, y.data.length, channels, plan.zp, plan.min, plan.max, skip);
    y.data.set(outView);
  };
  plan.simd = {
    run: e.dw, memory: mem8, weights: weights, rowW: rowW, accOffset: accOffset,
    outView: outView, padW: padW, outC4: 0,
    requantize: requantize, params: params, out: out, skip: skip,
  };
}
