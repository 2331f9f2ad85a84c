// Load-time preparation of the accumulating ops (conv, depthwise, dense) for the fast kernels: the fast
// bundle (fast.ts) installs planOp into loadModel, which attaches `plan` to every op a fast kernel
// covers; the dispatchers in kernels/ then call plan.kernel. The plain bundle never plans and runs the
// generic kernels. Everything that depends only on the model is computed here once:
//
// 1. Zero-point folding. acc = bias + sum_taps w * (x - zp_in) = (bias - zp_in * sum_taps w) + sum w * x.
//    `bias` below holds the bracket over ALL taps of a channel, so a pixel whose window lies inside the
//    image needs only the plain dot product (and a native dot hook can compute it). Border pixels,
//    where padded taps are skipped, keep the op's own bias and subtract zp_in per visited tap.
// 2. Requantization constants per channel for requantizeFast (requantize-fast.ts).
// 3. Pointwise weights packed two channels per double (see pointwise.ts) when the row is short enough
//    for the packed sums to stay exact.
// 4. On Espruino (a global E with a convolve function), typed-array views of the input rows and weight
//    rows of conv and dense ops, so each row dot product is one native E.convolve call.
//
// Runtime rule: ES5 subset. Allocation is allowed here (load time) and nowhere on the run() path.
import {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OpSpec, ConvOp, DepthwiseOp, DenseOp,
} from '../format/schema.js';
import { Tensor } from './tensor.js';
import { convFast } from './kernels/conv-fast.js';
import { denseFast } from './kernels/dense-fast.js';

declare var E: { convolve?: (a: Int8Array, b: Int8Array, offset: number) => number } | undefined;

export interface KernelPlan {
  /** The fast kernel this op runs (the dispatchers call it). */
  kernel: (op: any, input: Tensor, output: Tensor, plan: KernelPlan) => void;
  /** Per output channel: bias - zp_in * (sum of the channel's weights over every tap). */
  bias: Float64Array;
  /** Per channel: multiplier * 2^(leftShift - 31), rightShift, and the exact inputs for the fallback. */
  scale: Float64Array;
  rshift: Int32Array;
  mult: Int32Array;
  shift: Int32Array;
  zp: number;
  min: number;
  max: number;
  /** Pointwise only: channel pairs (2j, 2j + 1) as w[2j][k] + w[2j + 1][k] * PACK, rounded up to
   *  whole pairs of pairs; null when not packed. */
  packed: Float64Array | null;
  /** Pointwise scratch: one tile's eight packed sums. */
  sums: Float64Array;
  /** conv-fast.ts: sum over input channels of w[oc][ky][kx], per tap, for border pixels. */
  tapSums: Float64Array;
  /** SIMD runtime only (wasm/plan-simd.ts): the op's wasm kernel, memory and where things are in it. */
  simd?: {
    /** The wasm export: `dots` (pointwise) or `dw` (depthwise), see wasm/. */
    run: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h?: number, i?: number, j?: number) => void;
    memory: Int8Array; weights: number; rowW: number; accOffset: number;
    /** The int8 results in wasm memory (copied out with one set()). */
    outView: Int8Array;
    /** Depthwise: width in pixels of the zero-point-padded input copy. */
    padW: number;
    /** Pointwise: output channels rounded up to 4 (the kernel's block). */
    outC4: number;
    /** wasm/requantize-simd.ts's export, its per-channel parameters, the int8 results, the bytes of
     *  padding sums after each pixel. */
    requantize: (acc: number, params: number, out: number, count: number, channels: number, zp: number, min: number, max: number, skip: number) => void;
    params: number;
    out: number;
    skip: number;
  };
  /** Espruino only: E.convolve and the row views it is given (input pixel rows, weight rows). */
  convolve: ((a: Int8Array, b: Int8Array, offset: number) => number) | null;
  rowsX: Int8Array[];
  rowsW: Int8Array[];
}

/** The op types that carry a plan after loadModel. */
export type PlannedOp = (ConvOp | DepthwiseOp | DenseOp) & { plan?: KernelPlan };

/** Longest packed row: |sum lo| <= K * 128 * 127 < 2^25 and |whole sum| < 2^53. */
var PACK_MAX_ROW = 2064;

function nativeConvolve(): KernelPlan['convolve'] {
  return typeof E !== 'undefined' && E && typeof E.convolve === 'function' ? E.convolve : null;
}

/** The JS kernels planOp assigns to pointwise and 3x3 depthwise ops (and the pointwise weight
 *  packing), registered by fast-kernels.ts. Not imported here, so the SIMD bundle, whose planner
 *  registers placeholders for its own wasm kernels (wasm/plan-simd.ts), ships neither. Unregistered,
 *  pointwise ops take convFast and 3x3 depthwise ops the generic loop. */
var pointwiseKernel: KernelPlan['kernel'] | null = null;
var packPointwise: ((w: Int8Array, channels: number, rowLen: number) => Float64Array) | null = null;
var depthwise3x3: KernelPlan['kernel'] | null = null;
export function useKernels(pointwise: typeof pointwiseKernel, pack: typeof packPointwise, depthwise: typeof depthwise3x3): void {
  pointwiseKernel = pointwise;
  packPointwise = pack;
  depthwise3x3 = depthwise;
}

/** The fast kernel for an op, or null (the op keeps its generic kernel). */
function fastKernel(spec: OpSpec, input: Tensor, output: Tensor): KernelPlan['kernel'] | null {
  if (spec.type === OP_DENSE) return denseFast;
  if (spec.type === OP_CONV2D) {
    var conv = spec as ConvOp;
    if (isPointwise(conv, input, output) && pointwiseKernel) return pointwiseKernel;
    return conv.groups === 1 && conv.dilationW === 1 ? convFast : null;
  }
  if (spec.type === OP_DEPTHWISE_CONV2D) {
    var dw = spec as DepthwiseOp;
    return dw.kernelH === 3 && dw.kernelW === 3 && dw.dilationH === 1 && dw.dilationW === 1 ? depthwise3x3 : null;
  }
  return null;
}

/** Attaches `plan` to conv, depthwise and dense ops a fast kernel covers; other ops are left alone. */
export function planOp(spec: OpSpec, input: Tensor, output: Tensor): void {
  var kernel = fastKernel(spec, input, output);
  if (!kernel) return;
  var op = spec as PlannedOp;
  var w = op.weights;
  var channels = op.bias.length;
  var taps = w.length / channels; // weights per output channel
  var depthwise = op.type === OP_DEPTHWISE_CONV2D;
  var zpIn = input.zeroPoint;
  var bias = new Float64Array(channels);
  var scale = new Float64Array(channels);
  var rshift = new Int32Array(channels);
  var mult = new Int32Array(channels);
  var shift = new Int32Array(channels);
  for (var c = 0; c < channels; c++) {
    var sum = 0;
    // Depthwise weights are [taps][channels]; conv and dense are [channels][taps].
    for (var t = 0; t < taps; t++) sum += depthwise ? w[t * channels + c] : w[c * taps + t];
    bias[c] = op.bias[c] - zpIn * sum;
    var m = op.multiplier.length === 1 ? 0 : c;
    var s = op.shift[m];
    mult[c] = op.multiplier[m];
    shift[c] = s;
    scale[c] = op.multiplier[m] * Math.pow(2, (s > 0 ? s : 0) - 31);
    rshift[c] = s > 0 ? 0 : -s;
  }
  var pointwise = kernel === pointwiseKernel;
  var convolve = nativeConvolve();
  var rowsX: Int8Array[] = [];
  var rowsW: Int8Array[] = [];
  var hooked = convolve !== null && !depthwise;
  if (hooked) {
    // Pointwise: one view per pixel and per weight row. Dense: the whole input, one per weight row.
    // Other convs: one view per input image row and per (channel, kernel row) over the full kernel
    // width; an interior pixel's run then starts `inX0 * inC` into its image row (E.convolve's offset).
    var x = input.data;
    var rowLen = op.type === OP_DENSE ? x.length : pointwise ? taps : input.shape[1] * input.shape[2];
    var wLen = pointwise || op.type === OP_DENSE ? taps : (op as ConvOp).kernelW * input.shape[2];
    for (var p = 0; p < x.length; p += rowLen) rowsX.push(new Int8Array(x.buffer, x.byteOffset + p, rowLen));
    for (var q = 0; q < w.length; q += wLen) rowsW.push(new Int8Array(w.buffer, w.byteOffset + q, wLen));
  }
  var tapSums = new Float64Array(op.type === OP_CONV2D && !pointwise ? taps / input.shape[2] * channels : 0);
  for (var i = 0; i < tapSums.length; i++) {
    for (var ic = 0; ic < input.shape[2]; ic++) tapSums[i] += w[i * input.shape[2] + ic];
  }
  op.plan = {
    kernel: kernel, tapSums: tapSums, bias: bias, scale: scale, rshift: rshift, mult: mult, shift: shift,
    zp: output.zeroPoint, min: op.actMin, max: op.actMax,
    packed: pointwise && packPointwise && !hooked && taps <= PACK_MAX_ROW ? packPointwise(w, channels, taps) : null,
    sums: new Float64Array(8), convolve: hooked ? convolve : null, rowsX: rowsX, rowsW: rowsW,
  };
}

/** 1x1, stride 1, unpadded, ungrouped, same spatial size: a matrix product (pointwise.ts). */
export function isPointwise(op: ConvOp, input: Tensor, output: Tensor): boolean {
  return op.kernelH === 1 && op.kernelW === 1 && op.strideH === 1 && op.strideW === 1 &&
    op.padTop === 0 && op.padLeft === 0 && op.groups === 1 &&
    output.shape[0] === input.shape[0] && output.shape[1] === input.shape[1];
}
