// State of one ONNX import: what each ONNX value name stands for (a constant known at import time,
// or a tensor of our NHWC graph), the nodes emitted so far and the weight blob being built.
//
// Layout mapping: an ONNX activation of rank 4 [1, C, H, W] is our [H, W, C]; rank 3 [1, C, W]
// (NCW) is our [1, W, C]; rank 2 [1, F] is our [F]; rank 1 [F] (no batch) is our [F]. A rank-2 value made by flattening a [C, H, W] feature map holds its elements in our (HWC)
// order, not ONNX's (CHW); `chw` records that so a following dense layer or per-feature constant
// can be permuted to match.
import { TinyconvError } from '../format/errors.js';
import type { GraphNode, OpName, ParamRef } from '../graph/types.js';
import { nodeOutputShape } from '../graph/shapes.js';
import type { OnnxAttribute, OnnxNode } from './model-proto.js';
import { tensorToFloat32, tensorToInts, type OnnxTensor } from './tensor-proto.js';

export interface TensorValue {
  kind: 'tensor';
  /** Our tensor name. */
  name: string;
  /** Our shape: [H, W, C] or [F]. */
  shape: number[];
  /** The ONNX rank (4 NCHW, 3 NCW, 2 [1, F], 1 [F]). */
  rank: number;
  /** Set when the elements are a CHW feature map flattened in HWC order (see above). */
  chw: [number, number, number] | null;
}

export interface ConstValue {
  kind: 'const';
  tensor: OnnxTensor;
}

/** The output of a zero-valued Pad over H and W: not a tensor of its own; a following Conv (or an
 *  AveragePool that counts padding) absorbs it into its own padding. */
export interface PaddedValue {
  kind: 'padded';
  source: TensorValue;
  /** [top, left, bottom, right] */
  pads: number[];
  padNode: string;
}

export type Value = TensorValue | ConstValue | PaddedValue;

/** The ONNX shape (batch 1) of one of our tensors. */
export function onnxShapeOf(v: TensorValue): number[] {
  const s = v.shape;
  if (v.rank === 4) return [1, s[2], s[0], s[1]];
  if (v.rank === 3) return [1, s[2], s[1]];
  return v.rank === 2 ? [1, s[0]] : [s[0]];
}

/** Our shape for an ONNX shape (batch 1 except for rank 1). */
export function ourShapeOf(onnx: number[]): number[] {
  if (onnx.length === 4) return [onnx[2], onnx[3], onnx[1]];
  if (onnx.length === 3) return [1, onnx[2], onnx[1]];
  return onnx.length === 2 ? [onnx[1]] : [onnx[0]];
}

/** Reorders a CHW-ordered vector (ONNX flatten order) into HWC order (ours). */
export function chwToHwc(values: ArrayLike<number>, chw: [number, number, number]): Float32Array {
  const [C, H, W] = chw;
  const out = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) out[p * C + c] = values[c * H * W + p];
  }
  return out;
}

export class ImportContext {
  readonly values = new Map<string, Value>();
  readonly nodes: GraphNode[] = [];
  readonly opset: number;
  readonly source: string;
  private chunks: Float32Array[] = [];
  private size = 0;
  private used = new Set<string>();

  constructor(opset: number, source: string) {
    this.opset = opset;
    this.source = source;
  }

  fail(n: OnnxNode, message: string, code = 'UNSUPPORTED_ONNX'): never {
    const name = n.name ? `'${n.name}' ` : '';
    throw new TinyconvError(code, `${this.source}: node ${name}(${n.opType}, byte offset ${n.offset}): ${message}`);
  }

  /** Reserves a unique tensor/node name derived from `base`. */
  uniqueName(base: string): string {
    let name = base || 'node';
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Any value, including a pending Pad (only Conv, AveragePool and aliases take those). */
  getAny(n: OnnxNode, i: number): Value {
    const name = n.inputs[i];
    if (name === undefined || name === '') this.fail(n, `input ${i} is missing`);
    const v = this.values.get(name);
    if (!v) return this.fail(n, `input ${i} '${name}' is not produced by any earlier node, initializer or graph input`, 'BAD_ONNX');
    return v;
  }

  get(n: OnnxNode, i: number): TensorValue | ConstValue {
    const v = this.getAny(n, i);
    if (v.kind === 'padded') {
      return this.fail(n, `input ${i} comes from Pad '${v.padNode}' with non-zero padding, which only a following Conv or AveragePool can absorb`);
    }
    return v;
  }

  has(n: OnnxNode, i: number): boolean {
    return n.inputs[i] !== undefined && n.inputs[i] !== '';
  }

  tensor(n: OnnxNode, i: number): TensorValue {
    const v = this.get(n, i);
    if (v.kind !== 'tensor') this.fail(n, `input ${i} '${n.inputs[i]}' is a constant where a computed tensor is expected`);
    return v;
  }

  /** A tensor input, possibly behind a zero Pad: returns the tensor and the padding to absorb. */
  paddedTensor(n: OnnxNode, i: number): { x: TensorValue; pads: number[] } {
    const v = this.getAny(n, i);
    if (v.kind === 'padded') return { x: v.source, pads: v.pads };
    return { x: this.tensor(n, i), pads: [0, 0, 0, 0] };
  }

  constant(n: OnnxNode, i: number): OnnxTensor {
    const v = this.get(n, i);
    if (v.kind !== 'const') return this.fail(n, `input ${i} '${n.inputs[i]}' must be a constant (initializer or Constant), but is computed at run time`);
    return v.tensor;
  }

  floats(n: OnnxNode, i: number): Float32Array {
    const t = this.constant(n, i);
    const f = tensorToFloat32(t);
    for (let k = 0; k < f.length; k++) {
      if (!Number.isFinite(f[k])) this.fail(n, `constant '${n.inputs[i]}' element ${k} is ${f[k]}`, 'NON_FINITE_WEIGHT');
    }
    return f;
  }

  ints(n: OnnxNode, i: number): number[] {
    return tensorToInts(this.constant(n, i), `${this.source}: node '${n.name}' (${n.opType})`);
  }

  setConst(n: OnnxNode, tensor: OnnxTensor, output = 0): void {
    this.values.set(n.outputs[output], { kind: 'const', tensor: { ...tensor, name: n.outputs[output] } });
  }

  alias(n: OnnxNode, v: Value): void {
    this.values.set(n.outputs[0], v);
  }

  addParam(data: ArrayLike<number>, shape: number[]): ParamRef {
    const ref = { offset: this.size, shape };
    const copy = Float32Array.from(data);
    this.chunks.push(copy);
    this.size += copy.length;
    return ref;
  }

  /** Appends one of our nodes computing ONNX output 0 of `n`; checks shapes with the graph's rules. */
  emit(n: OnnxNode, op: OpName, inputs: TensorValue[], attrs: GraphNode['attrs'],
    params: Record<string, { data: ArrayLike<number>; shape: number[] }>, chw: [number, number, number] | null = null,
    rank = inputs[0].rank): TensorValue {
    const name = this.uniqueName(n.name || n.outputs[0] || n.opType);
    const node: GraphNode = { name, op, inputs: inputs.map((v) => v.name), output: name, attrs, params: {} };
    for (const [key, p] of Object.entries(params)) node.params[key] = this.addParam(p.data, p.shape);
    let shape: number[];
    try {
      shape = nodeOutputShape(node, inputs.map((v) => v.shape));
    } catch (e) {
      this.fail(n, `mapped to ${op}: ${(e as Error).message}`);
    }
    this.nodes.push(node);
    const out: TensorValue = { kind: 'tensor', name, shape, chw, rank };
    this.values.set(n.outputs[0], out);
    return out;
  }

  weights(): Float32Array {
    const out = new Float32Array(this.size);
    let pos = 0;
    for (const c of this.chunks) { out.set(c, pos); pos += c.length; }
    return out;
  }

  // Attribute accessors with ONNX defaults.
  attr(n: OnnxNode, name: string): OnnxAttribute | undefined {
    return n.attributes.find((a) => a.name === name);
  }

  attrInt(n: OnnxNode, name: string, fallback: number): number {
    const a = this.attr(n, name);
    return a && a.i !== undefined ? a.i : fallback;
  }

  attrFloat(n: OnnxNode, name: string, fallback: number): number {
    const a = this.attr(n, name);
    return a && a.f !== undefined ? a.f : fallback;
  }

  attrInts(n: OnnxNode, name: string, fallback: number[] | null): number[] | null {
    const a = this.attr(n, name);
    return a && a.ints.length > 0 ? a.ints : fallback;
  }

  attrString(n: OnnxNode, name: string, fallback: string): string {
    const a = this.attr(n, name);
    return a && a.s !== undefined ? a.s : fallback;
  }
}
