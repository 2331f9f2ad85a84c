import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/random.js';
import { Conv2d } from '../../src/train/layers/conv2d.js';
import { BatchNorm } from '../../src/train/layers/batchnorm.js';
import { HardSigmoid, HardSwish, LeakyRelu, PRelu, Relu, Relu6, Sigmoid, Tanh } from '../../src/train/layers/activations.js';
import { AvgPool, GlobalAvgPool, MaxPool } from '../../src/train/layers/pool.js';
import { Dense } from '../../src/train/layers/dense.js';
import { Add, Concat, Dropout, Flatten, LogSoftmax, Mul } from '../../src/train/layers/shape-ops.js';
import { nllLoss, softmaxCrossEntropy } from '../../src/train/losses.js';
import { ctxFor, gradCheckLayer, randomArray } from './gradcheck.js';

const TOL = 2e-3;

function expectGood(r: { worst: number; where: string }): void {
  expect(r.worst, r.where).toBeLessThan(TOL);
}

describe('finite-difference gradient checks', () => {
  it('conv2d: plain, bias, stride, asymmetric padding, dilation', () => {
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 3, kernel: 3, padding: 1 }), [[5, 5, 2]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 4, kernel: [3, 2], stride: 2, padding: [1, 0, 2, 1], bias: false }), [[6, 5, 3]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 2, kernel: 3, dilation: 2, padding: 2 }), [[5, 5, 2]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 5, kernel: 1 }), [[3, 3, 4]])); // pointwise fast path
  });

  it('conv2d: groups and depthwise (fast and generic paths)', () => {
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 4, kernel: 3, padding: 1, groups: 2 }), [[4, 4, 6]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 3, kernel: 3, padding: 1, stride: 2, groups: 3 }), [[5, 5, 3]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 3, kernel: 3, padding: 1, stride: 2, groups: 3, generic: true }), [[5, 5, 3]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 6, kernel: 3, padding: 1, groups: 3 }), [[4, 4, 3]])); // multiplier 2
  });

  it('depthwise fast paths (3x3 specialised, generic direct) equal the im2col path, forward and backward', () => {
    const rng = new Rng(5);
    const cases: Array<{ k: number; stride: number; padding: [number, number, number, number]; H: number }> = [
      { k: 3, stride: 2, padding: [1, 1, 0, 0], H: 7 }, { k: 3, stride: 1, padding: [1, 1, 1, 1], H: 6 },
      { k: 3, stride: 2, padding: [1, 1, 1, 1], H: 8 }, { k: 5, stride: 1, padding: [2, 2, 2, 2], H: 6 },
    ];
    for (const { k, stride, padding, H } of cases) {
      const C = 8, n = 3;
      const x = randomArray(n * H * H * C, rng);
      const results = [false, true].map((generic) => {
        const c = new Conv2d({ outChannels: C, kernel: k, stride, padding, groups: C, generic });
        c.setup([[H, H, C]], new Rng(9));
        const out = Float32Array.from(c.forward([x], ctxFor(n)));
        const dY = randomArray(out.length, new Rng(11));
        const dX = Float32Array.from(c.backward(dY, [true], ctxFor(n))[0]!);
        return { out, dX, gw: Float32Array.from(c.weight.grad), gb: Float32Array.from(c.bias!.grad) };
      });
      for (const key of ['out', 'dX', 'gw', 'gb'] as const) {
        const [a, b] = [results[0][key], results[1][key]];
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `k${k} s${stride} ${key}[${i}]`).toBeLessThan(1e-4);
      }
    }
  });

  it('batchnorm in training mode (batch statistics) and eval mode (running statistics)', () => {
    expectGood(gradCheckLayer(new BatchNorm(), [[3, 3, 4]], { batch: 3 }));
    expectGood(gradCheckLayer(new BatchNorm(), [[5]], { batch: 4 }));
    // Fused clamp: about half of the normalised outputs fall below 0 and are cut.
    for (const activation of ['relu', 'relu6'] as const) expectGood(gradCheckLayer(new BatchNorm({ activation }), [[2, 2, 3]], { batch: 3, eps: 1e-3 }));
    const bn = new BatchNorm({ momentum: 0.5 });
    expectGood(gradCheckLayer(bn, [[2, 2, 3]], { batch: 2, training: false }));
  });

  it('activations', () => {
    const kinks = { awayFrom: [0, 6, -3, 3] };
    for (const make of [() => new Relu(), () => new Relu6(), () => new LeakyRelu(0.1), () => new Sigmoid(), () => new Tanh(),
      () => new HardSwish(), () => new HardSigmoid(), () => new PRelu(), () => new PRelu(true)]) {
      const scaled = gradCheckLayer(make(), [[2, 2, 3]], { ...kinks, inputs: [randomArray(24, new Rng(3), 5, kinks.awayFrom)] });
      expectGood(scaled);
    }
  });

  it('pooling: max (with padding), average (padding excluded), global average', () => {
    // Distinct values (a permutation) so max pooling has no ties.
    const perm = (n: number) => { const a = randomArray(n, new Rng(8)); return a.map((_, i) => ((i * 37) % n) / n - 0.5); };
    expectGood(gradCheckLayer(new MaxPool({ kernel: 2 }), [[4, 4, 3]], { inputs: [perm(96)], eps: 1e-3 }));
    expectGood(gradCheckLayer(new MaxPool({ kernel: 3, stride: 1, padding: 1 }), [[4, 4, 2]], { inputs: [perm(64)], eps: 1e-3 }));
    expectGood(gradCheckLayer(new AvgPool({ kernel: 3, stride: 2, padding: 1 }), [[5, 5, 2]]));
    expectGood(gradCheckLayer(new AvgPool({ kernel: 2 }), [[4, 4, 3]]));
    expectGood(gradCheckLayer(new GlobalAvgPool(), [[3, 3, 4]]));
  });

  it('dense, flatten, dropout', () => {
    expectGood(gradCheckLayer(new Dense({ units: 5 }), [[2, 2, 3]], { batch: 3 }));
    expectGood(gradCheckLayer(new Dense({ units: 7, bias: false }), [[9]], { batch: 5 }));
    expectGood(gradCheckLayer(new Flatten(), [[2, 2, 3]]));
    expectGood(gradCheckLayer(new Dropout(0.4), [[20]], { batch: 3 }));
  });

  it('add, concat, mul (same shape and channel broadcast), log-softmax', () => {
    expectGood(gradCheckLayer(new Add(), [[2, 2, 3], [2, 2, 3]]));
    expectGood(gradCheckLayer(new Concat(), [[2, 2, 3], [2, 2, 1], [2, 2, 2]]));
    expectGood(gradCheckLayer(new Mul(), [[2, 2, 3], [2, 2, 3]]));
    expectGood(gradCheckLayer(new Mul(), [[3, 2, 4], [1, 1, 4]]));
    expectGood(gradCheckLayer(new LogSoftmax(), [[6]], { batch: 3 }));
  });

  it('softmax cross-entropy and NLL losses', () => {
    const rng = new Rng(4);
    const K = 5, rows = 3, labels = [1, 4, 0];
    for (const lossFn of [softmaxCrossEntropy, nllLoss]) {
      const z = randomArray(rows * K, rng, 2);
      const grad = new Float32Array(rows * K);
      lossFn(z, labels, 0, rows, K, rows, grad);
      const L = () => lossFn(z, labels, 0, rows, K, rows, null).lossSum / rows;
      for (let i = 0; i < z.length; i++) {
        const k = z[i];
        z[i] = k + 1e-2; const lp = L();
        z[i] = k - 1e-2; const lm = L();
        z[i] = k;
        expect(Math.abs((lp - lm) / 2e-2 - grad[i])).toBeLessThan(1e-3);
      }
    }
  });

  it('dropout is inverted in training and the identity in eval', () => {
    const d = new Dropout(0.5);
    d.setup([[1000]]);
    const x = new Float32Array(1000).fill(1);
    const y = d.forward([x], ctxFor(1, true));
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(400);
    expect(zeros).toBeLessThan(600);
    expect(y.every((v) => v === 0 || v === 2)).toBe(true);
    expect(d.forward([x], ctxFor(1, false))).toBe(x);
  });

  it('batchnorm updates running statistics with momentum and the unbiased variance', () => {
    const bn = new BatchNorm({ momentum: 0.1 });
    bn.setup([[1]], new Rng(1));
    bn.forward([new Float32Array([1, 3])], ctxFor(2));
    expect(bn.runningMean[0]).toBeCloseTo(0.2, 6);
    expect(bn.runningVar[0]).toBeCloseTo(0.9 + 0.1 * 2, 6); // unbiased var of {1, 3} is 2
  });
});
