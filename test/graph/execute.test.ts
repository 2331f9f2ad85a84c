// The float executor op by op against values computed by hand (see the comments).
import { describe, it, expect } from 'vitest';
import { executeFloat, createExecutor } from '../../src/graph/execute.js';
import { buildModel, expectClose, range } from './build.js';
import * as ops from '../../src/graph/float-ops.js';
import { windowOutputSize } from '../../src/graph/shapes.js';
import type { ConvAttrs } from '../../src/graph/attrs.js';

const run = (model: ReturnType<typeof buildModel>, input: number[]) => executeFloat(model, new Float32Array(input));

describe('conv2d', () => {
  // input 3x3x1 = 0..8, kernel 2x2 [1,2,3,4], bias 1: (0,0) = 0*1+1*2+3*3+4*4 + 1 = 28, ...
  it('valid padding with bias', () => {
    const m = buildModel([3, 3, 1], [{ op: 'conv2d', attrs: { kernel: [2, 2] }, params: {
      weight: { shape: [1, 2, 2, 1], data: [1, 2, 3, 4] }, bias: { shape: [1], data: [1] } } }]);
    expectClose(run(m, range(9)), [28, 38, 58, 68]);
  });
  it('stride 2, padding 1, 3x3 ones: sums of the in-bounds 2x2 corners', () => {
    const m = buildModel([3, 3, 1], [{ op: 'conv2d', attrs: { stride: [2, 2], padding: [1, 1, 1, 1] }, params: {
      weight: { shape: [1, 3, 3, 1], data: Array(9).fill(1) } } }]);
    expectClose(run(m, range(9)), [8, 12, 20, 24]);
  });
  it('asymmetric padding changes the output size', () => {
    const m = buildModel([3, 3, 1], [{ op: 'conv2d', attrs: { padding: [0, 0, 1, 1] }, params: {
      weight: { shape: [1, 2, 2, 1], data: [1, 1, 1, 1] } } }]);
    // 3x3 output; the last row/column windows see zeros below/right.
    expectClose(run(m, range(9)), [8, 12, 7, 20, 24, 13, 13, 15, 8]);
  });
  it('dilation 2: a 2x2 kernel reads the four corners', () => {
    const m = buildModel([3, 3, 1], [{ op: 'conv2d', attrs: { dilation: [2, 2] }, params: {
      weight: { shape: [1, 2, 2, 1], data: [1, 1, 1, 1] } } }]);
    expectClose(run(m, range(9)), [16]);
  });
  it('groups 2: each output channel sees only its group of input channels', () => {
    const m = buildModel([1, 1, 4], [{ op: 'conv2d', attrs: { groups: 2 }, params: {
      weight: { shape: [2, 1, 1, 2], data: [1, 1, 1, -1] } } }]);
    expectClose(run(m, [1, 2, 3, 4]), [3, -1]);
  });
  it('depthwise with multiplier 2', () => {
    const m = buildModel([1, 1, 2], [{ op: 'conv2d', attrs: { groups: 2 }, params: {
      weight: { shape: [4, 1, 1, 1], data: [1, 2, 3, 4] } } }]);
    expectClose(run(m, [5, 7]), [5, 10, 21, 28]);
  });
});

describe('pooling', () => {
  // 4x4 input 0..15 (row-major), kernel 3, stride 2.
  it('maxPool floor vs ceil mode', () => {
    const floor = buildModel([4, 4, 1], [{ op: 'maxPool', attrs: { kernel: [3, 3], stride: [2, 2] } }]);
    expectClose(run(floor, range(16)), [10]);
    const ceil = buildModel([4, 4, 1], [{ op: 'maxPool', attrs: { kernel: [3, 3], stride: [2, 2], ceilMode: true } }]);
    expectClose(run(ceil, range(16)), [10, 11, 14, 15]);
  });
  it('avgPool ceil mode divides by the in-bounds window', () => {
    const m = buildModel([4, 4, 1], [{ op: 'avgPool', attrs: { kernel: [3, 3], stride: [2, 2], ceilMode: true } }]);
    expectClose(run(m, range(16)), [45 / 9, 39 / 6, 66 / 6, 50 / 4]);
  });
  it('avgPool padding with and without countIncludePad', () => {
    const attrs = { kernel: [2, 2], stride: [2, 2], padding: [1, 1, 1, 1] };
    expectClose(run(buildModel([2, 2, 1], [{ op: 'avgPool', attrs }]), [1, 2, 3, 4]), [1, 2, 3, 4]);
    const inc = buildModel([2, 2, 1], [{ op: 'avgPool', attrs: { ...attrs, countIncludePad: true } }]);
    expectClose(run(inc, [1, 2, 3, 4]), [0.25, 0.5, 0.75, 1]);
  });
  it('maxPool padding never wins', () => {
    const m = buildModel([2, 2, 1], [{ op: 'maxPool', attrs: { kernel: [2, 2], stride: [2, 2], padding: [1, 1, 1, 1] } }]);
    expectClose(run(m, [-1, -2, -3, -4]), [-1, -2, -3, -4]);
  });
  it('pooling is per channel', () => {
    const m = buildModel([2, 2, 2], [{ op: 'maxPool', attrs: { kernel: [2, 2] } }]);
    expectClose(run(m, [1, 8, 2, 7, 3, 6, 4, 5]), [4, 8]);
  });
  it('globalAvgPool -> [1, 1, C]', () => {
    const m = buildModel([2, 2, 2], [{ op: 'globalAvgPool' }]);
    const shapes: Record<string, number[]> = {};
    const out = executeFloat(m, new Float32Array(range(8, 1)), (n, _d, s) => { shapes[n] = s; });
    expectClose(out, [4, 5]);
    expect(shapes.n0).toEqual([1, 1, 2]);
  });
});

describe('dense, batchnorm, prelu', () => {
  it('dense: W x + b', () => {
    const m = buildModel([3], [{ op: 'dense', params: {
      weight: { shape: [2, 3], data: [1, 0, -1, 2, 2, 2] }, bias: { shape: [2], data: [0.5, -1] } } }]);
    expectClose(run(m, [1, 2, 3]), [-1.5, 11]);
  });
  it('dense reads a feature map flat in NHWC order', () => {
    const m = buildModel([1, 2, 2], [{ op: 'dense', params: { weight: { shape: [1, 4], data: [1, 10, 100, 1000] } } }]);
    expectClose(run(m, [1, 2, 3, 4]), [4321]);
  });
  it('batchnorm: (x - mean) / sqrt(var + eps) * gamma + beta', () => {
    const m = buildModel([1, 1, 2], [{ op: 'batchnorm', attrs: { eps: 1 }, params: {
      gamma: { shape: [2], data: [2, 1] }, beta: { shape: [2], data: [0, 1] },
      mean: { shape: [2], data: [1, 0] }, variance: { shape: [2], data: [3, 0.25] } } }]);
    expectClose(run(m, [1, 2]), [0, 2 / Math.sqrt(1.25) + 1]);
  });
  it('prelu with a slope per channel and a single slope', () => {
    const m = buildModel([1, 2, 2], [{ op: 'prelu', params: { slope: { shape: [2], data: [0.5, 0.25] } } }]);
    expectClose(run(m, [-1, 2, -3, -4]), [-0.5, 2, -1.5, -1]);
    const one = buildModel([2], [{ op: 'prelu', params: { slope: { shape: [1], data: [0.1] } } }]);
    expectClose(run(one, [-1, 2]), [-0.1, 2]);
  });
});

describe('elementwise activations on [-4, -1, 0, 2, 7]', () => {
  const x = [-4, -1, 0, 2, 7];
  const cases: [string, Parameters<typeof buildModel>[1][0], number[]][] = [
    ['relu', { op: 'relu' }, [0, 0, 0, 2, 7]],
    ['relu6', { op: 'relu6' }, [0, 0, 0, 2, 6]],
    ['clip', { op: 'clip', attrs: { min: -1, max: 2 } }, [-1, -1, 0, 2, 2]],
    ['clip min only', { op: 'clip', attrs: { min: 0.5 } }, [0.5, 0.5, 0.5, 2, 7]],
    ['leakyRelu', { op: 'leakyRelu', attrs: { alpha: 0.1 } }, [-0.4, -0.1, 0, 2, 7]],
    ['leakyRelu default alpha', { op: 'leakyRelu' }, [-0.04, -0.01, 0, 2, 7]],
    ['sigmoid', { op: 'sigmoid' }, x.map((v) => 1 / (1 + Math.exp(-v)))],
    ['tanh', { op: 'tanh' }, x.map(Math.tanh)],
    ['hardSwish', { op: 'hardSwish' }, [0, -1 / 3, 0, 10 / 6, 7]],
    ['hardSigmoid', { op: 'hardSigmoid' }, [0, 1 / 3, 0.5, 5 / 6, 1]],
    ['hardSigmoid alpha/beta', { op: 'hardSigmoid', attrs: { alpha: 0.2, beta: 0.4 } }, [0, 0.2, 0.4, 0.8, 1]],
    ['dropout', { op: 'dropout', attrs: { rate: 0.5 } }, x],
    ['softmax', { op: 'softmax' }, x.map((v) => Math.exp(v) / x.reduce((s, u) => s + Math.exp(u), 0))],
    ['logSoftmax', { op: 'logSoftmax' }, x.map((v) => v - Math.log(x.reduce((s, u) => s + Math.exp(u), 0)))],
  ];
  for (const [name, spec, expected] of cases) {
    it(name, () => expectClose(run(buildModel([5], [spec]), x), expected));
  }
  it('softmax is over the last axis of a feature map', () => {
    const m = buildModel([1, 2, 2], [{ op: 'softmax' }]);
    const e = 1 / (1 + Math.exp(1));
    expectClose(run(m, [0, 1, 5, 5]), [e, 1 - e, 0.5, 0.5]);
  });
});

describe('multi-input and shape ops', () => {
  it('add of two branches', () => {
    const m = buildModel([3], [{ op: 'relu' }, { op: 'add', inputs: ['input', 'n0'] }]);
    expectClose(run(m, [-1, 2, 3]), [-1, 4, 6]);
  });
  it('mul broadcasts a [1, 1, C] gate over [H, W, C] (squeeze-excite)', () => {
    const m = buildModel([1, 2, 2], [{ op: 'globalAvgPool' }, { op: 'mul', inputs: ['input', 'n0'] }]);
    expectClose(run(m, [1, 2, 3, 4]), [2, 6, 6, 12]);
  });
  it('concat along channels (default) and along height', () => {
    const ch = buildModel([1, 1, 2], [{ op: 'relu' }, { op: 'concat', inputs: ['input', 'n0'] }]);
    expectClose(run(ch, [1, -2]), [1, -2, 1, 0]);
    const rows = buildModel([1, 2, 1], [{ op: 'relu' }, { op: 'concat', attrs: { axis: 0 }, inputs: ['input', 'n0'] }]);
    expectClose(run(rows, [1, -2]), [1, -2, 1, 0]);
    const cols = buildModel([2, 1, 1], [{ op: 'relu' }, { op: 'concat', attrs: { axis: 1 }, inputs: ['input', 'n0'] }]);
    expectClose(run(cols, [1, -2]), [1, 1, -2, 0]);
  });
  it('flatten and reshape keep the data and change the shape', () => {
    const shapes: Record<string, number[]> = {};
    const m = buildModel([2, 2, 1], [{ op: 'flatten' }, { op: 'reshape', attrs: { shape: [-1, 2] } }]);
    const out = executeFloat(m, new Float32Array([1, 2, 3, 4]), (n, _d, s) => { shapes[n] = s; });
    expectClose(out, [1, 2, 3, 4]);
    expect(shapes).toEqual({ input: [2, 2, 1], n0: [4], n1: [2, 2] });
  });
  it('createExecutor reuses its plan and refuses a wrong input size', () => {
    const exec = createExecutor(buildModel([2], [{ op: 'relu' }]));
    expectClose(exec(new Float32Array([-1, 1])), [0, 1]);
    expectClose(exec(new Float32Array([3, -3])), [3, 0]);
    expect(() => exec(new Float32Array(3))).toThrow(/expects 2 input values.*got 3/);
  });
});

describe('conv2d fast paths equal the generic reference', () => {
  let seed = 42;
  const rand = () => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) / 16777216 - 0.5; };
  const randInt = (lo: number, hi: number) => lo + Math.floor((rand() + 0.5) * (hi - lo + 1));
  it('on 60 random shapes (groups 1, depthwise with multipliers, grouped)', () => {
    for (let trial = 0; trial < 60; trial++) {
      const kind = trial % 3;
      const groups = kind === 0 ? 1 : kind === 1 ? randInt(1, 4) : 2;
      const inC = kind === 1 ? groups : groups * randInt(1, 3);
      const outC = groups * randInt(1, 3);
      const kh = randInt(1, 3);
      const kw = randInt(1, 3);
      const a: ConvAttrs = {
        kernel: [kh, kw], stride: [randInt(1, 2), randInt(1, 2)], dilation: [randInt(1, 2), randInt(1, 2)], groups,
        padding: [randInt(0, kh - 1), randInt(0, kw - 1), randInt(0, kh - 1), randInt(0, kw - 1)],
      };
      const inShape = [randInt(3, 7), randInt(3, 7), inC];
      const outShape = [
        windowOutputSize(inShape[0], kh, a.stride[0], a.padding[0], a.padding[2], a.dilation[0], false),
        windowOutputSize(inShape[1], kw, a.stride[1], a.padding[1], a.padding[3], a.dilation[1], false), outC];
      if (outShape[0] <= 0 || outShape[1] <= 0) continue;
      const x = Float32Array.from({ length: inShape[0] * inShape[1] * inC }, rand);
      const w = Float32Array.from({ length: outC * kh * kw * (inC / groups) }, rand);
      const b = Float32Array.from({ length: outC }, rand);
      expect(Array.from(ops.conv2d(x, inShape, outShape, a, w, b)), JSON.stringify({ a, inShape, outShape }))
        .toEqual(Array.from(ops.conv2dGeneric(x, inShape, outShape, a, w, b)));
    }
  });
});
