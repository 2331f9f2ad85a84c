// Checks that a ModelSpec is safe to run: every tensor lies inside the arena, every op's shapes agree
// with its parameters and constant arrays, so no kernel can read or write outside a buffer.
// Called by the reader on every load and by the writer before it writes a file.
//
// Runtime rule: ES5 subset (see schema.ts).
import { TinyconvError } from './errors.js';
import { OP_NAMES, MAX_RANK } from './layout.js';
import {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL, OP_ADD,
  OP_MUL, OP_CONCAT, OP_PAD, OP_LUT, OP_SOFTMAX,
  ModelSpec, TensorSpec, OpSpec, ConvOp, DepthwiseOp, DenseOp, PoolOp, ConcatOp, PadOp, LutOp, SoftmaxOp,
} from './schema.js';

/** Element count of a shape. */
export function shapeSize(shape: number[]): number {
  var n = 1;
  for (var i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

function isInt(v: number): boolean {
  return typeof v === 'number' && Math.floor(v) === v && v >= -2147483648 && v <= 2147483647;
}

/** `opWhere[i]`, when given, is op i's byte offset in the file (named in messages). */
export function validateModel(m: ModelSpec, opWhere?: number[]): void {
  var tensors = m.tensors;
  var nt = tensors.length;
  var arena = m.arenaBytes;
  if (!isInt(arena) || arena < 0) throw new TinyconvError('BAD_OFFSET', 'arenaBytes ' + arena + ' is not a non-negative int32');
  for (var t = 0; t < nt; t++) {
    var s = tensors[t];
    var shape = s.shape;
    var what = 'tensor ' + t + (s.name ? " '" + s.name + "'" : '');
    var ok = shape.length >= 1 && shape.length <= MAX_RANK;
    for (var d = 0; d < shape.length; d++) if (!isInt(shape[d]) || shape[d] < 1) ok = false;
    if (!ok) throw new TinyconvError('BAD_SHAPE', what + ': shape [' + shape + '] needs 1 to ' + MAX_RANK + ' positive dims');
    if (!(s.scale > 0 && s.scale < Infinity) || !isInt(s.zeroPoint) || s.zeroPoint < -128 || s.zeroPoint > 127) {
      throw new TinyconvError('BAD_TENSOR', what + ': scale ' + s.scale + ' / zeroPoint ' + s.zeroPoint + ' are not a valid int8 quantization');
    }
    if (!isInt(s.offset) || s.offset < 0 || s.offset + shapeSize(shape) > arena) {
      throw new TinyconvError('BAD_OFFSET', what + ': arena slot [' + s.offset + ', ' + (s.offset + shapeSize(shape)) + ') lies outside the ' + arena + '-byte arena');
    }
  }
  checkIndex(m.input, nt, 'model input');
  checkIndex(m.output, nt, 'model output');
  checkPreprocess(m.preprocess, tensors[m.input].shape);
  for (var i = 0; i < m.ops.length; i++) {
    var op = m.ops[i];
    var where = 'op ' + i + ' (' + (OP_NAMES[op.type] || op.type) + (op.name ? " '" + op.name + "'" : '') + ')' +
      (opWhere ? ' at byte ' + opWhere[i] : '');
    if (op.outputs.length !== 1) throw new TinyconvError('BAD_OP', where + ': has ' + op.outputs.length + ' outputs, every op has exactly 1');
    var nIn = op.inputs.length;
    var wantIn = op.type === OP_ADD || op.type === OP_MUL ? 2 : op.type === OP_CONCAT ? nIn : 1;
    if (nIn < 1 || nIn !== wantIn) throw new TinyconvError('BAD_OP', where + ': has ' + nIn + ' inputs, expected ' + wantIn);
    for (var k = 0; k < nIn; k++) checkIndex(op.inputs[k], nt, where + ' input ' + k);
    checkIndex(op.outputs[0], nt, where + ' output');
    var msg = checkOp(op, tensors);
    if (msg) throw new TinyconvError('BAD_SHAPE', where + ': ' + msg);
  }
}

/** setInput(pixels) divides by std[c] for every channel c of the input's last dimension. */
function checkPreprocess(pre: ModelSpec['preprocess'], inShape: number[]): void {
  var channels = inShape[inShape.length - 1];
  var ok = !!pre && isFiniteNumber(pre.pixelScale) && !!pre.mean && !!pre.std;
  for (var k = 0; ok && k < 2; k++) {
    var v = k ? pre.std : pre.mean;
    ok = v.length === 1 || v.length === channels;
    for (var c = 0; ok && c < v.length; c++) ok = isFiniteNumber(v[c]) && (k === 0 || v[c] !== 0);
  }
  if (!ok) throw new TinyconvError('BAD_META', 'preprocess needs a finite pixelScale and 1 or ' + channels + ' finite means and non-zero stds');
}

function isFiniteNumber(v: number): boolean {
  return typeof v === 'number' && v - v === 0;
}

function checkIndex(v: number, count: number, what: string): void {
  if (!isInt(v) || v < 0 || v >= count) throw new TinyconvError('BAD_TENSOR', what + ': tensor index ' + v + ' out of range (' + count + ' tensors)');
}

/** Returns what is inconsistent about the op, or '' when it is fine. */
function checkOp(op: OpSpec, tensors: TensorSpec[]): string {
  var a = tensors[op.inputs[0]].shape;
  var o = tensors[op.outputs[0]].shape;
  var inN = shapeSize(a);
  var outN = shapeSize(o);
  var bad = clampError(op as unknown as { actMin: number; actMax: number });
  var type = op.type;
  if (bad) return bad;
  if (type === OP_CONV2D || type === OP_DEPTHWISE_CONV2D || type === OP_MAX_POOL || type === OP_AVG_POOL || type === OP_PAD) {
    if (a.length !== 3 || o.length !== 3) return 'input [' + a + '] and output [' + o + '] must both be [H, W, C]';
  }
  if (type === OP_CONV2D || type === OP_DEPTHWISE_CONV2D) {
    var c = op as ConvOp | DepthwiseOp;
    var outC = o[2];
    var perOut = c.kernelH * c.kernelW;
    if (type === OP_CONV2D) {
      var g = (c as ConvOp).groups;
      if (!(g >= 1) || a[2] % g || outC % g) return 'groups ' + g + ' must divide input channels ' + a[2] + ' and output channels ' + outC;
      perOut *= a[2] / g;
    } else if (outC !== a[2] * (c as DepthwiseOp).depthMultiplier) {
      return 'output channels ' + outC + ' != input channels ' + a[2] + ' x depthMultiplier ' + (c as DepthwiseOp).depthMultiplier;
    }
    return windowError(c, a, o, c.dilationH, c.dilationW) || arraysError(c, outC, perOut);
  }
  if (type === OP_MAX_POOL || type === OP_AVG_POOL) {
    var p = op as PoolOp;
    if (o[2] !== a[2]) return 'output channels ' + o[2] + ' != input channels ' + a[2];
    // A window lying wholly in the padding would average zero taps.
    if (p.padTop >= p.kernelH || p.padBottom >= p.kernelH || p.padLeft >= p.kernelW || p.padRight >= p.kernelW) return 'padding must be smaller than the window';
    return windowError(p, a, o, 1, 1);
  }
  if (type === OP_DENSE) return arraysError(op as DenseOp, outN, inN);
  if (type === OP_GLOBAL_AVG_POOL) return a.length === 3 && outN === a[2] ? '' : 'input [' + a + '] must be [H, W, C] and output hold C values, got [' + o + ']';
  if (type === OP_PAD) {
    var q = op as PadOp;
    if (!(q.padTop >= 0 && q.padLeft >= 0 && q.padBottom >= 0 && q.padRight >= 0)) return 'negative padding';
    return o[0] === a[0] + q.padTop + q.padBottom && o[1] === a[1] + q.padLeft + q.padRight && o[2] === a[2] ? '' : 'output [' + o + '] != input [' + a + '] plus padding';
  }
  if (type === OP_MUL) {
    var b = shapeSize(tensors[op.inputs[1]].shape);
    if (b !== inN && b !== a[a.length - 1]) return 'second input has ' + b + ' values, expected ' + inN + ' or ' + a[a.length - 1];
  }
  if (type === OP_ADD && shapeSize(tensors[op.inputs[1]].shape) !== inN) return 'inputs differ in size';
  if (type === OP_LUT && (op as LutOp).table.length !== 256) return 'table has ' + (op as LutOp).table.length + ' entries, expected 256';
  var sm = op as SoftmaxOp;
  if (type === OP_SOFTMAX && (sm.inputBetaLeftShift < 0 || sm.inputBetaLeftShift > 31 || sm.diffMin > 0)) return 'inputBetaLeftShift must be in [0, 31] and diffMin <= 0';
  if (type === OP_CONCAT) return concatError(op as ConcatOp, tensors, o);
  return inN === outN ? '' : 'input has ' + inN + ' values, output ' + outN;
}

function clampError(op: { actMin: number; actMax: number }): string {
  if (op.actMin === undefined) return '';
  return op.actMin >= -128 && op.actMin <= op.actMax && op.actMax <= 127 ? '' : 'clamp [' + op.actMin + ', ' + op.actMax + '] is not within [-128, 127]';
}

function windowError(w: PoolOp | ConvOp | DepthwiseOp, a: number[], o: number[], dh: number, dw: number): string {
  if (!(w.kernelH >= 1 && w.kernelW >= 1 && w.strideH >= 1 && w.strideW >= 1 && dh >= 1 && dw >= 1)) return 'kernel, stride and dilation must be >= 1';
  if (!(w.padTop >= 0 && w.padLeft >= 0 && w.padBottom >= 0 && w.padRight >= 0)) return 'negative padding';
  var oh = Math.floor((a[0] + w.padTop + w.padBottom - (w.kernelH - 1) * dh - 1) / w.strideH) + 1;
  var ow = Math.floor((a[1] + w.padLeft + w.padRight - (w.kernelW - 1) * dw - 1) / w.strideW) + 1;
  return oh === o[0] && ow === o[1] ? '' : 'output is ' + o[0] + 'x' + o[1] + ' but the window over ' + a[0] + 'x' + a[1] + ' gives ' + oh + 'x' + ow;
}

/** weights [outC x perOut], bias [outC], multiplier/shift [1 or outC]. */
function arraysError(op: ConvOp | DepthwiseOp | DenseOp, outC: number, perOut: number): string {
  if (op.weights.length !== outC * perOut) return 'weights length ' + op.weights.length + ', expected ' + outC * perOut;
  if (op.bias.length !== outC) return 'bias length ' + op.bias.length + ', expected ' + outC;
  return requantError(op.multiplier, op.shift, outC, 'output channels');
}

function requantError(mult: Int32Array, shift: Int32Array, n: number, what: string): string {
  var len = mult.length;
  if ((len !== 1 && len !== n) || shift.length !== len) return 'multiplier/shift lengths ' + len + '/' + shift.length + ', expected 1 or ' + n + ' ' + what;
  for (var i = 0; i < len; i++) if (mult[i] < 0 || shift[i] < -31 || shift[i] > 31) return 'multiplier ' + mult[i] + ' / shift ' + shift[i] + ' out of range';
  return '';
}

function concatError(op: ConcatOp, tensors: TensorSpec[], o: number[]): string {
  var axis = op.axis;
  if (!(axis >= 0 && axis < o.length)) return 'axis ' + axis + ' out of range for output [' + o + ']';
  var sum = 0;
  for (var k = 0; k < op.inputs.length; k++) {
    var s = tensors[op.inputs[k]].shape;
    if (s.length !== o.length) return 'input ' + k + ' [' + s + '] differs in rank from output [' + o + ']';
    for (var d = 0; d < s.length; d++) if (d !== axis && s[d] !== o[d]) return 'input ' + k + ' [' + s + '] does not fit output [' + o + ']';
    sum += s[axis];
  }
  if (sum !== o[axis]) return 'inputs add up to ' + sum + ' along axis ' + axis + ', output has ' + o[axis];
  var n = op.inputs.length;
  return op.multiplier.length === n && op.shift.length === n ? requantError(op.multiplier, op.shift, n, 'inputs') : 'multiplier/shift need one entry per input';
}
