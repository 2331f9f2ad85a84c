// Passes never mutate the caller's model: they copy the weight blob once and append any new
// parameter (a folded conv weight, a synthetic 1x1 depthwise kernel) at its end, so every ParamRef
// of an untouched node stays valid.
import { TinyconvError } from '../format/errors.js';
import type { FloatModel, GraphNode, ParamRef } from '../graph/types.js';

export class WeightBuilder {
  private chunks: Float32Array[] = [];
  private length: number;

  constructor(private readonly base: Float32Array) {
    this.length = base.length;
  }

  /** Appends `values` and returns the reference to them. */
  append(values: Float32Array, shape: number[]): ParamRef {
    const ref = { offset: this.length, shape: shape.slice() };
    this.chunks.push(values);
    this.length += values.length;
    return ref;
  }

  build(): Float32Array {
    if (this.chunks.length === 0) return this.base;
    const out = new Float32Array(this.length);
    out.set(this.base, 0);
    let at = this.base.length;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** A node's parameter as a view into the blob, refused when it lies outside the blob. */
export function readParam(model: FloatModel, node: GraphNode, key: string): Float32Array {
  const ref = node.params[key];
  if (!ref) throw new TinyconvError('MISSING_PARAM', `node '${node.name}' (${node.op}) has no '${key}' parameter`);
  let n = 1;
  for (const d of ref.shape) n *= d;
  if (!Number.isInteger(ref.offset) || ref.offset < 0 || ref.offset + n > model.weights.length) {
    throw new TinyconvError('BAD_PARAM', `node '${node.name}' (${node.op}): parameter '${key}' [${ref.offset}, +${n}) lies outside the weight blob of ${model.weights.length} floats`);
  }
  return model.weights.subarray(ref.offset, ref.offset + n);
}

/** A node's optional parameter, or null. */
export function readOptionalParam(model: FloatModel, node: GraphNode, key: string): Float32Array | null {
  return node.params[key] ? readParam(model, node, key) : null;
}

/** Number of nodes reading each tensor (the graph output counts as one extra reader). */
export function readerCounts(model: FloatModel): Record<string, number> {
  const counts: Record<string, number> = Object.create(null);
  for (const node of model.graph.nodes) for (const t of node.inputs) counts[t] = (counts[t] ?? 0) + 1;
  counts[model.graph.output] = (counts[model.graph.output] ?? 0) + 1;
  return counts;
}

/** Copies a node so a pass can edit it without touching the caller's graph. */
export function cloneNode(node: GraphNode): GraphNode {
  return {
    name: node.name,
    op: node.op,
    inputs: node.inputs.slice(),
    output: node.output,
    attrs: { ...node.attrs },
    params: { ...node.params },
  };
}
