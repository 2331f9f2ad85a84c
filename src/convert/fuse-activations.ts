// fuseActivations: relu, relu6 and clip become the clamp of the op that produces their input.
//
// Every int8 op with a requantizing or pooling output (conv, depthwise, dense, add, mul, pools)
// clamps its result to [actMin, actMax] anyway, so a following clamp-shaped activation costs
// nothing: the producer records the real interval in attrs `fusedMin`/`fusedMax` (absent = no
// bound) and `fusedActivation` (for display), and takes over the activation's output name. That
// name is what calibration measured, so ranges still line up. Chains (relu then relu6) intersect.
// A producer whose output has another reader (or is the graph output) cannot absorb the clamp;
// the activation then stays a node and becomes a lookup table in quantizeGraph.
//
// The result is no longer a plain float graph (the float executor ignores the fused attrs):
// calibrate before this pass, quantize after it.
import type { FloatModel, GraphNode, OpName } from '../graph/types.js';
import { cloneNode, readerCounts } from './weights.js';

const CLAMPING_PRODUCERS: ReadonlySet<OpName> = new Set<OpName>(['conv2d', 'dense', 'add', 'mul', 'maxPool', 'avgPool', 'globalAvgPool']);

export interface RealInterval {
  min: number;
  max: number;
}

/** The real interval a clamp-shaped activation node maps onto, or null for any other op. */
export function activationInterval(node: GraphNode): RealInterval | null {
  switch (node.op) {
    case 'relu': return { min: 0, max: Infinity };
    case 'relu6': return { min: 0, max: 6 };
    case 'clip': {
      const min = node.attrs.min === undefined ? -Infinity : Number(node.attrs.min);
      const max = node.attrs.max === undefined ? Infinity : Number(node.attrs.max);
      return { min, max };
    }
    default: return null;
  }
}

/** The interval fused into a node by this pass ((-inf, inf) when none). */
export function fusedInterval(node: GraphNode): RealInterval {
  const min = node.attrs.fusedMin;
  const max = node.attrs.fusedMax;
  return { min: typeof min === 'number' ? min : -Infinity, max: typeof max === 'number' ? max : Infinity };
}

/** True when the interval is ReLU6's, whose output range is fixed to [0, 6] by the contract. */
export function isRelu6Interval(r: RealInterval): boolean {
  return r.min === 0 && r.max === 6;
}

function describe(r: RealInterval): string {
  if (r.min === 0 && r.max === Infinity) return 'relu';
  if (isRelu6Interval(r)) return 'relu6';
  return `clip(${r.min}, ${r.max})`;
}

export function fuseActivations(model: FloatModel): FloatModel {
  const graph = model.graph;
  const readers = readerCounts(model);
  const nodes: GraphNode[] = [];
  const producerAt: Record<string, number> = Object.create(null);
  for (const node of graph.nodes) {
    const interval = activationInterval(node);
    const input = node.inputs[0];
    const at = producerAt[input];
    if (interval && at !== undefined && CLAMPING_PRODUCERS.has(nodes[at].op) && readers[input] === 1) {
      const producer = cloneNode(nodes[at]);
      const before = fusedInterval(producer);
      const merged = { min: Math.max(before.min, interval.min), max: Math.min(before.max, interval.max) };
      if (merged.min > -Infinity) producer.attrs.fusedMin = merged.min;
      if (merged.max < Infinity) producer.attrs.fusedMax = merged.max;
      producer.attrs.fusedActivation = describe(merged);
      producer.output = node.output;
      nodes[at] = producer;
      delete producerAt[input];
      producerAt[node.output] = at;
      continue;
    }
    producerAt[node.output] = nodes.length;
    nodes.push(node);
  }
  return { graph: { ...graph, nodes }, weights: model.weights };
}
