// One mapping per ONNX op type: ONNX (NCHW, OIHW weights) to our float graph (NHWC, OHWI weights).
// Anything outside what a mapping can express exactly is refused naming the op and node.
import { windowOutputSize } from '../graph/shapes.js';
import type { OnnxNode } from './model-proto.js';
import { ImportContext, chwToHwc, onnxShapeOf, type ConstValue, type TensorValue } from './import-context.js';
import { foldCast, foldConcat, foldConstant, foldGather, foldReshape, foldShape, foldSqueeze, foldTranspose } from './const-fold.js';

type Handler = (ctx: ImportContext, n: OnnxNode) => void;

function rank4(ctx: ImportContext, n: OnnxNode, x: TensorValue): [number, number, number] {
  if (x.rank !== 4) ctx.fail(n, `input has ONNX shape [${onnxShapeOf(x).join(', ')}]; a 4-D NCHW input is required`);
  return [x.shape[0], x.shape[1], x.shape[2]];
}

/** Explicit [top, left, bottom, right] padding from `pads` or `auto_pad`. */
function padding(ctx: ImportContext, n: OnnxNode, inHW: number[], k: number[], s: number[], d: number[]): number[] {
  const auto = ctx.attrString(n, 'auto_pad', 'NOTSET');
  if (auto === 'NOTSET') {
    const pads = ctx.attrInts(n, 'pads', [0, 0, 0, 0]) as number[];
    if (pads.length !== 4) ctx.fail(n, `pads ${JSON.stringify(pads)} is not 2-D [top, left, bottom, right]`);
    return pads;
  }
  if (auto === 'VALID') return [0, 0, 0, 0];
  if (auto !== 'SAME_UPPER' && auto !== 'SAME_LOWER') ctx.fail(n, `auto_pad '${auto}' is not supported`);
  const out = [0, 0, 0, 0];
  for (let a = 0; a < 2; a++) {
    const o = Math.ceil(inHW[a] / s[a]);
    const total = Math.max(0, (o - 1) * s[a] + d[a] * (k[a] - 1) + 1 - inHW[a]);
    const small = Math.floor(total / 2);
    out[a] = auto === 'SAME_UPPER' ? small : total - small;
    out[a + 2] = total - out[a];
  }
  return out;
}

function pair(ctx: ImportContext, n: OnnxNode, name: string, fallback: number[] | null): number[] {
  const v = ctx.attrInts(n, name, fallback);
  if (!v) ctx.fail(n, `attribute ${name} is required`);
  if (v.length !== 2) ctx.fail(n, `attribute ${name} ${JSON.stringify(v)} is not 2-D`);
  return v;
}

const conv: Handler = (ctx, n) => {
  const { x, pads: absorbed } = ctx.paddedTensor(n, 0);
  const [H, W, C] = rank4(ctx, n, x);
  const wt = ctx.constant(n, 1);
  if (wt.dims.length !== 4) ctx.fail(n, `weight has dims [${wt.dims.join(', ')}]; only 2-D convolution is supported`);
  const [O, I, KH, KW] = wt.dims;
  const kernel = pair(ctx, n, 'kernel_shape', [KH, KW]);
  if (kernel[0] !== KH || kernel[1] !== KW) ctx.fail(n, `kernel_shape ${JSON.stringify(kernel)} disagrees with weight dims [${wt.dims.join(', ')}]`, 'BAD_ONNX');
  const stride = pair(ctx, n, 'strides', [1, 1]);
  const dilation = pair(ctx, n, 'dilations', [1, 1]);
  const groups = ctx.attrInt(n, 'group', 1);
  if (absorbed.some((p) => p !== 0) && ctx.attrString(n, 'auto_pad', 'NOTSET') !== 'NOTSET') {
    ctx.fail(n, 'a preceding Pad combined with auto_pad is not supported');
  }
  const pads = padding(ctx, n, [H, W], kernel, stride, dilation).map((p, i) => p + absorbed[i]);
  // OIHW -> OHWI
  const w = ctx.floats(n, 1);
  const ohwi = new Float32Array(w.length);
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let y = 0; y < KH; y++)
        for (let xx = 0; xx < KW; xx++) ohwi[((o * KH + y) * KW + xx) * I + i] = w[((o * I + i) * KH + y) * KW + xx];
  const params: Record<string, { data: ArrayLike<number>; shape: number[] }> = { weight: { data: ohwi, shape: [O, KH, KW, I] } };
  if (ctx.has(n, 2)) params.bias = { data: ctx.floats(n, 2), shape: [O] };
  if (I * groups !== C) ctx.fail(n, `weight expects ${I * groups} input channels (${I} x group ${groups}) but the input has ${C}`, 'SHAPE_MISMATCH');
  ctx.emit(n, 'conv2d', [x], { kernel, stride, padding: pads, dilation, groups, outChannels: O }, params);
};

function pool(kind: 'maxPool' | 'avgPool'): Handler {
  return (ctx, n) => {
    const { x, pads: absorbed } = kind === 'avgPool' ? ctx.paddedTensor(n, 0) : { x: ctx.tensor(n, 0), pads: [0, 0, 0, 0] };
    const [H, W] = rank4(ctx, n, x);
    if (n.outputs.length > 1 && n.outputs[1] !== '') ctx.fail(n, 'the Indices output is not supported');
    const kernel = pair(ctx, n, 'kernel_shape', null);
    const stride = pair(ctx, n, 'strides', [1, 1]);
    const dilation = pair(ctx, n, 'dilations', [1, 1]);
    if (dilation[0] !== 1 || dilation[1] !== 1) ctx.fail(n, `unsupported attribute dilations ${JSON.stringify(dilation)} (pooling supports dilation 1 only)`);
    const own = padding(ctx, n, [H, W], kernel, stride, [1, 1]);
    let countIncludePad = ctx.attrInt(n, 'count_include_pad', 0) === 1;
    if (absorbed.some((p) => p !== 0)) {
      // The Pad's zeros are real elements the average counts; that equals counting padding only
      // when the pool's own padding also counts (or there is none).
      if (!countIncludePad && own.some((p) => p !== 0)) ctx.fail(n, 'a preceding Pad with count_include_pad=0 and own pads is not supported');
      if (ctx.attrInt(n, 'ceil_mode', 0) === 1) ctx.fail(n, 'a preceding Pad combined with ceil_mode is not supported');
      countIncludePad = true;
    }
    const pads = own.map((p, i) => p + absorbed[i]);
    const attrs: Record<string, number[] | boolean> = { kernel, stride, padding: pads, ceilMode: ctx.attrInt(n, 'ceil_mode', 0) === 1 };
    if (kind === 'avgPool') attrs.countIncludePad = countIncludePad;
    // ONNX allows windows that end in the padding only; make sure every window touches the input.
    for (let a = 0; a < 2; a++) {
      const o = windowOutputSize(a === 0 ? H : W, kernel[a], stride[a], pads[a], pads[a + 2], 1, attrs.ceilMode as boolean);
      if (o <= 0) ctx.fail(n, `kernel ${JSON.stringify(kernel)} does not fit the input`, 'SHAPE_MISMATCH');
    }
    ctx.emit(n, kind, [x], attrs, {});
  };
}

/** A constant that broadcasts against x as one value per channel (our last axis); null if it
 *  does not (e.g. varies along H or W). Returned in our channel order, expanded to C values. */
function perChannel(ctx: ImportContext, n: OnnxNode, input: number, x: TensorValue): Float32Array | null {
  const c = ctx.constant(n, input);
  const xs = onnxShapeOf(x);
  if (c.dims.length > xs.length) return null;
  const dims = [...new Array<number>(xs.length - c.dims.length).fill(1), ...c.dims];
  const axis = x.rank === 1 ? 0 : 1;
  const channels = xs[axis];
  for (let i = 0; i < dims.length; i++) if (i !== axis && dims[i] !== 1) return null;
  if (dims[axis] !== 1 && dims[axis] !== channels) return null;
  const v = ctx.floats(n, input);
  const full = dims[axis] === 1 ? new Float32Array(channels).fill(v[0]) : v;
  return x.chw ? chwToHwc(full, x.chw) : full;
}

function affine(ctx: ImportContext, n: OnnxNode, x: TensorValue, gamma: Float32Array, beta: Float32Array): void {
  // y = gamma * x + beta as a batchnorm with mean 0, variance 1, eps 0; the converter folds it
  // into a preceding conv/dense or keeps it as a per-channel affine op.
  const C = gamma.length;
  ctx.emit(n, 'batchnorm', [x], { eps: 0 }, {
    gamma: { data: gamma, shape: [C] }, beta: { data: beta, shape: [C] },
    mean: { data: new Float32Array(C), shape: [C] }, variance: { data: new Float32Array(C).fill(1), shape: [C] },
  }, x.chw);
}

function binary(kind: 'Add' | 'Sub' | 'Mul' | 'Div'): Handler {
  return (ctx, n) => {
    const a = ctx.get(n, 0);
    const b = ctx.get(n, 1);
    if (a.kind === 'tensor' && b.kind === 'tensor') {
      if (kind === 'Add') {
        if (String(a.chw) !== String(b.chw)) ctx.fail(n, 'adding a flattened feature map to a tensor of another layout is not supported');
        ctx.emit(n, 'add', [a, b], {}, {}, a.chw);
        return;
      }
      if (kind === 'Mul') {
        // Our mul broadcasts its second input; put the per-channel gate (if any) second.
        const swap = a.shape.length === 3 && a.shape[0] * a.shape[1] === 1 && b.shape.length === 3 && b.shape[0] * b.shape[1] > 1;
        const [p, q] = swap ? [b, a] : [a, b];
        ctx.emit(n, 'mul', [p, q], {}, {}, p.chw);
        return;
      }
      ctx.fail(n, `${kind} of two computed tensors is not supported`);
    }
    if (a.kind === 'const' && b.kind === 'const') ctx.fail(n, `${kind} of two constants is not supported`);
    const x = (a.kind === 'tensor' ? a : b) as TensorValue;
    const c = (a.kind === 'const' ? a : (b as ConstValue)).tensor;
    const v = perChannel(ctx, n, a.kind === 'const' ? 0 : 1, x);
    if (!v) return ctx.fail(n, `${kind} with a constant of dims [${c.dims.join(', ')}] that is not per-channel or scalar for input [${onnxShapeOf(x).join(', ')}]`);
    const C = v.length;
    const ones = new Float32Array(C).fill(1);
    const zeros = new Float32Array(C);
    const constFirst = a.kind === 'const';
    if (kind === 'Add') affine(ctx, n, x, ones, v);
    else if (kind === 'Mul') affine(ctx, n, x, v, zeros);
    else if (kind === 'Sub') affine(ctx, n, x, constFirst ? ones.map(() => -1) : ones, constFirst ? v : v.map((t) => -t));
    else {
      if (constFirst) ctx.fail(n, 'dividing a constant by a tensor is not supported');
      if (v.some((t) => t === 0)) ctx.fail(n, 'division by a constant containing zero', 'BAD_ONNX');
      affine(ctx, n, x, v.map((t) => 1 / t), zeros);
    }
  };
}

const batchNorm: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  if (ctx.attrInt(n, 'training_mode', 0) === 1 || n.outputs.slice(1).some((o) => o !== '')) {
    ctx.fail(n, 'training-mode BatchNormalization (running statistics outputs) is not supported');
  }
  const fix = (v: Float32Array) => (x.chw ? chwToHwc(v, x.chw) : v);
  const C = x.shape[x.shape.length - 1];
  const p = (i: number) => ({ data: fix(ctx.floats(n, i)), shape: [C] });
  ctx.emit(n, 'batchnorm', [x], { eps: ctx.attrFloat(n, 'epsilon', 1e-5) },
    { gamma: p(1), beta: p(2), mean: p(3), variance: p(4) }, x.chw);
};

/** Elementwise one-input ops that map one-to-one. */
function unary(op: 'relu' | 'sigmoid' | 'tanh' | 'hardSwish'): Handler {
  return (ctx, n) => { const x = ctx.tensor(n, 0); ctx.emit(n, op, [x], {}, {}, x.chw); };
}

const FLOAT_MAX = 3.4e38;

const clip: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  let lo = ctx.attrFloat(n, 'min', -Infinity);
  let hi = ctx.attrFloat(n, 'max', Infinity);
  if (ctx.has(n, 1)) lo = ctx.floats(n, 1)[0];
  if (ctx.has(n, 2)) hi = ctx.floats(n, 2)[0];
  if (lo === 0 && hi === 6) { ctx.emit(n, 'relu6', [x], {}, {}, x.chw); return; }
  if (lo === 0 && !(hi < FLOAT_MAX)) { ctx.emit(n, 'relu', [x], {}, {}, x.chw); return; }
  const attrs: Record<string, number> = {};
  if (lo > -FLOAT_MAX) attrs.min = lo;
  if (hi < FLOAT_MAX) attrs.max = hi;
  ctx.emit(n, 'clip', [x], attrs, {}, x.chw);
};

const prelu: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  const slope = ctx.constant(n, 1);
  // Before opset 7 a 1-D slope of C values meant one per channel (no numpy-style broadcasting).
  const legacyPerChannel = ctx.opset < 7 && slope.dims.length === 1 && x.rank > 1 && slope.dims[0] === onnxShapeOf(x)[1];
  const v = legacyPerChannel ? (x.chw ? chwToHwc(ctx.floats(n, 1), x.chw) : ctx.floats(n, 1)) : perChannel(ctx, n, 1, x);
  if (!v) return ctx.fail(n, `slope of dims [${slope.dims.join(', ')}] is not per-channel or scalar`);
  const single = v.every((s) => s === v[0]);
  ctx.emit(n, 'prelu', [x], {}, { slope: single ? { data: [v[0]], shape: [1] } : { data: v, shape: [v.length] } }, x.chw);
};

/** Gemm and MatMul with a constant weight: our dense, with columns permuted after a flatten. */
function dense(ctx: ImportContext, n: OnnxNode, x: TensorValue, weightRowsOut: (u: number, i: number) => number,
  units: number, bias: Float32Array | null): void {
  if (x.rank > 2) ctx.fail(n, `input has ONNX shape [${onnxShapeOf(x).join(', ')}]; a 2-D [1, K] input is required`);
  const K = x.shape[0];
  const w = new Float32Array(units * K);
  for (let u = 0; u < units; u++) {
    const row = new Float32Array(K);
    for (let i = 0; i < K; i++) row[i] = weightRowsOut(u, i);
    w.set(x.chw ? chwToHwc(row, x.chw) : row, u * K);
  }
  const params: Record<string, { data: ArrayLike<number>; shape: number[] }> = { weight: { data: w, shape: [units, K] } };
  if (bias) params.bias = { data: bias, shape: [units] };
  ctx.emit(n, 'dense', [x], { units }, params, null, x.rank);
}

const gemm: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  if (x.rank !== 2) ctx.fail(n, `A has ONNX shape [${onnxShapeOf(x).join(', ')}]; Gemm needs a 2-D [1, K] input`);
  if (ctx.attrInt(n, 'transA', 0) !== 0) ctx.fail(n, 'unsupported attribute transA=1');
  const b = ctx.constant(n, 1);
  if (b.dims.length !== 2) ctx.fail(n, `B has dims [${b.dims.join(', ')}], expected 2-D`, 'BAD_ONNX');
  const transB = ctx.attrInt(n, 'transB', 0) === 1;
  const alpha = ctx.attrFloat(n, 'alpha', 1);
  const beta = ctx.attrFloat(n, 'beta', 1);
  const B = ctx.floats(n, 1);
  const [K, units] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (x.shape.length === 1 && x.shape[0] !== K) ctx.fail(n, `A has ${x.shape[0]} columns but B expects ${K}`, 'SHAPE_MISMATCH');
  let bias: Float32Array | null = null;
  if (ctx.has(n, 2)) {
    const c = ctx.constant(n, 2);
    const cv = ctx.floats(n, 2);
    const count = cv.length;
    if (count !== 1 && count !== units) ctx.fail(n, `C of dims [${c.dims.join(', ')}] does not broadcast to [1, ${units}]`);
    bias = new Float32Array(units);
    for (let u = 0; u < units; u++) bias[u] = beta * cv[count === 1 ? 0 : u];
  }
  dense(ctx, n, x, (u, i) => alpha * (transB ? B[u * K + i] : B[i * units + u]), units, bias);
};

const matmul: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  const b = ctx.constant(n, 1);
  if (b.dims.length !== 2) ctx.fail(n, `constant B has dims [${b.dims.join(', ')}], expected 2-D`);
  const [K, units] = b.dims;
  if (x.shape.length === 1 && x.shape[0] !== K) ctx.fail(n, `A has ${x.shape[0]} columns but B expects ${K}`, 'SHAPE_MISMATCH');
  const B = ctx.floats(n, 1);
  dense(ctx, n, x, (u, i) => B[i * units + u], units, null);
};

/** Our flatten of a feature map; the result remembers the CHW order ONNX expects. */
function flattenTensor(ctx: ImportContext, n: OnnxNode, x: TensorValue): void {
  if (x.shape.length === 1) { ctx.alias(n, { ...x, rank: 2 }); return; }
  const [H, W, C] = x.shape;
  ctx.emit(n, 'flatten', [x], {}, {}, C > 1 && H * W > 1 ? [C, H, W] : null, 2);
}

const flatten: Handler = (ctx, n) => {
  const v = ctx.get(n, 0);
  const axisRaw = ctx.attrInt(n, 'axis', 1);
  if (v.kind === 'const') {
    const d = v.tensor.dims;
    const axis = axisRaw < 0 ? axisRaw + d.length : axisRaw;
    const lead = d.slice(0, axis).reduce((s, t) => s * t, 1);
    foldReshape(ctx, n, [lead, v.tensor.data.length / Math.max(lead, 1)]);
    return;
  }
  const rank = v.rank;
  const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
  if (rank === 1) ctx.fail(n, 'Flatten of an unbatched vector is not supported');
  // With batch 1, flattening from axis 0 or 1 gives the same [1, N].
  if (axis !== 0 && axis !== 1) ctx.fail(n, `unsupported attribute axis=${axisRaw} (only 0 or 1 keep the batch dimension first)`);
  flattenTensor(ctx, n, v);
};

const reshape: Handler = (ctx, n) => {
  const v = ctx.get(n, 0);
  const requested = ctx.ints(n, 1);
  const inDims = v.kind === 'const' ? v.tensor.dims : onnxShapeOf(v);
  const total = inDims.reduce((s, d) => s * d, 1);
  const allowZero = ctx.attrInt(n, 'allowzero', 0) === 1;
  const dims = requested.map((d, i) => (d === 0 && !allowZero ? inDims[i] : d));
  const known = dims.filter((d) => d !== -1).reduce((s, d) => s * d, 1);
  const wild = dims.indexOf(-1);
  if (wild >= 0) dims[wild] = known > 0 ? total / known : 0;
  if (dims.reduce((s, d) => s * d, 1) !== total || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    ctx.fail(n, `cannot reshape [${inDims.join(', ')}] to [${requested.join(', ')}]`, 'SHAPE_MISMATCH');
  }
  if (v.kind === 'const') { foldReshape(ctx, n, dims); return; }
  if (dims[0] !== 1 || v.rank === 1) ctx.fail(n, `reshape of [${inDims.join(', ')}] to [${dims.join(', ')}] changes the batch dimension`);
  if (dims.length === 2) { flattenTensor(ctx, n, v); return; }
  if (dims.length === 4) {
    const [, C, H, W] = dims;
    if (v.rank === 4 && v.shape[0] === H && v.shape[1] === W && v.shape[2] === C) { ctx.alias(n, v); return; }
    const sameOrder = (v.chw && v.chw[0] === C && v.chw[1] === H && v.chw[2] === W) || (!v.chw && (C === 1 || H * W === 1));
    if (v.shape.length === 1 && sameOrder) { ctx.emit(n, 'reshape', [v], { shape: [H, W, C] }, {}, null, 4); return; }
  }
  ctx.fail(n, `reshape of [${inDims.join(', ')}] to [${dims.join(', ')}] cannot be expressed in NHWC layout`);
};

function softmax(op: 'softmax' | 'logSoftmax'): Handler {
  return (ctx, n) => {
    const x = ctx.tensor(n, 0);
    const rank = x.rank;
    const raw = ctx.attrInt(n, 'axis', ctx.opset >= 13 ? -1 : 1);
    const axis = raw < 0 ? raw + rank : raw;
    // Our softmax runs over channels (ONNX axis 1; axis 0 of an unbatched vector). Before opset 13
    // the axis means "flatten from here and normalise over the rest", the same only if H = W = 1.
    const overChannels = rank === 1 ? axis === 0 : rank === 2 ? axis === 1
      : ctx.opset >= 13 ? axis === 1 : axis === 1 && x.shape[0] * x.shape[1] === 1;
    if (!overChannels) ctx.fail(n, `unsupported attribute axis=${raw} for input [${onnxShapeOf(x).join(', ')}] (softmax over channels only)`);
    ctx.emit(n, op, [x], {}, {}, x.chw);
  };
}

const concat: Handler = (ctx, n) => {
  if (n.inputs.every((_, i) => ctx.get(n, i).kind === 'const')) { foldConcat(ctx, n); return; }
  const xs = n.inputs.map((_, i) => ctx.tensor(n, i));
  const rank = xs[0].rank;
  const raw = ctx.attrInt(n, 'axis', 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (axis === 0 && rank > 1) ctx.fail(n, 'concatenation along the batch axis is not supported');
  if (xs.some((x) => x.chw || x.rank !== rank)) ctx.fail(n, 'concatenation of flattened feature maps or of mixed ranks is not supported');
  // ONNX axes 1, 2, 3 of NCHW are our axes 2 (C), 0 (H), 1 (W); of NCW 2 (C), 1 (W); rank 2's axis 1
  // and rank 1's axis 0 are our 0.
  const ours = rank === 4 ? [0, 2, 0, 1][axis] : rank === 3 ? [0, 2, 1][axis] : 0;
  ctx.emit(n, 'concat', xs, { axis: ours }, {});
};

/** ReduceMean over H and W is a global average pool (then a flatten when keepdims is 0). */
const reduceMean: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  rank4(ctx, n, x);
  const axes = (ctx.has(n, 1) ? ctx.ints(n, 1) : ctx.attrInts(n, 'axes', null) ?? []).map((a) => (a < 0 ? a + 4 : a)).sort();
  if (axes.join() !== '2,3') ctx.fail(n, `unsupported attribute axes=${JSON.stringify(axes)} (only the mean over H and W, axes [2, 3])`);
  const pooled = ctx.emit(n, 'globalAvgPool', [x], {}, {});
  if (ctx.attrInt(n, 'keepdims', 1) === 0) ctx.emit({ ...n, name: `${n.name || n.outputs[0]}_flatten` }, 'flatten', [pooled], {}, {}, null, 2);
};

/** GlobalMaxPool is a max pool whose window is the whole feature map. */
const globalMaxPool: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  const [H, W] = rank4(ctx, n, x);
  ctx.emit(n, 'maxPool', [x], { kernel: [H, W], stride: [H, W] }, {});
};

const identity: Handler = (ctx, n) => ctx.alias(n, ctx.getAny(n, 0));

/** Pad with zeros over H and W: nothing when all pads are 0, else absorbed by the following Conv
 *  or AveragePool (see PaddedValue). Other modes, values or axes are refused. */
const pad: Handler = (ctx, n) => {
  const x = ctx.tensor(n, 0);
  const pads = ctx.has(n, 1) ? ctx.ints(n, 1) : ctx.attrInts(n, 'pads', []) ?? [];
  if (pads.every((p) => p === 0)) { ctx.alias(n, x); return; }
  const mode = ctx.attrString(n, 'mode', 'constant');
  const value = ctx.has(n, 2) ? ctx.floats(n, 2)[0] : ctx.attrFloat(n, 'value', 0);
  if (mode !== 'constant' || value !== 0) ctx.fail(n, `Pad mode '${mode}' with value ${value} is not supported (only zero padding)`);
  if (x.rank !== 4 || pads.length !== 8) ctx.fail(n, `Pad of a rank-${x.rank} tensor is not supported (only NCHW)`);
  const [nb, cb, hb, wb, ne, ce, he, we] = pads;
  if (nb || cb || ne || ce || pads.some((p) => p < 0)) ctx.fail(n, `pads ${JSON.stringify(pads)}: only non-negative padding of H and W is supported`);
  ctx.values.set(n.outputs[0], { kind: 'padded', source: x, pads: [hb, wb, he, we], padNode: n.name || n.outputs[0] });
};

export const HANDLERS: Record<string, Handler> = {
  Conv: conv,
  BatchNormalization: batchNorm,
  Relu: unary('relu'),
  Sigmoid: unary('sigmoid'),
  Tanh: unary('tanh'),
  HardSwish: unary('hardSwish'),
  Clip: clip,
  LeakyRelu: (ctx, n) => { const x = ctx.tensor(n, 0); ctx.emit(n, 'leakyRelu', [x], { alpha: ctx.attrFloat(n, 'alpha', 0.01) }, {}, x.chw); },
  HardSigmoid: (ctx, n) => {
    const x = ctx.tensor(n, 0);
    ctx.emit(n, 'hardSigmoid', [x], { alpha: ctx.attrFloat(n, 'alpha', 0.2), beta: ctx.attrFloat(n, 'beta', 0.5) }, {}, x.chw);
  },
  PRelu: prelu,
  MaxPool: pool('maxPool'),
  AveragePool: pool('avgPool'),
  GlobalMaxPool: globalMaxPool,
  ReduceMean: reduceMean,
  GlobalAveragePool: (ctx, n) => { const x = ctx.tensor(n, 0); rank4(ctx, n, x); ctx.emit(n, 'globalAvgPool', [x], {}, {}); },
  Gemm: gemm,
  MatMul: matmul,
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Concat: concat,
  Flatten: flatten,
  Reshape: reshape,
  Dropout: identity,
  Identity: identity,
  Pad: pad,
  Softmax: softmax('softmax'),
  LogSoftmax: softmax('logSoftmax'),
  Constant: foldConstant,
  Shape: foldShape,
  Gather: foldGather,
  Unsqueeze: (ctx, n) => foldSqueeze(ctx, n, true),
  Squeeze: (ctx, n) => foldSqueeze(ctx, n, false),
  Cast: foldCast,
  Transpose: (ctx, n) => {
    if (ctx.get(n, 0).kind !== 'const') ctx.fail(n, 'Transpose of a computed tensor is not supported (only of constants)');
    foldTranspose(ctx, n);
  },
};
