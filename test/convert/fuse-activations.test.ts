import { describe, expect, it } from 'vitest';
import { fuseActivations, fusedInterval } from '../../src/convert/fuse-activations.js';
import { dropIdentity } from '../../src/convert/drop-identity.js';
import { executeFloat } from '../../src/graph/execute.js';
import { GraphBuilder, maxAbsDiff, randomInput, rng } from './graph-builder.js';

describe('fuseActivations', () => {
  it('moves relu6 into the conv clamp and keeps the activation output name', () => {
    const g = new GraphBuilder([4, 4, 2]);
    const c = g.conv('input', 2, 3, 3, { padding: [1, 1, 1, 1] });
    const r = g.add('relu6', [c], {}, {}, 'r6');
    const model = g.build(g.add('globalAvgPool', [r]));
    const fused = fuseActivations(model);
    expect(fused.graph.nodes.map((n) => n.op)).toEqual(['conv2d', 'globalAvgPool']);
    const conv = fused.graph.nodes[0];
    expect(conv.output).toBe('r6');
    expect(fusedInterval(conv)).toEqual({ min: 0, max: 6 });
    expect(conv.attrs.fusedActivation).toBe('relu6');
    expect(fused.graph.nodes[1].inputs).toEqual(['r6']);
    expect(model.graph.nodes[0].attrs.fusedMin).toBeUndefined();
  });

  it('intersects chained activations and fuses into pools, add and dense', () => {
    const g = new GraphBuilder([4, 4, 2]);
    let t = g.add('maxPool', ['input'], { kernel: [2, 2] });
    t = g.add('relu', [t]);
    t = g.add('clip', [t], { min: -1, max: 3 });
    const a = g.add('add', [t, t]);
    const b = g.add('clip', [a], { min: -2 });
    const f = g.add('flatten', [b]);
    const d = g.dense(f, 8, 3);
    const model = g.build(g.add('relu', [d]));
    const nodes = fuseActivations(model).graph.nodes;
    expect(nodes.map((n) => n.op)).toEqual(['maxPool', 'add', 'flatten', 'dense']);
    expect(fusedInterval(nodes[0])).toEqual({ min: 0, max: 3 });
    expect(nodes[0].attrs.fusedActivation).toBe('clip(0, 3)');
    expect(fusedInterval(nodes[1])).toEqual({ min: -2, max: Infinity });
    expect(fusedInterval(nodes[3])).toEqual({ min: 0, max: Infinity });
    expect(nodes[3].output).toBe(model.graph.output);
  });

  it('leaves an activation alone when its producer cannot clamp or has another reader', () => {
    const g = new GraphBuilder([4, 4, 2]);
    const c = g.conv('input', 2, 2, 1);
    const r = g.add('relu', [c]); // c is also read by the concat
    const cat = g.add('concat', [r, c]);
    const model = g.build(g.add('relu6', [cat])); // concat has no clamp
    expect(fuseActivations(model).graph.nodes.map((n) => n.op)).toEqual(['conv2d', 'relu', 'concat', 'relu6']);
  });
});

describe('dropIdentity', () => {
  it('removes dropout in the middle and at the end without changing the function', () => {
    const g = new GraphBuilder([6]);
    let t = g.dense('input', 6, 4);
    t = g.add('dropout', [t], { rate: 0.5 });
    t = g.dense(t, 4, 3);
    t = g.add('dropout', [t], { rate: 0.1 }, {}, 'out');
    const model = g.build(t);
    const dropped = dropIdentity(model);
    expect(dropped.graph.nodes.map((n) => n.op)).toEqual(['dense', 'dense']);
    expect(dropped.graph.output).toBe('out');
    const x = randomInput([6], rng(3));
    expect(maxAbsDiff(executeFloat(model, x), executeFloat(dropped, x))).toBe(0);
  });

  it('makes the dropout input the graph output when another node also reads it', () => {
    const g = new GraphBuilder([6]);
    const d = g.dense('input', 6, 4);
    g.add('relu', [d]); // a second reader of d (dead code, but present)
    const model = g.build(g.add('dropout', [d], {}, {}, 'out'));
    const dropped = dropIdentity(model);
    expect(dropped.graph.output).toBe(d);
    expect(dropped.graph.nodes.map((n) => n.op)).toEqual(['dense', 'relu']);
  });

  it('lets an activation behind a dropout fuse once the dropout is gone', () => {
    const g = new GraphBuilder([6]);
    const d = g.dense('input', 6, 4);
    const model = g.build(g.add('relu6', [g.add('dropout', [d])]));
    const nodes = fuseActivations(dropIdentity(model)).graph.nodes;
    expect(nodes.map((n) => n.op)).toEqual(['dense']);
    expect(fusedInterval(nodes[0])).toEqual({ min: 0, max: 6 });
  });
});
