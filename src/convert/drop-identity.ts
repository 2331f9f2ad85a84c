// dropIdentity: dropout is the identity at inference, so remove it. Its readers read its input
// instead; when it produced the graph output, its producer is renamed to write that output.
import type { FloatModel, GraphNode } from '../graph/types.js';
import { cloneNode } from './weights.js';

/** Ops that compute nothing at inference time. */
const IDENTITY_OPS = new Set(['dropout', 'identity']);

export function dropIdentity(model: FloatModel): FloatModel {
  const graph = model.graph;
  if (!graph.nodes.some((n) => IDENTITY_OPS.has(n.op))) return model;
  // alias[t] = the tensor that really holds t's values.
  const alias: Record<string, string> = Object.create(null);
  const resolve = (t: string): string => (alias[t] === undefined ? t : resolve(alias[t]));
  const nodes: GraphNode[] = [];
  for (const node of graph.nodes) {
    if (IDENTITY_OPS.has(node.op)) {
      alias[node.output] = resolve(node.inputs[0]);
      continue;
    }
    const copy = cloneNode(node);
    copy.inputs = copy.inputs.map(resolve);
    nodes.push(copy);
  }
  let output = graph.output;
  const real = resolve(graph.output);
  if (real !== graph.output) {
    const producer = nodes.find((n) => n.output === real);
    // Keep the graph output's name when nobody else reads the identity's input; otherwise that
    // input simply becomes the graph output.
    if (producer && !nodes.some((n) => n.inputs.includes(real))) producer.output = graph.output;
    else output = real;
  }
  return { graph: { ...graph, nodes, output }, weights: model.weights };
}
