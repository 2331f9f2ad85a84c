// quantizeGraph: a calibrated float model in, an int8 ModelSpec (planned, ready to write) out.
//
//  1. refuse non-finite weights; fold batchnorms, drop dropout, fuse relu/relu6/clip into clamps;
//  2. drop nodes the graph output does not depend on, so the last op writes the model output;
//  3. give every tensor its quantization: calibrated range (fused ReLU6 -> exactly [0, 6]), fixed
//     ranges where the op dictates one (softmax, sigmoid, tanh...), shared groups where the op
//     cannot rescale (share-quantization.ts);
//  4. lower each node to one or more int8 ops (lower-conv.ts, lower-ops.ts), then plan the arena.
// The math is derived in docs/convert.md.
import { TinyconvError } from '../format/errors.js';
import { planArena } from '../format/plan.js';
import type { ModelSpec } from '../format/schema.js';
import { inferShapes } from '../graph/shapes.js';
import type { FloatGraph, FloatModel, GraphNode } from '../graph/types.js';
import type { Calibration, TensorRange } from './calibrate.js';
import { dropIdentity } from './drop-identity.js';
import { foldBatchNorm } from './fold-batchnorm.js';
import { activationInterval, fuseActivations, fusedInterval, isRelu6Interval } from './fuse-activations.js';
import { lowerConv, lowerDense, lowerPerChannelPrelu } from './lower-conv.js';
import {
  LOG_SOFTMAX_FLOOR, lowerAdd, lowerConcat, lowerGlobalAvgPool, lowerLogSoftmax, lowerLookupTable, lowerMul, lowerPool,
  lowerReshape, lowerSoftmax,
} from './lower-ops.js';
import { Lowering, unsupported } from './lowering.js';
import { chooseActivationQuant, type ActivationQuant } from './quant-params.js';
import { shareQuantization } from './share-quantization.js';
import { SOFTMAX_OUTPUT_QUANT } from './softmax-quant.js';
import { readParam } from './weights.js';

export interface QuantizeOptions {
  /** Per-output-channel weight scales (default true); false: one scale per weight tensor. */
  perChannel?: boolean;
}

/** Output quantizations fixed by the op rather than by calibration (as TFLite fixes them). */
function fixedQuantization(node: GraphNode): ActivationQuant | null {
  switch (node.op) {
    case 'softmax': return SOFTMAX_OUTPUT_QUANT;
    case 'sigmoid': case 'hardSigmoid': return { scale: 1 / 256, zeroPoint: -128 };
    case 'tanh': return { scale: 1 / 128, zeroPoint: 0 };
    case 'logSoftmax': return chooseActivationQuant(Math.log(LOG_SOFTMAX_FLOOR), 0);
    default: return null;
  }
}

export function checkFiniteWeights(model: FloatModel): void {
  for (const node of model.graph.nodes) {
    for (const key of Object.keys(node.params)) {
      const v = readParam(model, node, key);
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i])) {
          throw new TinyconvError('NON_FINITE_WEIGHT', `node '${node.name}' (${node.op}): parameter '${key}' has ${v[i]} at index ${i}`);
        }
      }
    }
  }
}

/** Keeps only the nodes the graph output depends on. */
function pruneDeadNodes(graph: FloatGraph): FloatGraph {
  const needed = new Set([graph.output]);
  const kept: GraphNode[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!needed.has(node.output)) continue;
    kept.push(node);
    for (const t of node.inputs) needed.add(t);
  }
  return { ...graph, nodes: kept.reverse() };
}

/** A reshape's input and output hold the same values (and share quantization anyway), so a range
 *  known for one serves the other. This covers the [1, 1, N] views foldBatchNorm puts around a
 *  vector batchnorm, which a calibration of the original graph never saw. */
function fillReshapeRanges(nodes: GraphNode[], calibrated: Record<string, TensorRange>): Record<string, TensorRange> {
  const filled: Record<string, TensorRange> = Object.assign(Object.create(null), calibrated);
  const views = nodes.filter((n) => n.op === 'reshape' || n.op === 'flatten');
  for (const n of views) if (!filled[n.output] && filled[n.inputs[0]]) filled[n.output] = filled[n.inputs[0]];
  for (let i = views.length - 1; i >= 0; i--) {
    const n = views[i];
    if (!filled[n.inputs[0]] && filled[n.output]) filled[n.inputs[0]] = filled[n.output];
  }
  return filled;
}

function tensorRanges(graph: FloatGraph, calibration: Record<string, TensorRange>): Record<string, TensorRange> {
  const calibrated = fillReshapeRanges(graph.nodes, calibration);
  const ranges: Record<string, TensorRange> = Object.create(null);
  const take = (name: string, where: string): void => {
    const r = calibrated[name];
    if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max)) {
      throw new TinyconvError('CALIBRATION_MISSING', `no calibrated range for tensor '${name}' (${where})`);
    }
    ranges[name] = { min: Math.min(r.min, 0), max: Math.max(r.max, 0) };
  };
  take(graph.input.name, 'the graph input');
  for (const node of graph.nodes) {
    take(node.output, `output of node '${node.name}'`);
    const fused = fusedInterval(node);
    const own = activationInterval(node);
    if (isRelu6Interval(fused) || (own && isRelu6Interval(own))) ranges[node.output] = { min: 0, max: 6 };
  }
  return ranges;
}

function lowerNode(ctx: Lowering, node: GraphNode): void {
  switch (node.op) {
    case 'conv2d': return lowerConv(ctx, node);
    case 'dense': return lowerDense(ctx, node);
    case 'maxPool': case 'avgPool': return lowerPool(ctx, node);
    case 'globalAvgPool': return lowerGlobalAvgPool(ctx, node);
    case 'add': return lowerAdd(ctx, node);
    case 'mul': return lowerMul(ctx, node);
    case 'concat': return lowerConcat(ctx, node);
    case 'flatten': case 'reshape': return lowerReshape(ctx, node);
    case 'softmax': return lowerSoftmax(ctx, node);
    case 'logSoftmax': return lowerLogSoftmax(ctx, node);
    case 'prelu': {
      const slope = readParam(ctx.model, node, 'slope');
      const single = slope.every((s) => s === slope[0]);
      return single ? lowerLookupTable(ctx, node, slope[0]) : lowerPerChannelPrelu(ctx, node, slope);
    }
    case 'relu': case 'relu6': case 'clip': case 'leakyRelu': case 'sigmoid': case 'tanh':
    case 'hardSwish': case 'hardSigmoid':
      return lowerLookupTable(ctx, node);
    default:
      throw unsupported(node, 'op is not supported by the int8 converter');
  }
}

export function quantizeGraph(model: FloatModel, calibration: Calibration | Record<string, TensorRange>,
  options: QuantizeOptions = {}): ModelSpec {
  checkFiniteWeights(model);
  const prepared = fuseActivations(dropIdentity(foldBatchNorm(model)));
  const graph = pruneDeadNodes(prepared.graph);
  if (graph.nodes.length === 0) throw new TinyconvError('BAD_GRAPH', `graph '${graph.name}' has no op between its input and its output`);
  const shapes = inferShapes(graph);
  const calibrated = 'ranges' in calibration && typeof calibration.ranges === 'object' && 'method' in calibration
    ? (calibration as Calibration).ranges
    : (calibration as Record<string, TensorRange>);
  const pinned: Record<string, ActivationQuant> = Object.create(null);
  for (const node of graph.nodes) {
    const q = fixedQuantization(node);
    if (q) pinned[node.output] = q;
  }
  const quant = shareQuantization(graph.nodes, tensorRanges(graph, calibrated), pinned);
  const ctx = new Lowering({ graph, weights: prepared.weights }, shapes, quant, { perChannel: options.perChannel ?? true });
  const input = ctx.tensor(graph.input.name);
  for (const node of graph.nodes) lowerNode(ctx, node);
  const spec: ModelSpec = {
    tensors: ctx.tensors,
    ops: ctx.ops,
    input,
    output: ctx.tensor(graph.output),
    arenaBytes: 0,
    preprocess: { pixelScale: graph.preprocess.pixelScale, mean: graph.preprocess.mean.slice(), std: graph.preprocess.std.slice() },
    labels: graph.labels.slice(),
    name: graph.name,
  };
  planArena(spec);
  return spec;
}
