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
import { bnAlloc, bnSimd, type BnSimd } from './batchnorm-simd.js';

/** Float offsets of a layer's regions in the SIMD instance's memory. */
interface Region { cap: number; x: number; y: number; par: number; sums: number }

/** Larger activations (per thread, per layer) stay on the JS path rather than grow wasm memory further. */
const MAX_SIMD_FLOATS = 1 << 24;
/** Eval-mode forwards (test-set chunks larger than a training shard) go through the region in pieces of about this many floats. */
const EVAL_PIECE = 1 << 19;

/** The per-thread region dY/dX pass through in backward (shared by every layer). */
let io: { s: BnSimd; at: number; cap: number } | null = null;
function ioRegion(s: BnSimd, total: number): number {
  if (!io || io.s !== s || io.cap < total) io = { s, at: bnAlloc(s, total), cap: total };
  return io.at;
}

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
  /** The training forward's input (the previous layer's output, which it keeps until its next forward). */
  private input: Float32Array = new Float32Array(0);
  private mean = new Float32Array(0);
  private scale = new Float32Array(0);
  private shift = new Float32Array(0);
  private coefX = new Float32Array(0);
  private coefK = new Float32Array(0);
  /** Whether the last training forward ran the WebAssembly SIMD passes (batchnorm-simd.ts). */
  private simdUsed = false;
  private simdRegion: Region | null = null;
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
    this.mean = new Float32Array(C);
    this.scale = new Float32Array(C);
    this.shift = new Float32Array(C);
    this.coefX = new Float32Array(C);
    this.coefK = new Float32Array(C);
    this.sums = new Float64Array(2 * C + 1);
    return s.slice();
  }

  /** out = clamp(x * scale[c] + shift[c]) over NHWC data. */
  private affine(x: Float32Array, out: Float32Array, total: number, scale: Float32Array, shift: Float32Array): void {
    const C = this.C, blk = blockOf(C);
    for (let i0 = 0; i0 < total; i0 += blk) {
      const i1 = Math.min(i0 + blk, total);
      for (let c = 0; c < C; c++) {
        const a = scale[c], t = shift[c];
        if (this.activation === null) {
          for (let i = i0 + c; i < i1; i += C) out[i] = x[i] * a + t;
        } else if (this.activation === 'relu') {
          for (let i = i0 + c; i < i1; i += C) { const v = x[i] * a + t; out[i] = 0.5 * (v + Math.abs(v)); }
        } else {
          for (let i = i0 + c; i < i1; i += C) out[i] = relu6(x[i] * a + t);
        }
      }
    }
  }

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0];
    this.evalInput = null;
    this.simdUsed = false;
    const C = this.C;
    const total = ctx.batch * this.perSample;
    const out = this.out.get(total);
    const g = this.gamma.data, b = this.beta.data;
    if (!ctx.training) {
      const scale = this.scale, shift = this.shift;
      for (let c = 0; c < C; c++) {
        this.invStd[c] = 1 / Math.sqrt(this.runningVar[c] + this.eps);
        scale[c] = g[c] * this.invStd[c];
        shift[c] = b[c] - this.runningMean[c] * scale[c];
      }
      const simd = C % 4 === 0 ? bnSimd() : null;
      const r = simd ? this.region(simd, Math.min(total, EVAL_PIECE - EVAL_PIECE % this.perSample || this.perSample)) : null;
      if (simd && r) this.affineSimd(simd, r, x, out, total, scale, shift);
      else this.affine(x, out, total, scale, shift);
      this.evalInput = x;
      return out;
    }
    // Sums of x and x^2 per channel (float64: a 100k-element sum of squares in float32 loses digits).
    const s = this.sums;
    s.fill(0);
    const simd = C % 4 === 0 ? bnSimd() : null;
    const r = simd ? this.region(simd, total) : null;
    if (simd && r) {
      simd.f32.set(x.subarray(0, total), r.x);
      this.simdSums(simd, r, total, (p, n) => simd.stats(4 * (r.x + p), n, 4 * C, 4 * r.sums));
    } else {
      statSums(x, total, C, s);
    }
    this.simdUsed = !!r;
    s[2 * C] = total / C;
    ctx.collective.allReduceSum(s);
    const count = s[2 * C];
    this.count = count;
    const mean = this.mean, scale = this.scale, shift = this.shift;
    for (let c = 0; c < C; c++) {
      const m = s[c] / count;
      const v = Math.max(s[C + c] / count - m * m, 0);
      mean[c] = m;
      this.invStd[c] = 1 / Math.sqrt(v + this.eps);
      scale[c] = g[c] * this.invStd[c];
      shift[c] = b[c] - m * scale[c];
      if (ctx.sampleOffset === 0) {
        // One shard (the first) owns the running statistics; the result is the same on every shard.
        const unbiased = count > 1 ? v * count / (count - 1) : v;
        this.runningMean[c] = (1 - this.momentum) * this.runningMean[c] + this.momentum * m;
        this.runningVar[c] = (1 - this.momentum) * this.runningVar[c] + this.momentum * unbiased;
      }
    }
    // xhat is not stored: backward recomputes it from the input, which the layer before keeps.
    this.input = x;
    if (simd && r) this.affineSimd(simd, r, null, out, total, scale, shift);
    else this.affine(x, out, total, scale, shift);
    return out;
  }

  /** out = clamp(x * scale + shift) through the SIMD pass: x already in the region when null (the
   *  training forward, whose x and y backward reads there), else copied in piece by piece. */
  private affineSimd(simd: BnSimd, r: Region, x: Float32Array | null, out: Float32Array, total: number, scale: Float32Array, shift: Float32Array): void {
    const C = this.C, mem = simd.f32;
    mem.set(scale, r.par);
    mem.set(shift, r.par + C);
    mem.fill(this.activation === null ? -Infinity : 0, r.par + 3 * C, r.par + 3 * C + 4);
    mem.fill(this.hi, r.par + 3 * C + 4, r.par + 3 * C + 8);
    const step = blockOf(C), piece = x ? r.cap : total;
    for (let q = 0; q < total; q += piece) {
      const len = Math.min(piece, total - q);
      if (x) mem.set(x.subarray(q, q + len), r.x);
      for (let p = 0; p < len; p += step) simd.affine(4 * (r.x + p), 4 * (r.y + p), Math.min(step, len - p) / C, 4 * C, 4 * r.par);
      out.set(mem.subarray(r.y, r.y + len), q);
    }
  }

  /** This layer's own regions of the SIMD instance's memory (x and y of the last training forward
   *  stay there for backward), reallocated when a larger batch arrives; null past MAX_SIMD_FLOATS. */
  private region(s: BnSimd, total: number): Region | null {
    if (this.simdRegion && this.simdRegion.cap >= total) return this.simdRegion;
    if (total > MAX_SIMD_FLOATS) return null;
    const C = this.C;
    this.simdRegion = { cap: total, x: bnAlloc(s, total), y: bnAlloc(s, total), par: bnAlloc(s, 3 * C + 8), sums: bnAlloc(s, 4 * C) };
    return this.simdRegion;
  }

  /** Zeroes the float64 sums in wasm memory, runs `pass` over cache-sized runs of pixels and
   *  copies the sums into this.sums[0 .. 2C). */
  private simdSums(simd: BnSimd, r: Region, total: number, pass: (p: number, pixels: number) => void): void {
    const C = this.C, at = r.sums / 2; // float64 index
    simd.f64.fill(0, at, at + 2 * C);
    const step = blockOf(C);
    for (let p = 0; p < total; p += step) pass(p, Math.min(step, total - p) / C);
    const s = this.sums, f64 = simd.f64;
    for (let i = 0; i < 2 * C; i++) s[i] = f64[at + i];
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
    const x = this.input;
    const y = this.activation === null ? null : this.out.get(total);
    const s = this.sums;
    s.fill(0);
    // Per channel: sum(dy) and sum(dy * x) with dy masked by the fused clamp (y saturated -> 0);
    // sum(dy * xhat) = invStd * (sum(dy * x) - mean * sum(dy)).
    const simd = this.simdUsed ? bnSimd()! : null, r = this.simdRegion!;
    let io = 0;
    if (simd) {
      io = ioRegion(simd, total);
      simd.f32.set(dYout.subarray(0, total), io);
      this.simdSums(simd, r, total, (p, n) => simd.gsums(4 * (io + p), 4 * (r.y + p), 4 * (r.x + p), n, 4 * C, 4 * r.par, 4 * r.sums));
    } else {
      gradSums(dYout, y, this.hi, x, total, C, s);
    }
    const mean = this.mean;
    for (let c = 0; c < C; c++) s[C + c] = this.invStd[c] * (s[C + c] - mean[c] * s[c]);
    // Parameter gradients take this shard's share only: shards' gradients are summed afterwards.
    const gg = this.gamma.grad, gb = this.beta.grad;
    for (let c = 0; c < C; c++) {
      gb[c] += s[c];
      gg[c] += s[C + c];
    }
    ctx.collective.allReduceSum(s); // every shard calls it, even without an input gradient
    if (!need[0]) return [null];
    // dx = gamma * invStd / N * (N * dy - sum(dy) - xhat * sum(dy * xhat)), xhat = (x - mean) * invStd:
    // dx = a * dy + b * x + k with per-channel a, b, k.
    const N = this.count;
    const A = this.scale, B = this.coefX, K = this.coefK;
    const g = this.gamma.data;
    for (let c = 0; c < C; c++) {
      const inv = this.invStd[c];
      const a = g[c] * inv;
      const meanDy = s[c] / N, meanDyXhat = s[C + c] / N;
      A[c] = a;
      B[c] = -a * meanDyXhat * inv;
      K[c] = -a * meanDy + a * meanDyXhat * inv * mean[c];
    }
    const dX = this.dX.get(total);
    if (simd) {
      const mem = simd.f32;
      mem.set(A, r.par);
      mem.set(B, r.par + C);
      mem.set(K, r.par + 2 * C);
      const step = blockOf(C);
      // In place: each element's dx overwrites its dy.
      for (let p = 0; p < total; p += step) {
        simd.dx(4 * (io + p), 4 * (r.y + p), 4 * (r.x + p), 4 * (io + p), Math.min(step, total - p) / C, 4 * C, 4 * r.par);
      }
      dX.set(mem.subarray(io, io + total));
      return [dX];
    }
    inputGradient(dYout, y, this.hi, x, dX, total, C, A, B, K);
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

// The per-channel passes run channel-outer over cache-sized blocks of whole pixels, so each
// channel's constants and running sums stay in registers (a pixel-outer loop over 8-64 channels
// re-reads and re-stores them for every element, which cost more than the arithmetic).

/** Elements per block: whole pixels, about 16 KB. */
function blockOf(C: number): number {
  return C * Math.max(1, Math.floor(4096 / C));
}

/** s[c] += sum of x, s[C + c] += sum of x^2 over channel c (float64). */
function statSums(x: Float32Array, total: number, C: number, s: Float64Array): void {
  const blk = blockOf(C);
  for (let i0 = 0; i0 < total; i0 += blk) {
    const i1 = Math.min(i0 + blk, total);
    for (let c = 0; c < C; c++) {
      let a = 0, q = 0;
      for (let i = i0 + c; i < i1; i += C) { const v = x[i]; a += v; q += v * v; }
      s[c] += a; s[C + c] += q;
    }
  }
}

/** With d = dY masked by the fused clamp (0 where y <= 0 or y >= hi; no mask when y is null):
 *  s[c] += sum of d, s[C + c] += sum of d * x over channel c (float64). */
function gradSums(dY: Float32Array, y: Float32Array | null, hi: number, x: Float32Array, total: number, C: number, s: Float64Array): void {
  const blk = blockOf(C);
  for (let i0 = 0; i0 < total; i0 += blk) {
    const i1 = Math.min(i0 + blk, total);
    for (let c = 0; c < C; c++) {
      let a = 0, q = 0;
      if (y === null) {
        for (let i = i0 + c; i < i1; i += C) { const d = dY[i]; a += d; q += d * x[i]; }
      } else {
        for (let i = i0 + c; i < i1; i += C) {
          const v = y[i];
          const d = dY[i] * (+(v > 0) * +(v < hi));
          a += d; q += d * x[i];
        }
      }
      s[c] += a; s[C + c] += q;
    }
  }
}

/** dX = A[c] * d + B[c] * x + K[c], d as in gradSums. */
function inputGradient(dY: Float32Array, y: Float32Array | null, hi: number, x: Float32Array, dX: Float32Array, total: number, C: number,
  A: Float32Array, B: Float32Array, K: Float32Array): void {
  const blk = blockOf(C);
  for (let i0 = 0; i0 < total; i0 += blk) {
    const i1 = Math.min(i0 + blk, total);
    for (let c = 0; c < C; c++) {
      const a = A[c], b = B[c], k = K[c];
      if (y === null) {
        for (let i = i0 + c; i < i1; i += C) dX[i] = a * dY[i] + b * x[i] + k;
      } else {
        for (let i = i0 + c; i < i1; i += C) {
          const v = y[i];
          dX[i] = a * (dY[i] * (+(v > 0) * +(v < hi))) + b * x[i] + k;
        }
      }
    }
  }
}
