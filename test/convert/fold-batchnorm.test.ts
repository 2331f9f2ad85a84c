import { describe, expect, it } from 'vitest';
import { executeFloat } from '../../src/graph/execute.js';
import { foldBatchNorm } from '../../src/convert/fold-batchnorm.js';
import { GraphBuilder, maxAbsDiff, randomInput, rng } from './graph-builder.js';
import type { FloatModel } from '../../src/graph/types.js';

function expectSameFunction(a: FloatModel, b: FloatModel, seed = 7): number {
  const r = rng(seed);
  let worst = 0;
  for (let i = 0; i < 5; i++) {
    const x = randomInput(a.graph.input.shape, r);
    worst = Math.max(worst, maxAbsDiff(executeFloat(a, x), executeFloat(b, x)));
  }
  expect(worst).toBeLessThan(1e-5);
  return worst;
}

describe('foldBatchNorm', () => {
  it('folds into a conv (plain and depthwise) and a dense, leaving no batchnorm', () => {
    const g = new GraphBuilder([6, 6, 3]);
    let t = g.conv('input', 3, 4, 3, { padding: [1, 1, 1, 1] });
    t = g.batchnorm(t, 4);
    t = g.conv(t, 4, 4, 3, { groups: 4 });
    t = g.batchnorm(t, 4);
    t = g.add('flatten', [t]);
    t = g.dense(t, 64, 5);
    t = g.batchnorm(t, 5);
    const model = g.build(t);
    const folded = foldBatchNorm(model);
    expect(folded.graph.nodes.map((n) => n.op)).toEqual(['conv2d', 'conv2d', 'flatten', 'dense']);
    expect(folded.graph.output).toBe(model.graph.output);
    expectSameFunction(model, folded);
    // The caller's model is untouched.
    expect(model.graph.nodes.filter((n) => n.op === 'batchnorm')).toHaveLength(3);
  });

  it('turns a batchnorm without a foldable producer into a 1x1 depthwise conv', () => {
    const g = new GraphBuilder([4, 4, 3]);
    let t = g.batchnorm('input', 3); // after the graph input
    const c = g.conv(t, 3, 3, 1);
    const side = g.add('relu', [c]); // c has two readers: the batchnorm cannot fold into it
    t = g.batchnorm(c, 3);
    t = g.add('add', [t, side]);
    t = g.add('maxPool', [t], { kernel: [2, 2] });
    t = g.batchnorm(t, 3); // after a pool
    const model = g.build(t);
    const folded = foldBatchNorm(model);
    const ops = folded.graph.nodes.map((n) => `${n.op}${n.attrs.groups ?? ''}`);
    expect(ops).toEqual(['conv2d3', 'conv2d', 'relu', 'conv2d3', 'add', 'maxPool', 'conv2d3']);
    expectSameFunction(model, folded);
  });

  it('views a vector batchnorm as [1, 1, N] around its depthwise conv', () => {
    const g = new GraphBuilder([8]);
    const d = g.dense('input', 8, 6);
    const side = g.add('relu', [d]);
    const bn = g.batchnorm(d, 6);
    const model = g.build(g.add('add', [bn, side]));
    const folded = foldBatchNorm(model);
    expect(folded.graph.nodes.map((n) => n.op)).toEqual(['dense', 'relu', 'reshape', 'conv2d', 'reshape', 'add']);
    expectSameFunction(model, folded);
  });

  it('refuses a non-positive variance + eps, naming the node', () => {
    const g = new GraphBuilder([2, 2, 1]);
    const t = g.add('batchnorm', ['input'], { eps: 0 }, {
      gamma: g.param([1], [1]), beta: g.param([0], [1]), mean: g.param([0], [1]), variance: g.param([0], [1]),
    }, 'bad_bn');
    expect(() => foldBatchNorm(g.build(t))).toThrow(/bad_bn.*not positive/);
  });
});
