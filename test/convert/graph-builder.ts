// Hand-built float graphs for the converter tests: a tiny builder with seeded random weights.
import type { FloatModel, GraphNode, OpName, ParamRef } from '../../src/graph/types.js';

/** mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class GraphBuilder {
  private weights: number[] = [];
  readonly nodes: GraphNode[] = [];
  readonly random: () => number;
  private count = 0;

  constructor(readonly inputShape: number[], seed = 1, readonly inputName = 'input') {
    this.random = rng(seed);
  }

  param(values: ArrayLike<number>, shape: number[]): ParamRef {
    const ref = { offset: this.weights.length, shape };
    for (let i = 0; i < values.length; i++) this.weights.push(values[i]);
    return ref;
  }

  /** Uniform random values in [lo, hi). */
  randomValues(n: number, lo = -1, hi = 1): number[] {
    return Array.from({ length: n }, () => lo + (hi - lo) * this.random());
  }

  randomParam(shape: number[], lo = -1, hi = 1): ParamRef {
    return this.param(this.randomValues(shape.reduce((a, b) => a * b, 1), lo, hi), shape);
  }

  add(op: OpName, inputs: string[], attrs: GraphNode['attrs'] = {}, params: GraphNode['params'] = {}, name?: string): string {
    const n = name ?? `${op}${this.count++}`;
    this.nodes.push({ name: n, op, inputs, output: n, attrs, params });
    return n;
  }

  conv(x: string, inC: number, outC: number, k: number, attrs: GraphNode['attrs'] = {}, scale = 0.5): string {
    const groups = typeof attrs.groups === 'number' ? attrs.groups : 1;
    return this.add('conv2d', [x], { kernel: [k, k], ...attrs }, {
      weight: this.randomParam([outC, k, k, inC / groups], -scale, scale),
      bias: this.randomParam([outC], -0.2, 0.2),
    });
  }

  batchnorm(x: string, c: number): string {
    return this.add('batchnorm', [x], { eps: 1e-3 }, {
      gamma: this.randomParam([c], 0.5, 1.5),
      beta: this.randomParam([c], -0.5, 0.5),
      mean: this.randomParam([c], -0.3, 0.3),
      variance: this.randomParam([c], 0.2, 2),
    });
  }

  dense(x: string, inN: number, units: number, scale = 0.3): string {
    return this.add('dense', [x], { units }, {
      weight: this.randomParam([units, inN], -scale, scale),
      bias: this.randomParam([units], -0.1, 0.1),
    });
  }

  build(output: string, name = 'test'): FloatModel {
    return {
      graph: {
        format: 'tinyconv-float', version: 1, name,
        input: { name: this.inputName, shape: this.inputShape },
        preprocess: { pixelScale: 1 / 255, mean: [0], std: [1] },
        labels: [], nodes: this.nodes.map((n) => ({ ...n })), output, weights: `${name}.bin`,
      },
      weights: Float32Array.from(this.weights),
    };
  }
}

export function randomInput(shape: number[], random: () => number, lo = -1, hi = 1): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * random();
  return x;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
