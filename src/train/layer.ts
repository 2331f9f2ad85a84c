// What every layer implements. Layers work on a whole (shard of a) mini-batch at once: inputs are
// NHWC Float32Arrays of `ctx.batch` samples whose per-sample shapes were fixed by `setup`.
// A layer never modifies its inputs; it may return one of them as its output (flatten does).
import type { GraphNode, ParamRef } from '../graph/types.js';
import type { Rng } from '../data/random.js';
import type { Param } from './tensor.js';

/** Sums a small per-shard vector across data-parallel shards, in place, in a fixed order (so every
 *  shard gets the identical result). Single-threaded training uses the identity. */
export interface Collective {
  allReduceSum(values: Float64Array): void;
}

export const SOLO: Collective = { allReduceSum: () => {} };

export interface Context {
  training: boolean;
  /** Samples in this shard. */
  batch: number;
  /** Global index of this shard's first sample in the mini-batch (seeds per-sample dropout masks,
   *  so splitting a batch across workers draws the same masks as one thread would). */
  sampleOffset: number;
  /** Changes every optimisation step (seed-derived); dropout mixes it into its masks. */
  stepSeed: number;
  collective: Collective;
}

export interface ExportContext {
  /** Appends a parameter's values to the weight blob (optionally re-laid out) and returns its ref. */
  addParam(values: Float32Array, shape: number[]): ParamRef;
}

export interface Layer {
  /** Short op name, e.g. 'conv2d'. */
  readonly kind: string;
  readonly params: Param[];
  /** Non-trained state saved with the model (batchnorm running statistics). */
  readonly buffers: Float32Array[];
  /** Fixes per-sample input shapes, allocates and initialises parameters; returns the output shape. */
  setup(inputShapes: number[][], rng: Rng): number[];
  forward(inputs: Float32Array[], ctx: Context): Float32Array;
  /** Given dLoss/dOutput, accumulates parameter gradients and returns dLoss/dInput for each input
   *  (null where `needInput[i]` is false). Uses what the last forward saved. */
  backward(gradOut: Float32Array, needInput: boolean[], ctx: Context): (Float32Array | null)[];
  /** The float-graph node(s) for this layer (most layers are one node). */
  exportNodes(name: string, inputs: string[], output: string, ex: ExportContext): GraphNode[];
}

/** A node for a layer without parameters. */
export function plainNode(name: string, op: GraphNode['op'], inputs: string[], output: string,
  attrs: GraphNode['attrs'] = {}): GraphNode {
  return { name, op, inputs, output, attrs, params: {} };
}
