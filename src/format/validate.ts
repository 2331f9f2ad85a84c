// validateModel checks that a ModelSpec is safe and sane to run, on every load (the reader) and
// before every write (the writer), so a tool can never write a file the runtime refuses:
// - every tensor lies inside the arena and every op's shapes agree with its parameters and constant
//   arrays, so no kernel can read or write outside a buffer;
// - the requantization multipliers and shifts (wrong ones cannot move a memory access, only answers);
// - the arena plan: every op reads tensors written before it, no tensor is written twice, and no two
//   tensors alive at the same time share a byte (except in-place ops), so a run cannot overwrite a
//   value it still needs.
// src/format/verify.ts adds the value checks that would cost too many runtime bytes (zero points,
// scales, clamps, softmax's parameters, meta types, an arena larger than its tensors); the writer runs
// them too.
// Kept terse on purpose (it ships in the runtime bundle): every check is `eq` or `range`, whose
// messages name the op or tensor (`where`), the quantity, its value and what was expected.
//
// Runtime rule: ES5 subset (see schema.ts).
import { TinyconvError } from './errors.js';
import {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL, OP_ADD,
  OP_MUL, OP_CONCAT, OP_RESHAPE, OP_PAD, OP_LUT, OP_SOFTMAX, OP_REQUANTIZE,
  ModelSpec, TensorSpec, ConvOp,
} from './schema.js';

/** Element count of a shape. */
export function shapeSize(shape: number[]): number {
  var n = 1;
  for (var i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

var MAX = 2147483647;
/** The most tensors a model may have: checkOverlaps compares each op's output with every tensor. */
export var MAX_TENSORS = 4096;
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
  var ops = m.ops;
  var nt = tensors.length;
  // The arena plan's lifetimes (src/format/plan.ts's rule): first[t] is the op that writes t (0 for
  // the model input), last[t] the last op that reads it; -1 while untouched. (The reader allows at
  // most MAX_TENSORS tensors, which bounds the pairwise overlap check.)
  var first: number[] = [];
  var last: number[] = [];
  // arenaBytes needs no check of its own: every tensor must fit in [0, arenaBytes), and there is
  // at least the input tensor.
  for (var t = 0; t < nt; t++) {
    var s = tensors[t];
    where = 'tensor ' + t;
    code = 'BAD_SHAPE';
    for (var d = 0; d < s.shape.length; d++) range(s.shape[d], 1, MAX, 'dim');
    code = 'BAD_OFFSET';
    range(s.offset, 0, m.arenaBytes - shapeSize(s.shape), 'arena offset');
    first.push(t === m.input ? 0 : -1);
    last.push(first[t]);
  }
  where = 'model';
  code = 'BAD_TENSOR';
  range(m.input, 0, nt - 1, 'input tensor');
  range(m.output, 0, nt - 1, 'output tensor');
  checkPreprocess(m.preprocess, tensors[m.input].shape);
  for (var i = 0; i < ops.length; i++) {
    var op = ops[i];
    where = 'op ' + i + (opAt ? ' at byte ' + opAt[i] : '');
    code = 'BAD_OP';
    var nIn = op.inputs.length;
    eq(op.outputs.length, 1, 'outputs');
    eq(nIn, op.type === OP_ADD || op.type === OP_MUL ? 2 : op.type === OP_CONCAT ? Math.max(nIn, 1) : 1, 'inputs');
    code = 'BAD_TENSOR';
    for (var k = 0; k < nIn; k++) range(op.inputs[k], 0, nt - 1, 'input tensor');
    var out = op.outputs[0];
    range(out, 0, nt - 1, 'output tensor');
    code = 'BAD_SHAPE';
    checkOp(op, tensors);
    code = 'BAD_PARAM';
    checkValues(op);
    code = 'BAD_GRAPH';
    for (k = 0; k < nIn; k++) {
      if (first[op.inputs[k]] < 0) fail('reads tensor ' + op.inputs[k] + ' before it is written');
      last[op.inputs[k]] = i;
    }
    if (first[out] >= 0) fail('writes tensor ' + out + ' twice');
    first[out] = last[out] = i;
  }
  where = 'model';
  if (first[m.output] < 0) fail('output tensor never written');
  last[m.output] = Math.max(ops.length - 1, 0);
  checkOverlaps(m, first, last, opAt);
}

/** No byte of op i's output belongs to a tensor alive at op i (born at or before i, read at or
 *  after it), except where the op writes in place: a reshape, LUT, requantize or add over an input
 *  that dies at i, with the same offset and size. Every pair of tensors alive at once meets here,
 *  when the younger one is written. */
function checkOverlaps(m: ModelSpec, first: number[], last: number[], opAt?: number[]): void {
  var tensors = m.tensors;
  code = 'BAD_PLAN';
  for (var i = 0; i < m.ops.length; i++) {
    var op = m.ops[i];
    var b = op.outputs[0];
    var from = tensors[b].offset;
    var to = from + shapeSize(tensors[b].shape);
    var inPlace = op.type === OP_RESHAPE || op.type === OP_LUT || op.type === OP_REQUANTIZE || op.type === OP_ADD;
    for (var a = 0; a < tensors.length; a++) {
      var aFrom = tensors[a].offset;
      var aTo = aFrom + shapeSize(tensors[a].shape);
      if (a !== b && first[a] <= i && last[a] >= i && aFrom < to && from < aTo && !(inPlace && last[a] === i && aFrom === from && aTo === to)) {
        where = 'op ' + i + (opAt ? ' at byte ' + opAt[i] : '');
        fail('output tensor ' + b + ' overlaps tensor ' + a + ' at arena byte ' + Math.max(from, aFrom));
      }
    }
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

/** The requantization constants: every multiplier (a field or array whose name ends in
 *  "ultiplier") in [0, 2^31) and every shift ("hift") in [-31, 31]. Out of range they cannot move a
 *  memory access, only an answer (and the SIMD requantization relies on no multiplier being -2^31).
 *  The other values (zero points, scales, clamps) are checked tool-side (verify.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function checkValues(op: any): void {
  for (var key in op) {
    var lo = key.indexOf('ultiplier') > 0 ? 0 : key.indexOf('hift') > 0 ? -31 : 1;
    var v = op[key];
    var n = v.length;
    if (lo < 1) for (var k = 0; k < (n === undefined ? 1 : n); k++) range(n === undefined ? v : v[k], lo, lo ? 31 : MAX, key);
  }
}
