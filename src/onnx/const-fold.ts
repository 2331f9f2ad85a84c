// Import-time evaluation of the small integer computations exporters emit around a flatten:
// PyTorch's `x.view(x.size(0), -1)` becomes Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
// With a batch-1 static graph every one of these is a constant, so they are folded here and only
// the Reshape reaches the graph.
import { DT_FLOAT, DT_INT32, DT_INT64, dataTypeName, tensorToFloat32, type OnnxTensor } from './tensor-proto.js';
import type { ImportContext } from './import-context.js';
import { onnxShapeOf } from './import-context.js';
import type { OnnxNode } from './model-proto.js';

function int64(dims: number[], values: number[]): OnnxTensor {
  return { name: '', dims, dataType: DT_INT64, data: Float64Array.from(values) };
}

function normalizeAxis(ctx: ImportContext, n: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail(n, `axis ${axis} out of range for rank ${rank}`, 'BAD_ONNX');
  return a;
}

/** A tensor of the same type and values as `t` with new dims. */
function withDims(t: OnnxTensor, dims: number[]): OnnxTensor {
  return { ...t, dims };
}

export function foldConstant(ctx: ImportContext, n: OnnxNode): void {
  const a = ctx.attr(n, 'value');
  if (a && a.t) { ctx.setConst(n, a.t); return; }
  const f = ctx.attr(n, 'value_float');
  if (f && f.f !== undefined) { ctx.setConst(n, { name: '', dims: [], dataType: DT_FLOAT, data: Float32Array.of(f.f) }); return; }
  const fs = ctx.attr(n, 'value_floats');
  if (fs) { ctx.setConst(n, { name: '', dims: [fs.floats.length], dataType: DT_FLOAT, data: Float32Array.from(fs.floats) }); return; }
  const i = ctx.attr(n, 'value_int');
  if (i && i.i !== undefined) { ctx.setConst(n, int64([], [i.i])); return; }
  const is = ctx.attr(n, 'value_ints');
  if (is) { ctx.setConst(n, int64([is.ints.length], is.ints)); return; }
  ctx.fail(n, 'Constant without a supported value attribute (value, value_float(s), value_int(s))');
}

export function foldShape(ctx: ImportContext, n: OnnxNode): void {
  const v = ctx.get(n, 0);
  const shape = v.kind === 'const' ? v.tensor.dims : onnxShapeOf(v);
  const rank = shape.length;
  let start = ctx.attrInt(n, 'start', 0);
  let end = ctx.attrInt(n, 'end', rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = Math.min(Math.max(start, 0), rank);
  end = Math.min(Math.max(end, start), rank);
  ctx.setConst(n, int64([end - start], shape.slice(start, end)));
}

export function foldGather(ctx: ImportContext, n: OnnxNode): void {
  const data = ctx.constant(n, 0);
  const indices = ctx.ints(n, 1);
  const idxDims = ctx.constant(n, 1).dims;
  const axis = normalizeAxis(ctx, n, ctx.attrInt(n, 'axis', 0), data.dims.length);
  const len = data.dims[axis];
  let inner = 1;
  for (let d = axis + 1; d < data.dims.length; d++) inner *= data.dims[d];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= data.dims[d];
  const src = data.data;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const k = raw < 0 ? raw + len : raw;
      if (k < 0 || k >= len) ctx.fail(n, `index ${raw} out of range for axis of length ${len}`, 'BAD_ONNX');
      for (let i = 0; i < inner; i++) out.push(src[(o * len + k) * inner + i]);
    }
  }
  const dims = [...data.dims.slice(0, axis), ...idxDims, ...data.dims.slice(axis + 1)];
  ctx.setConst(n, castTo(data.dataType, dims, out));
}

function castTo(dataType: number, dims: number[], values: ArrayLike<number>): OnnxTensor {
  if (dataType === DT_FLOAT) return { name: '', dims, dataType, data: Float32Array.from(values) };
  if (dataType === DT_INT32) return { name: '', dims, dataType, data: Int32Array.from(values) };
  return { name: '', dims, dataType: DT_INT64, data: Float64Array.from(values) };
}

/** Unsqueeze and Squeeze: axes from the attribute (opset < 13) or input 1 (opset >= 13). */
export function foldSqueeze(ctx: ImportContext, n: OnnxNode, unsqueeze: boolean): void {
  const data = ctx.constant(n, 0);
  const axes = ctx.has(n, 1) ? ctx.ints(n, 1) : ctx.attrInts(n, 'axes', null);
  if (unsqueeze) {
    if (!axes) ctx.fail(n, 'Unsqueeze without axes', 'BAD_ONNX');
    const rank = data.dims.length + axes.length;
    const at = axes.map((x) => normalizeAxis(ctx, n, x, rank)).sort((p, q) => p - q);
    const dims = data.dims.slice();
    for (const x of at) dims.splice(x, 0, 1);
    ctx.setConst(n, withDims(data, dims));
    return;
  }
  const rank = data.dims.length;
  const drop = axes ? axes.map((x) => normalizeAxis(ctx, n, x, rank)) : data.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  for (const x of drop) if (data.dims[x] !== 1) ctx.fail(n, `cannot squeeze axis ${x} of size ${data.dims[x]}`, 'BAD_ONNX');
  ctx.setConst(n, withDims(data, data.dims.filter((_, i) => !drop.includes(i))));
}

export function foldConcat(ctx: ImportContext, n: OnnxNode): void {
  const parts = n.inputs.map((_, i) => ctx.constant(n, i));
  const rank = parts[0].dims.length;
  const axis = normalizeAxis(ctx, n, ctx.attrInt(n, 'axis', 0), rank);
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= parts[0].dims[d];
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      if (p.dims.length !== rank || p.dims.some((d, i) => i !== axis && d !== parts[0].dims[i])) {
        ctx.fail(n, `constant inputs [${p.dims.join(', ')}] and [${parts[0].dims.join(', ')}] do not concatenate along axis ${axis}`, 'BAD_ONNX');
      }
      const chunk = p.data.length / outer;
      for (let i = 0; i < chunk; i++) out.push(p.data[o * chunk + i]);
    }
  }
  const dims = parts[0].dims.slice();
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis], 0);
  ctx.setConst(n, castTo(parts[0].dataType, dims, out));
}

export function foldCast(ctx: ImportContext, n: OnnxNode): void {
  const data = ctx.constant(n, 0);
  const to = ctx.attrInt(n, 'to', 0);
  if (to !== DT_FLOAT && to !== DT_INT32 && to !== DT_INT64) ctx.fail(n, `Cast to ${dataTypeName(to)} is not supported`);
  const src = tensorToFloat32(data);
  const values = to === DT_FLOAT ? src : Array.from(data.data as ArrayLike<number>, (v) => Math.trunc(v));
  ctx.setConst(n, castTo(to, data.dims, values));
}

/** Reshape or Flatten of a constant: only the dims change. */
export function foldReshape(ctx: ImportContext, n: OnnxNode, dims: number[]): void {
  ctx.setConst(n, withDims(ctx.constant(n, 0), dims));
}

/** Transpose of a constant (e.g. a weight stored [in, out] and transposed before MatMul). */
export function foldTranspose(ctx: ImportContext, n: OnnxNode): void {
  const data = ctx.constant(n, 0);
  const rank = data.dims.length;
  const perm = ctx.attrInts(n, 'perm', null) ?? data.dims.map((_, i) => rank - 1 - i);
  if (perm.length !== rank || perm.slice().sort((a, b) => a - b).some((p, i) => p !== i)) {
    ctx.fail(n, `perm ${JSON.stringify(perm)} is not a permutation of ${rank} axes`, 'BAD_ONNX');
  }
  const dims = perm.map((p) => data.dims[p]);
  const inStrides = new Array<number>(rank).fill(1);
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * data.dims[d + 1];
  const out: number[] = new Array<number>(data.data.length);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d] * inStrides[perm[d]];
    out[i] = data.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
  ctx.setConst(n, castTo(data.dataType, dims, out));
}
