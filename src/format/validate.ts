// validateModel checks that a ModelSpec is safe to run: every tensor lies inside the arena and every
// op's shapes agree with its parameters and constant arrays, so no kernel can read or write outside
// a buffer. The reader runs it on every load, the writer before it writes a file.
// validateParams (writer only, so it stays out of the runtime bundle) also checks the values the
// kernels assume but that cannot make them read out of bounds: zero points, scales, clamps, shifts,
// multipliers.
// Kept terse on purpose (it ships in the runtime bundle): every check is `eq` or `range`, whose
// messages name the op or tensor (`where`), the quantity, its value and what was expected.
//
// Runtime rule: ES5 subset (see schema.ts).
import { TinyconvError } from './errors.js';
import {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL, OP_ADD,
  OP_MUL, OP_CONCAT, OP_PAD, OP_LUT, OP_SOFTMAX,
  ModelSpec, TensorSpec, ConvOp,
} from './schema.js';

/** Element count of a shape. */
export function shapeSize(shape: number[]): number {
  var n = 1;
  for (var i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

var MAX = 2147483647;
/** What is being checked, prefixed to every message: 'tensor 3' or 'op 2 at byte 96' (names live in
 *  the meta block; tools that want them in messages use format/verify.ts). */
var where = '';
var code = '';

function fail(msg: string): never {
  throw new TinyconvError(code, where + ': ' + msg);
}

function eq(actual: number | string, expected: number | string, what: string): void {
  if (actual !== expected) fail(what + ' ' + actual + ', expected ' + expected);
}

/** v must be an integer in [lo, hi]. */
function range(v: number, lo: number, hi: number, what: string): void {
  if (!(v >= lo && v <= hi && Math.floor(v) === v)) fail(what + ' ' + v + ' not in [' + lo + ', ' + hi + ']');
}

/** `opAt[i]`, when given, is op i's byte offset in the file (named in messages). */
export function validateModel(m: ModelSpec, opAt?: number[]): void {
  var tensors = m.tensors;
  var nt = tensors.length;
  // arenaBytes needs no check of its own: every tensor must fit in [0, arenaBytes), and there is
  // at least the input tensor.
  for (var t = 0; t < nt; t++) {
    var s = tensors[t];
    where = 'tensor ' + t;
    code = 'BAD_SHAPE';
    for (var d = 0; d < s.shape.length; d++) range(s.shape[d], 1, MAX, 'dim');
    code = 'BAD_OFFSET';
    range(s.offset, 0, m.arenaBytes - shapeSize(s.shape), 'arena offset');
  }
  where = 'model';
  code = 'BAD_TENSOR';
  range(m.input, 0, nt - 1, 'input tensor');
  range(m.output, 0, nt - 1, 'output tensor');
  checkPreprocess(m.preprocess, tensors[m.input].shape);
  for (var i = 0; i < m.ops.length; i++) {
    var op = m.ops[i];
    where = 'op ' + i + (opAt ? ' at byte ' + opAt[i] : '');
    code = 'BAD_OP';
    var nIn = op.inputs.length;
    eq(op.outputs.length, 1, 'outputs');
    eq(nIn, op.type === OP_ADD || op.type === OP_MUL ? 2 : op.type === OP_CONCAT ? Math.max(nIn, 1) : 1, 'inputs');
    code = 'BAD_TENSOR';
    for (var k = 0; k < nIn; k++) range(op.inputs[k], 0, nt - 1, 'input tensor');
    range(op.outputs[0], 0, nt - 1, 'output tensor');
    code = 'BAD_SHAPE';
    checkOp(op, tensors);
  }
}

/** setInput(pixels) reads mean[c] and std[c] for every channel c of the input's last dimension. */
function checkPreprocess(pre: ModelSpec['preprocess'], inShape: number[]): void {
  var channels = inShape[inShape.length - 1];
  code = 'BAD_META';
  where = 'preprocess';
  if (!(pre && pre.mean && pre.std)) fail('needs mean and std');
  if (pre.mean.length !== 1) eq(pre.mean.length, channels, 'means');
  if (pre.std.length !== 1) eq(pre.std.length, channels, 'stds');
}

/** `op` is any OpSpec; its fields are read by name after switching on the opcode. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkOp(op: any, tensors: TensorSpec[]): void {
  var type = op.type;
  var a = tensors[op.inputs[0]].shape;
  var o = tensors[op.outputs[0]].shape;
  var inN = shapeSize(a);
  var outN = shapeSize(o);
  var outC = o[o.length - 1];
  if (type === OP_CONV2D || type === OP_DEPTHWISE_CONV2D || type === OP_MAX_POOL || type === OP_AVG_POOL || type === OP_PAD) {
    // Every spatial op is a window over [H, W, C]; pad is the 1x1 window with stride 1.
    var w = type === OP_PAD ? { kernelH: 1, kernelW: 1, strideH: 1, strideW: 1 } : op;
    var conv = type === OP_CONV2D || type === OP_DEPTHWISE_CONV2D;
    var dh = conv ? op.dilationH : 1;
    var dw = conv ? op.dilationW : 1;
    eq(a.length, 3, 'input rank');
    range(Math.min(w.kernelH, w.kernelW, w.strideH, w.strideW, dh, dw), 1, MAX, 'window');
    range(Math.min(op.padTop, op.padLeft, op.padBottom, op.padRight), 0, MAX, 'padding');
    eq(String(o), [
      Math.floor((a[0] + op.padTop + op.padBottom - (w.kernelH - 1) * dh - 1) / w.strideH) + 1,
      Math.floor((a[1] + op.padLeft + op.padRight - (w.kernelW - 1) * dw - 1) / w.strideW) + 1,
      type === OP_CONV2D ? outC : type === OP_DEPTHWISE_CONV2D ? a[2] * op.depthMultiplier : a[2],
    ].join(), 'output shape');
    if (conv) {
      var taps = op.kernelH * op.kernelW;
      if (type === OP_CONV2D) {
        range(op.groups, 1, a[2], 'groups');
        eq(a[2] % op.groups + outC % op.groups, 0, 'channels % groups');
        taps *= a[2] / op.groups;
      }
      arrays(op, outC, taps);
    } else if (type !== OP_PAD) {
      // A pooling window lying wholly in the padding would average zero taps: every pad must be
      // below its kernel size (the width pads are shifted by kernelH - kernelW to share one bound).
      range(Math.max(op.padTop, op.padBottom, op.padLeft - op.kernelW + op.kernelH, op.padRight - op.kernelW + op.kernelH), 0, op.kernelH - 1, 'padding');
    }
  } else if (type === OP_DENSE) {
    arrays(op, outN, inN);
  } else if (type === OP_GLOBAL_AVG_POOL) {
    eq(a.length, 3, 'input rank');
    eq(outN, a[2], 'output size');
  } else if (type === OP_CONCAT) {
    // The kernel copies, per input and per outer index, shape[axis] x inner contiguous values.
    var axis = op.axis;
    var sum = 0;
    range(axis, 0, o.length - 1, 'axis');
    for (var k = 0; k < op.inputs.length; k++) {
      var s = tensors[op.inputs[k]].shape;
      sum += s[axis];
      eq(shapeSize(s), outN / o[axis] * s[axis], 'input ' + k + ' size');
    }
    eq(sum, o[axis], 'axis size');
    eq(op.multiplier.length, k, 'multiplier length');
    requant(op.multiplier, op.shift, k);
  } else {
    var n2 = op.inputs.length > 1 ? shapeSize(tensors[op.inputs[1]].shape) : inN;
    // MUL may broadcast a [C] second input over [H, W, C] (squeeze-excite).
    if (type !== OP_MUL || n2 !== a[a.length - 1]) eq(n2, inN, 'input 1 size');
    if (type === OP_LUT) eq(op.table.length, 256, 'table length');
    eq(outN, inN, 'output size');
  }
}

/** weights [n x taps], bias [n], multiplier/shift [1 or n]. */
function arrays(op: ConvOp, n: number, taps: number): void {
  eq(op.weights.length, n * taps, 'weights length');
  eq(op.bias.length, n, 'bias length');
  requant(op.multiplier, op.shift, n);
}

function requant(mult: Int32Array, shift: Int32Array, n: number): void {
  if (mult.length !== 1) eq(mult.length, n, 'multiplier length');
  eq(shift.length, mult.length, 'shift length');
}

/** Tool-side checks of parameter values (see the file comment); run by the writer after validateModel. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function validateParams(m: ModelSpec): void {
  code = 'BAD_PARAM';
  for (var t = 0; t < m.tensors.length; t++) {
    var s = m.tensors[t];
    where = 'tensor ' + t + (s.name ? " '" + s.name + "'" : '');
    range(s.shape.length, 1, 4, 'rank'); // the reader checks it before reading the dims
    range(s.zeroPoint, -128, 127, 'zeroPoint');
    if (!(s.scale > 0 && s.scale < Infinity)) fail('scale ' + s.scale);
  }
  for (var i = 0; i < m.ops.length; i++) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    var op: any = m.ops[i];
    where = 'op ' + i + (op.name ? " '" + op.name + "'" : '');
    if (op.actMax !== undefined) {
      range(op.actMax, -128, 127, 'actMax');
      range(op.actMin, -128, op.actMax, 'actMin');
    }
    if (op.type === OP_SOFTMAX) {
      range(op.inputBetaLeftShift, 0, 31, 'inputBetaLeftShift');
      range(op.diffMin, -MAX, 0, 'diffMin');
    }
    var mult: ArrayLike<number> = op.multiplier instanceof Int32Array ? op.multiplier : [op.multiplier, op.input1Multiplier, op.input2Multiplier, op.outputMultiplier];
    var shift: ArrayLike<number> = op.shift instanceof Int32Array ? op.shift : [op.shift, op.input1Shift, op.input2Shift, op.outputShift];
    for (var k = 0; k < mult.length; k++) {
      if (mult[k] !== undefined) range(mult[k], 0, MAX, 'multiplier');
      if (shift[k] !== undefined) range(shift[k], -31, 31, 'shift');
    }
  }
}
