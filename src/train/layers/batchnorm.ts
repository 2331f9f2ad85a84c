// Batch normalisation over the last (channel) axis, PyTorch semantics: training normalises with the
// batch's biased variance and updates running statistics with momentum and the unbiased variance;
// eval uses the running statistics. With data-parallel shards the per-channel sums are all-reduced,
// so the statistics are those of the whole mini-batch (synchronised BN), not of each shard.
//
// An optional fused ReLU / ReLU6 clamps the output in the same pass (conv-BN-ReLU6 is most of a
// MobileNet, and one pass over the activations instead of two is most of the win). It exports as
// the two nodes it stands for, batchnorm then the activation.
import type { GraphNode } from '../../graph/types.js';
import type { Rng } from '../../data/random.js';
import type { Context, ExportContext, Layer } from '../layer.js';
import { newParam, Scratch, type Param } from '../tensor.js';
import { relu6 } from './activations.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch statistic in the running average (PyTorch's 0.1). */
  momentum?: number;
  /** Fused activation applied to the normalised output. */
  activation?: 'relu' | 'relu6';
}

export class BatchNorm implements Layer {
  readonly kind = 'batchnorm';
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  gamma!: Param;
  beta!: Param;
  runningMean: Float32Array = new Float32Array(0);
  runningVar: Float32Array = new Float32Array(0);
  readonly eps: number;
  readonly momentum: number;
  readonly activation: 'relu' | 'relu6' | null;
  /** Upper clamp of the fused activation (Infinity for ReLU, 6 for ReLU6). */
  private readonly hi: number;
  private C = 0;
  private perSample = 0;
  private xhat = new Scratch();
  private out = new Scratch();
  private dX = new Scratch();
  private dPre = new Scratch();
  private invStd = new Float64Array(0);
  private sums = new Float64Array(0);
  private count = 0;
  /** Set by an eval-mode forward: backward then differentiates the fixed affine map. */
  private evalInput: Float32Array | null = null;

  constructor(opt: BatchNormOptions = {}) {
    this.eps = opt.eps ?? 1e-5;
    this.momentum = opt.momentum ?? 0.1;
    this.activation = opt.activation ?? null;
    this.hi = this.activation === 'relu6' ? 6 : Infinity;
  }

  setup(shapes: number[][], _rng: Rng): number[] {
    const s = shapes[0];
    const C = s[s.length - 1];
    this.C = C;
    this.perSample = s.reduce((a, b) => a * b, 1);
    this.gamma = newParam('gamma', [C]);
    this.gamma.data.fill(1);
    this.beta = newParam('beta', [C]);
    this.params.push(this.gamma, this.beta);
    this.runningMean = new Float32Array(C);
    this.runningVar = new Float32Array(C).fill(1);
    this.buffers.push(this.runningMean, this.runningVar);
    this.invStd = new Float64Array(C);
    this.sums = new Float64Array(2 * C + 1);
    return s.slice();
  }

  /** out = clamp(x * scale[c] + shift[c]) over NHWC data. */
  private affine(x: Float32Array, out: Float32Array, total: number, scale: Float32Array, shift: Float32Array): void {
    const C = this.C;
    if (this.activation === null) {
      for (let i = 0; i < total; i += C) for (let c = 0; c < C; c++) out[i + c] = x[i + c] * scale[c] + shift[c];
      return;
    }
    if (this.activation === 'relu') {
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) { const v = x[i + c] * scale[c] + shift[c]; out[i + c] = 0.5 * (v + Math.abs(v)); }
      }
    } else {
      for (let i = 0; i < total; i += C) for (let c = 0; c < C; c++) out[i + c] = relu6(x[i + c] * scale[c] + shift[c]);
    }
  }

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0];
    this.evalInput = null;
    const C = this.C;
    const total = ctx.batch * this.perSample;
    const out = this.out.get(total);
    const g = this.gamma.data, b = this.beta.data;
    const scale = new Float32Array(C), shift = new Float32Array(C);
    if (!ctx.training) {
      for (let c = 0; c < C; c++) {
        this.invStd[c] = 1 / Math.sqrt(this.runningVar[c] + this.eps);
        scale[c] = g[c] * this.invStd[c];
        shift[c] = b[c] - this.runningMean[c] * scale[c];
      }
      this.affine(x, out, total, scale, shift);
      this.evalInput = x;
      return out;
    }
    // Sums of x and x^2 per channel (float64: a 100k-element sum of squares in float32 loses digits).
    const s = this.sums;
    s.fill(0);
    for (let i = 0; i < total; i += C) {
      for (let c = 0; c < C; c++) {
        const v = x[i + c];
        s[c] += v;
        s[C + c] += v * v;
      }
    }
    s[2 * C] = total / C;
    ctx.collective.allReduceSum(s);
    const count = s[2 * C];
    this.count = count;
    const mean = new Float32Array(C), inv = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      const m = s[c] / count;
      const v = Math.max(s[C + c] / count - m * m, 0);
      mean[c] = m;
      this.invStd[c] = 1 / Math.sqrt(v + this.eps);
      inv[c] = this.invStd[c];
      if (ctx.sampleOffset === 0) {
        // One shard (the first) owns the running statistics; the result is the same on every shard.
        const unbiased = count > 1 ? v * count / (count - 1) : v;
        this.runningMean[c] = (1 - this.momentum) * this.runningMean[c] + this.momentum * m;
        this.runningVar[c] = (1 - this.momentum) * this.runningVar[c] + this.momentum * unbiased;
      }
    }
    const xhat = this.xhat.get(total);
    // One loop per fused activation, so no per-element branch on the activation kind.
    if (this.activation === null) {
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) { const h = (x[i + c] - mean[c]) * inv[c]; xhat[i + c] = h; out[i + c] = h * g[c] + b[c]; }
      }
    } else if (this.activation === 'relu') {
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) {
          const h = (x[i + c] - mean[c]) * inv[c];
          xhat[i + c] = h;
          const y = h * g[c] + b[c];
          out[i + c] = 0.5 * (y + Math.abs(y));
        }
      }
    } else {
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) { const h = (x[i + c] - mean[c]) * inv[c]; xhat[i + c] = h; out[i + c] = relu6(h * g[c] + b[c]); }
      }
    }
    return out;
  }

  /** dLoss/d(pre-activation): dY where the fused clamp was not saturated, else 0. */
  private unclamped(dY: Float32Array, total: number): Float32Array {
    if (this.activation === null) return dY;
    const y = this.out.get(total), d = this.dPre.get(total), hi = this.hi;
    // Branch-free mask (see activations.ts): 1 where the clamp passed the value through.
    for (let i = 0; i < total; i++) {
      const v = y[i];
      d[i] = dY[i] * (+(v > 0) * +(v < hi));
    }
    return d;
  }

  backward(dYout: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    const C = this.C;
    const total = ctx.batch * this.perSample;
    if (this.evalInput) return [this.backwardEval(this.unclamped(dYout, total), total, need[0])];
    const xhat = this.xhat.get(total);
    const s = this.sums;
    s.fill(0);
    let dY = dYout;
    if (this.activation === null) {
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) {
          const d = dY[i + c];
          s[c] += d;
          s[C + c] += d * xhat[i + c];
        }
      }
    } else {
      // Mask by the fused clamp (branch-free, see activations.ts) in the same pass as the sums.
      const y = this.out.get(total), hi = this.hi;
      dY = this.dPre.get(total);
      for (let i = 0; i < total; i += C) {
        for (let c = 0; c < C; c++) {
          const v = y[i + c];
          const d = dYout[i + c] * (+(v > 0) * +(v < hi));
          dY[i + c] = d;
          s[c] += d;
          s[C + c] += d * xhat[i + c];
        }
      }
    }
    // Parameter gradients take this shard's share only: shards' gradients are summed afterwards.
    const gg = this.gamma.grad, gb = this.beta.grad;
    for (let c = 0; c < C; c++) {
      gb[c] += s[c];
      gg[c] += s[C + c];
    }
    ctx.collective.allReduceSum(s); // every shard calls it, even without an input gradient
    if (!need[0]) return [null];
    // dx = gamma * invStd / N * (N * dy - sum(dy) - xhat * sum(dy * xhat))
    const N = this.count;
    const k = new Float32Array(C), meanDy = new Float32Array(C), meanDyXhat = new Float32Array(C);
    const g = this.gamma.data;
    for (let c = 0; c < C; c++) {
      k[c] = g[c] * this.invStd[c];
      meanDy[c] = s[c] / N;
      meanDyXhat[c] = s[C + c] / N;
    }
    const dX = this.dX.get(total);
    for (let i = 0; i < total; i += C) {
      for (let c = 0; c < C; c++) dX[i + c] = k[c] * (dY[i + c] - meanDy[c] - xhat[i + c] * meanDyXhat[c]);
    }
    return [dX];
  }

  private backwardEval(dY: Float32Array, total: number, needX: boolean): Float32Array | null {
    const C = this.C, x = this.evalInput!, g = this.gamma.data;
    const gg = this.gamma.grad, gb = this.beta.grad;
    const dX = needX ? this.dX.get(total) : null;
    for (let i = 0; i < total; i += C) {
      for (let c = 0; c < C; c++) {
        const d = dY[i + c];
        gb[c] += d;
        gg[c] += d * (x[i + c] - this.runningMean[c]) * this.invStd[c];
        if (dX) dX[i + c] = d * g[c] * this.invStd[c];
      }
    }
    return dX;
  }

  exportNodes(name: string, inputs: string[], output: string, ex: ExportContext): GraphNode[] {
    const C = this.C;
    const bnOut = this.activation ? `${output}_bn` : output;
    const nodes: GraphNode[] = [{
      name, op: 'batchnorm', inputs, output: bnOut, attrs: { eps: this.eps },
      params: {
        gamma: ex.addParam(this.gamma.data, [C]), beta: ex.addParam(this.beta.data, [C]),
        mean: ex.addParam(this.runningMean, [C]), variance: ex.addParam(this.runningVar, [C]),
      },
    }];
    if (this.activation) nodes.push({ name: `${name}_${this.activation}`, op: this.activation, inputs: [bnOut], output, attrs: {}, params: {} });
    return nodes;
  }
}
