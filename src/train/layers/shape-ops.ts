// Layers that move or combine data without parameters: flatten, dropout, add, mul, concat.
import type { GraphNode } from '../../graph/types.js';
import { Rng } from '../../data/random.js';
import { TinyconvError } from '../../format/errors.js';
import type { Context, ExportContext, Layer } from '../layer.js';
import { plainNode } from '../layer.js';
import { Scratch, type Param } from '../tensor.js';

abstract class NoParams {
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
}

/** [H, W, C] -> [H*W*C]. NHWC data is already in flatten order: the output is the input array. */
export class Flatten extends NoParams implements Layer {
  readonly kind = 'flatten';
  setup(shapes: number[][]): number[] {
    return [shapes[0].reduce((a, b) => a * b, 1)];
  }
  forward(inputs: Float32Array[]): Float32Array {
    return inputs[0];
  }
  backward(dY: Float32Array, need: boolean[]): (Float32Array | null)[] {
    return [need[0] ? dY : null];
  }
  exportNodes(name: string, inputs: string[], output: string): GraphNode[] {
    return [plainNode(name, 'flatten', inputs, output)];
  }
}

/** Inverted dropout: zeroes a fraction `rate` of activations while training and scales the rest by
 *  1 / (1 - rate); the identity in eval. Masks come from a PRNG seeded per (step, sample, layer), so
 *  they do not depend on how a batch is split across worker threads. */
export class Dropout extends NoParams implements Layer {
  readonly kind = 'dropout';
  private size = 0;
  private mask = new Scratch();
  private out = new Scratch();
  private dX = new Scratch();
  private salt = 0;
  private active = false;

  constructor(readonly rate: number, salt = 0) {
    super();
    if (!(rate >= 0 && rate < 1)) throw new TinyconvError('TRAIN_BAD_OPTION', `dropout rate must be in [0, 1), got ${rate}`);
    this.salt = salt;
  }
  setup(shapes: number[][]): number[] {
    this.size = shapes[0].reduce((a, b) => a * b, 1);
    return shapes[0].slice();
  }
  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    this.active = ctx.training && this.rate > 0;
    if (!this.active) return inputs[0];
    const x = inputs[0], n = ctx.batch, S = this.size, keep = 1 - this.rate, scale = 1 / keep;
    const mask = this.mask.get(n * S), out = this.out.get(n * S);
    for (let b = 0; b < n; b++) {
      const rng = new Rng((ctx.stepSeed ^ Math.imul(ctx.sampleOffset + b + 1, 0x9e3779b1) ^ Math.imul(this.salt + 1, 0x85ebca77)) >>> 0);
      for (let i = b * S; i < (b + 1) * S; i++) {
        const m = rng.next() < keep ? scale : 0;
        mask[i] = m;
        out[i] = x[i] * m;
      }
    }
    return out;
  }
  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    if (!need[0]) return [null];
    if (!this.active) return [dY];
    const n = ctx.batch * this.size, mask = this.mask.get(n), dX = this.dX.get(n);
    for (let i = 0; i < n; i++) dX[i] = dY[i] * mask[i];
    return [dX];
  }
  exportNodes(name: string, inputs: string[], output: string): GraphNode[] {
    return [plainNode(name, 'dropout', inputs, output, { rate: this.rate })];
  }
}

/** Residual sum of two equally shaped tensors. */
export class Add extends NoParams implements Layer {
  readonly kind = 'add';
  private size = 0;
  private out = new Scratch();
  setup(shapes: number[][]): number[] {
    const [a, b] = shapes;
    if (shapes.length !== 2 || a.join() !== b.join()) {
      throw new TinyconvError('TRAIN_BAD_SHAPE', `add needs two equal shapes, got ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')}`);
    }
    this.size = a.reduce((x, y) => x * y, 1);
    return a.slice();
  }
  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const [a, b] = inputs, n = ctx.batch * this.size, out = this.out.get(n);
    for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    return out;
  }
  backward(dY: Float32Array, need: boolean[]): (Float32Array | null)[] {
    return [need[0] ? dY : null, need[1] ? dY : null];
  }
  exportNodes(name: string, inputs: string[], output: string): GraphNode[] {
    return [plainNode(name, 'add', inputs, output)];
  }
}

/** x * s where s has x's shape or is [1, 1, C] (a per-channel gate: squeeze-and-excite). */
export class Mul extends NoParams implements Layer {
  readonly kind = 'mul';
  private size = 0;
  private C = 0;
  private broadcast = false;
  private a: Float32Array = new Float32Array(0);
  private b: Float32Array = new Float32Array(0);
  private out = new Scratch();
  private dA = new Scratch();
  private dB = new Scratch();
  setup(shapes: number[][]): number[] {
    const [a, b] = shapes;
    this.C = a[a.length - 1];
    this.size = a.reduce((x, y) => x * y, 1);
    const bSize = b.reduce((x, y) => x * y, 1);
    this.broadcast = bSize !== this.size;
    if (this.broadcast && !(bSize === this.C && b[b.length - 1] === this.C)) {
      throw new TinyconvError('TRAIN_BAD_SHAPE', `mul: [${b.join(', ')}] neither matches nor broadcasts over [${a.join(', ')}]`);
    }
    return a.slice();
  }
  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const [a, b] = inputs;
    this.a = a; this.b = b;
    const n = ctx.batch, S = this.size, C = this.C, out = this.out.get(n * S);
    if (!this.broadcast) {
      for (let i = 0; i < n * S; i++) out[i] = a[i] * b[i];
      return out;
    }
    for (let s = 0; s < n; s++) {
      for (let i = s * S; i < (s + 1) * S; i += C) for (let c = 0; c < C; c++) out[i + c] = a[i + c] * b[s * C + c];
    }
    return out;
  }
  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    const n = ctx.batch, S = this.size, C = this.C, a = this.a, b = this.b;
    const dA = need[0] ? this.dA.get(n * S) : null;
    if (!this.broadcast) {
      const dB = need[1] ? this.dB.get(n * S) : null;
      for (let i = 0; i < n * S; i++) {
        if (dA) dA[i] = dY[i] * b[i];
        if (dB) dB[i] = dY[i] * a[i];
      }
      return [dA, dB];
    }
    const dB = need[1] ? this.dB.zeroed(n * C) : null;
    for (let s = 0; s < n; s++) {
      for (let i = s * S; i < (s + 1) * S; i += C) {
        for (let c = 0; c < C; c++) {
          if (dA) dA[i + c] = dY[i + c] * b[s * C + c];
          if (dB) dB[s * C + c] += dY[i + c] * a[i + c];
        }
      }
    }
    return [dA, dB];
  }
  exportNodes(name: string, inputs: string[], output: string): GraphNode[] {
    return [plainNode(name, 'mul', inputs, output)];
  }
}

/** Concatenation along channels (the last axis): Inception branches, DenseNet growth. */
export class Concat extends NoParams implements Layer {
  readonly kind = 'concat';
  private widths: number[] = [];
  private pixels = 0;
  private C = 0;
  private out = new Scratch();
  private grads: Scratch[] = [];
  setup(shapes: number[][]): number[] {
    const first = shapes[0];
    for (const s of shapes) {
      if (s.length !== first.length || s.slice(0, -1).join() !== first.slice(0, -1).join()) {
        throw new TinyconvError('TRAIN_BAD_SHAPE', `concat: shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(', ')} differ outside the channel axis`);
      }
    }
    this.widths = shapes.map((s) => s[s.length - 1]);
    this.C = this.widths.reduce((a, b) => a + b, 0);
    this.pixels = first.slice(0, -1).reduce((a, b) => a * b, 1);
    this.grads = shapes.map(() => new Scratch());
    return [...first.slice(0, -1), this.C];
  }
  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const P = ctx.batch * this.pixels, C = this.C, out = this.out.get(P * C);
    let c0 = 0;
    inputs.forEach((x, k) => {
      const w = this.widths[k];
      for (let p = 0; p < P; p++) for (let c = 0; c < w; c++) out[p * C + c0 + c] = x[p * w + c];
      c0 += w;
    });
    return out;
  }
  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    const P = ctx.batch * this.pixels, C = this.C;
    let c0 = 0;
    return this.widths.map((w, k) => {
      const start = c0;
      c0 += w;
      if (!need[k]) return null;
      const g = this.grads[k].get(P * w);
      for (let p = 0; p < P; p++) for (let c = 0; c < w; c++) g[p * w + c] = dY[p * C + start + c];
      return g;
    });
  }
  exportNodes(name: string, inputs: string[], output: string): GraphNode[] {
    return [plainNode(name, 'concat', inputs, output, { axis: -1 })];
  }
}

/** Log-softmax over the last axis (pair it with nllLoss). */
export class LogSoftmax extends NoParams implements Layer {
  readonly kind = 'logSoftmax';
  private K = 0;
  private rowsPerSample = 0;
  private out = new Scratch();
  private dX = new Scratch();
  setup(shapes: number[][]): number[] {
    this.K = shapes[0][shapes[0].length - 1];
    this.rowsPerSample = shapes[0].reduce((a, b) => a * b, 1) / this.K;
    return shapes[0].slice();
  }
  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0], K = this.K, n = ctx.batch * this.rowsPerSample;
    const y = this.out.get(n * K);
    for (let r = 0; r < n; r++) {
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, x[r * K + k]);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(x[r * K + k] - m);
      const lse = m + Math.log(s);
      for (let k = 0; k < K; k++) y[r * K + k] = x[r * K + k] - lse;
    }
    return y;
  }
  backward(dY: Float32Array, need: boolean[]): (Float32Array | null)[] {
    if (!need[0]) return [null];
    // dx = dy - softmax * sum(dy)
    const K = this.K, y = this.out.get(dY.length), dX = this.dX.get(dY.length);
    for (let r = 0; r < dY.length / K; r++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += dY[r * K + k];
      for (let k = 0; k < K; k++) dX[r * K + k] = dY[r * K + k] - Math.exp(y[r * K + k]) * s;
    }
    return [dX];
  }
  exportNodes(name: string, inputs: string[], output: string, _ex?: ExportContext): GraphNode[] {
    return [plainNode(name, 'logSoftmax', inputs, output)];
  }
}
