import { describe, it, expect } from 'vitest';
import { inferShapes } from '../../src/graph/shapes.js';
import { countLayers } from '../../src/graph/count.js';
import { buildModel } from './build.js';

const conv = (outC: number, inC: number, k: number, attrs = {}) => ({
  op: 'conv2d' as const, attrs, params: { weight: { shape: [outC, k, k, inC], data: Array(outC * k * k * inC).fill(0.1) },
    bias: { shape: [outC], data: Array(outC).fill(0) } } });

describe('inferShapes', () => {
  it('a small LeNet-like stack', () => {
    const m = buildModel([28, 28, 1], [
      conv(6, 1, 5, { padding: [2, 2, 2, 2] }), { op: 'relu' }, { op: 'maxPool', attrs: { kernel: [2, 2] } },
      conv(16, 6, 5), { op: 'avgPool', attrs: { kernel: [2, 2] } }, { op: 'flatten' },
      { op: 'dense', params: { weight: { shape: [10, 400], data: Array(4000).fill(0) } } }, { op: 'softmax' },
    ]);
    expect(inferShapes(m.graph)).toEqual({
      input: [28, 28, 1], n0: [28, 28, 6], n1: [28, 28, 6], n2: [14, 14, 6], n3: [10, 10, 16], n4: [5, 5, 16],
      n5: [400], n6: [10], n7: [10],
    });
    const c = countLayers(m.graph);
    expect(c.layers[0]).toEqual({ name: 'n0', op: 'conv2d', outputShape: [28, 28, 6], params: 156, macs: 28 * 28 * 6 * 25 });
    expect(c.layers[3].macs).toBe(10 * 10 * 16 * 150);
    expect(c.layers[6]).toMatchObject({ params: 4000, macs: 4000 });
    expect(c.totalParams).toBe(156 + 16 * 151 + 4000);
    expect(c.totalMacs).toBe(28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 4000);
  });
  it('stride, dilation and ceil mode sizes', () => {
    const m = buildModel([7, 7, 2], [conv(4, 2, 3, { stride: [2, 2], dilation: [2, 2] }),
      { op: 'maxPool', attrs: { kernel: [2, 2], ceilMode: true } }]);
    expect(inferShapes(m.graph).n0).toEqual([2, 2, 4]);
    expect(inferShapes(m.graph).n1).toEqual([1, 1, 4]);
  });
  it('conv weight mismatch names the node and both shapes', () => {
    const m = buildModel([8, 8, 3], [{ ...conv(4, 2, 3), name: 'stem' }]);
    expect(() => inferShapes(m.graph)).toThrow(/node 'stem' \(conv2d\): weight has shape \[4, 3, 3, 2\], expected \[4, 3, 3, 3\]/);
  });
  it('dense input mismatch names the node and both shapes', () => {
    const m = buildModel([2, 2, 3], [{ name: 'fc', op: 'dense', params: { weight: { shape: [5, 10], data: Array(50).fill(0) } } }]);
    expect(() => inferShapes(m.graph)).toThrow(/node 'fc' \(dense\): weight has shape \[5, 10\], expected \[5, 12\] for input \[2, 2, 3\]/);
  });
  it('add of different shapes names both', () => {
    const m = buildModel([4], [{ op: 'flatten' }, { op: 'reshape', attrs: { shape: [2, 2] } }, { name: 'sum', op: 'add', inputs: ['n0', 'n1'] }]);
    expect(() => inferShapes(m.graph)).toThrow(/node 'sum' \(add\): input shapes differ: \[4\] and \[2, 2\]/);
  });
  it('unknown op and undefined tensors are named', () => {
    const m = buildModel([4], [{ op: 'relu', name: 'act' }]);
    (m.graph.nodes[0] as { op: string }).op = 'gelu';
    expect(() => inferShapes(m.graph)).toThrow(/node 'act' has unknown op 'gelu'/);
    const n = buildModel([4], [{ op: 'relu', name: 'act', inputs: ['nowhere'] }]);
    expect(() => inferShapes(n.graph)).toThrow(/'act' \(relu\) reads tensor 'nowhere'/);
  });
  it('absurdly large tensors are refused before anything is allocated', () => {
    const m = buildModel([8192, 8192, 3], [{ op: 'relu' }]);
    expect(() => inferShapes(m.graph)).toThrow(/tensor 'input' of shape \[8192, 8192, 3\] has 201326592 elements/);
    const up = buildModel([2048, 2048, 10], [{ op: 'concat', inputs: ['input', 'input'], name: 'big' }]);
    expect(() => inferShapes(up.graph)).toThrow(/tensor 'big' of shape \[2048, 2048, 20\]/);
  });
  it('a kernel larger than the padded input is refused', () => {
    const m = buildModel([2, 2, 1], [{ op: 'maxPool', name: 'p', attrs: { kernel: [3, 3] } }]);
    expect(() => inferShapes(m.graph)).toThrow(/node 'p' \(maxPool\): kernel \[3, 3\]/);
  });
});
