// Builds small float models in tests: parameters are given inline and packed into one blob.
import type { FloatModel, GraphNode, OpName } from '../../src/graph/types.js';

export interface NodeSpec {
  op: OpName;
  attrs?: GraphNode['attrs'];
  params?: Record<string, { shape: number[]; data: number[] }>;
  /** Defaults to the previous node's output (or the graph input). */
  inputs?: string[];
  name?: string;
}

export function buildModel(inputShape: number[], specs: NodeSpec[]): FloatModel {
  const weights: number[] = [];
  let prev = 'input';
  const nodes: GraphNode[] = specs.map((s, i) => {
    const params: GraphNode['params'] = {};
    for (const [key, p] of Object.entries(s.params ?? {})) {
      params[key] = { offset: weights.length, shape: p.shape };
      weights.push(...p.data);
    }
    const name = s.name ?? `n${i}`;
    const node: GraphNode = { name, op: s.op, inputs: s.inputs ?? [prev], output: name, attrs: s.attrs ?? {}, params };
    prev = name;
    return node;
  });
  return {
    graph: {
      format: 'tinyconv-float', version: 1, name: 'test', input: { name: 'input', shape: inputShape },
      preprocess: { pixelScale: 1 / 255, mean: [0], std: [1] }, labels: [], nodes, output: prev, weights: 'test.bin',
    },
    weights: new Float32Array(weights),
  };
}

export function range(n: number, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

export function expectClose(actual: Float32Array, expected: number[], tol = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (got [${Array.from(actual).join(', ')}])`);
    }
  }
}
