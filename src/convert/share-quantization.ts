// Which tensors must share one (scale, zero point), and what that quantization is.
//
// Max/avg/global pooling, reshape and flatten copy or average int8 values without rescaling, so
// their output has exactly their input's quantization (the contract): those tensors are merged
// into one group unconditionally. Concat copies bytes too when an input already has the output's
// quantization; so, like TFLite's converter, we give each concat input the concat's quantization
// by merging the groups, and the group's range becomes the union of its members' ranges. The one
// exception is an input whose quantization is fixed by its op (softmax (1/256, -128), sigmoid,
// tanh): it keeps its own and the concat requantizes it (ConcatOp multiplier/shift).
import type { GraphNode } from '../graph/types.js';
import type { TensorRange } from './calibrate.js';
import { chooseActivationQuant, type ActivationQuant } from './quant-params.js';

const PASS_THROUGH = new Set(['maxPool', 'avgPool', 'globalAvgPool', 'reshape', 'flatten']);

export function shareQuantization(nodes: GraphNode[], ranges: Record<string, TensorRange>,
  pinned: Record<string, ActivationQuant>): Record<string, ActivationQuant> {
  const parent: Record<string, string> = Object.create(null);
  const pin: Record<string, ActivationQuant | undefined> = Object.create(null);
  const range: Record<string, TensorRange> = Object.create(null);
  const find = (t: string): string => {
    while (parent[t] !== t) {
      parent[t] = parent[parent[t]];
      t = parent[t];
    }
    return t;
  };
  for (const name of Object.keys(ranges)) {
    parent[name] = name;
    range[name] = { ...ranges[name] };
    pin[name] = pinned[name];
  }
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    parent[rb] = ra;
    range[ra] = { min: Math.min(range[ra].min, range[rb].min), max: Math.max(range[ra].max, range[rb].max) };
    pin[ra] = pin[ra] ?? pin[rb];
  };
  for (const node of nodes) if (PASS_THROUGH.has(node.op)) union(node.inputs[0], node.output);
  for (const node of nodes) {
    if (node.op !== 'concat') continue;
    for (const input of node.inputs) {
      if (pin[find(input)]) continue;
      union(node.output, input);
    }
  }
  const quant: Record<string, ActivationQuant> = Object.create(null);
  for (const name of Object.keys(parent)) {
    const r = find(name);
    quant[name] = pin[r] ?? chooseActivationQuant(range[r].min, range[r].max);
  }
  return quant;
}
