import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/random.js';
import { Conv2d } from '../../src/train/layers/conv2d.js';
import { depthwise3x3Backward, depthwise3x3Forward, padShape, type DwShape } from '../../src/train/layers/depthwise3x3.js';
import { simdAvailable } from '../../src/train/gemm-simd.js';
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

  it('SIMD fast paths: pointwise conv through the wasm GEMM, 3x3 depthwise with C % 4 == 0 (strides 1 and 2)', () => {
    expect(simdAvailable()).toBe(true); // Node >= 20 has WebAssembly SIMD: these shapes take the wasm kernels
    // Pointwise 16 -> 8 at 4x4, batch 2: M = 32, N = 8, K = 16 (forward, dW and dX products all qualify).
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 8, kernel: 1, bias: false }), [[4, 4, 16]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 16, kernel: 1 }), [[3, 3, 8]], { batch: 5 })); // a leftover row (M = 45)
    // A 3x3 stem over one channel: forward through the transposed-weights SIMD path, dW through dW^T (K = 9).
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 8, kernel: 3, padding: 1 }), [[8, 8, 1]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 8, kernel: 3, padding: 1, groups: 8, bias: false }), [[5, 5, 8]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 8, kernel: 3, padding: 1, stride: 2, groups: 8 }), [[6, 6, 8]]));
    expectGood(gradCheckLayer(new Conv2d({ outChannels: 4, kernel: 3, padding: [1, 1, 0, 0], stride: 2, groups: 4 }), [[7, 7, 4]]));
  });

  it('3x3 depthwise: SIMD and JS kernels agree (forward, input and weight gradients)', () => {
    const rng = new Rng(21);
    for (const { stride, padding, H, C } of [
      { stride: 1, padding: [1, 1, 1, 1], H: 7, C: 16 }, { stride: 2, padding: [1, 1, 1, 1], H: 8, C: 8 },
      { stride: 2, padding: [1, 1, 0, 0], H: 7, C: 4 }, { stride: 1, padding: [0, 0, 0, 0], H: 5, C: 12 },
    ] as Array<{ stride: number; padding: [number, number, number, number]; H: number; C: number }>) {
      const n = 3;
      const oH = Math.floor((H + padding[0] + padding[2] - 3) / stride) + 1, oW = Math.floor((H + padding[1] + padding[3] - 3) / stride) + 1;
      const s: DwShape = { n, H, W: H, C, oH, oW, sh: stride, sw: stride, pt: padding[0], pl: padding[1] };
      const x = randomArray(n * H * H * C, rng), w = randomArray(9 * C, rng), bias = randomArray(C, rng), dY = randomArray(n * oH * oW * C, rng);
      const [Hp, Wp] = padShape(s);
      const results = [true, false].map((useSimd) => {
        const out = new Float32Array(n * oH * oW * C), dX = new Float32Array(n * H * H * C).fill(7), gw = new Float32Array(9 * C);
        depthwise3x3Forward(x, w, bias, out, s, new Float32Array(Hp * Wp * C), useSimd);
        depthwise3x3Backward(x, w, dY, dX, gw, s, new Float32Array(Hp * Wp * C), new Float32Array(Hp * Wp * C), useSimd);
        return { out, dX, gw };
      });
      for (const key of ['out', 'dX', 'gw'] as const) {
        const [a, b] = [results[0][key], results[1][key]];
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `s${stride} C${C} ${key}[${i}]`).toBeLessThan(1e-4);
      }
    }
  });

  it('batchnorm in training mode (batch statistics) and eval mode (running statistics)', () => {
    expectGood(gradCheckLayer(new BatchNorm(), [[3, 3, 4]], { batch: 3 }));
    expectGood(gradCheckLayer(new BatchNorm(), [[5]], { batch: 4 }));
    // Fused clamp: about half of the normalised outputs fall below 0 and are cut.
    for (const activation of ['relu', 'relu6'] as const) {
      expectGood(gradCheckLayer(new BatchNorm({ activation }), [[2, 2, 3]], { batch: 3, eps: 1e-3 }));
      expectGood(gradCheckLayer(new BatchNorm({ activation }), [[2, 2, 8]], { batch: 3, eps: 1e-3 })); // SIMD passes (C % 4 == 0)
    }
    // Larger than one channel-outer block (4096 elements): against a float64 reference of the formulas.
    // C = 8 takes the WebAssembly SIMD passes, C = 6 the JS ones.
    for (const [activation, C, n] of [[undefined, 8, 3], ['relu6', 8, 3], ['relu', 8, 3], ['relu6', 6, 5]] as const) {
      const per = 13 * 13 * C, total = n * per, rng = new Rng(8);
      const bn = new BatchNorm({ activation });
      bn.setup([[13, 13, C]], rng);
      bn.gamma.data.set(randomArray(C, rng, 2)); bn.beta.data.set(randomArray(C, rng, 3));
      const x = randomArray(total, rng, 4), dY = randomArray(total, rng);
      for (let i = 0; i < total; i++) x[i] += (i % C) - 3; // per-channel offsets
      const out = Float32Array.from(bn.forward([x], ctxFor(n)));
      const dX = bn.backward(dY, [true], ctxFor(n))[0]!;
      const N = total / C;
      for (let c = 0; c < C; c++) {
        let m = 0, v = 0;
        for (let i = c; i < total; i += C) m += x[i] / N;
        for (let i = c; i < total; i += C) v += (x[i] - m) ** 2 / N;
        const inv = 1 / Math.sqrt(v + bn.eps), g = bn.gamma.data[c], b = bn.beta.data[c];
        let sd = 0, sdh = 0;
        const d = new Map<number, number>();
        for (let i = c; i < total; i += C) {
          const h = (x[i] - m) * inv, pre = h * g + b;
          const hi = activation === 'relu6' ? 6 : Infinity;
          const y = activation ? Math.min(Math.max(pre, 0), hi) : pre;
          expect(Math.abs(out[i] - y), `${activation} out[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(y)));
          const di = activation && (pre <= 0 || pre >= hi) ? 0 : dY[i];
          d.set(i, di); sd += di; sdh += di * h;
        }
        expect(Math.abs(bn.beta.grad[c] - sd)).toBeLessThan(1e-3);
        expect(Math.abs(bn.gamma.grad[c] - sdh)).toBeLessThan(1e-3);
        for (let i = c; i < total; i += C) {
          const h = (x[i] - m) * inv;
          const want = g * inv / N * (N * d.get(i)! - sd - h * sdh);
          expect(Math.abs(dX[i] - want), `${activation} dX[${i}]`).toBeLessThan(1e-4);
        }
      }
    }
    // Eval mode over more samples than the last training forward held (the SIMD pass goes piecewise).
    {
      const C = 8, per = 5 * 5 * C, n = 2700, rng = new Rng(3); // 540k floats: more than one piece (2^19)
      const bn = new BatchNorm({ activation: 'relu6' });
      bn.setup([[5, 5, C]], rng);
      const x = randomArray(n * per, rng, 5);
      bn.forward([x.subarray(0, per)], ctxFor(1));
      bn.runningMean.set(randomArray(C, rng)); bn.runningVar.set(randomArray(C, rng, 0.5).map((v) => v + 1));
      const out = bn.forward([x], ctxFor(n, false));
      let worst = 0, where = -1;
      for (let i = 0; i < n * per; i++) {
        const c = i % C;
        const y = Math.min(Math.max((x[i] - bn.runningMean[c]) / Math.sqrt(bn.runningVar[c] + bn.eps) * bn.gamma.data[c] + bn.beta.data[c], 0), 6);
        const err = Math.abs(out[i] - y) / Math.max(1, Math.abs(y));
        if (err > worst) { worst = err; where = i; }
      }
      expect(worst, `eval out[${where}]`).toBeLessThan(1e-5);
    }
    const bn = new BatchNorm({ momentum: 0.5 });
    expectGood(gradCheckLayer(bn, [[2, 2, 3]], { batch: 2, training: false }));
    expectGood(gradCheckLayer(new BatchNorm({ activation: 'relu6' }), [[2, 2, 8]], { batch: 2, training: false, eps: 1e-3 })); // SIMD eval pass
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
