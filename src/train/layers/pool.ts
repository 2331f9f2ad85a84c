// Max / average pooling over NHWC windows, and global average pooling ([H, W, C] -> [1, 1, C]).
// Padding counts as -infinity for max pooling and is excluded from the average (PyTorch's
// count_include_pad=False, the graph's default).
import type { GraphNode } from '../../graph/types.js';
import type { Rng } from '../../data/random.js';
import { TinyconvError } from '../../format/errors.js';
import type { Context, ExportContext, Layer } from '../layer.js';
import { plainNode } from '../layer.js';
import { Scratch, type Param } from '../tensor.js';

export interface PoolOptions {
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number, number, number];
}

abstract class WindowPool implements Layer {
  abstract readonly kind: 'maxPool' | 'avgPool';
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number;
  readonly pad: [number, number, number, number];
  protected H = 0; protected W = 0; protected C = 0; protected oH = 0; protected oW = 0;
  protected out = new Scratch();
  protected dX = new Scratch();

  constructor(opt: PoolOptions) {
    [this.kh, this.kw] = typeof opt.kernel === 'number' ? [opt.kernel, opt.kernel] : opt.kernel;
    const s = opt.stride ?? opt.kernel;
    [this.sh, this.sw] = typeof s === 'number' ? [s, s] : s;
    const p = opt.padding ?? 0;
    this.pad = typeof p === 'number' ? [p, p, p, p] : p;
  }

  setup(shapes: number[][], _rng: Rng): number[] {
    const [H, W, C] = shapes[0];
    this.H = H; this.W = W; this.C = C;
    this.oH = Math.floor((H + this.pad[0] + this.pad[2] - this.kh) / this.sh) + 1;
    this.oW = Math.floor((W + this.pad[1] + this.pad[3] - this.kw) / this.sw) + 1;
    if (shapes[0].length !== 3 || this.oH < 1 || this.oW < 1) {
      throw new TinyconvError('TRAIN_BAD_SHAPE', `${this.kind} ${this.kh}x${this.kw} does not fit input [${shapes[0].join(', ')}]`);
    }
    return [this.oH, this.oW, C];
  }

  abstract forward(inputs: Float32Array[], ctx: Context): Float32Array;
  abstract backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[];

  exportNodes(name: string, inputs: string[], output: string, _ex: ExportContext): GraphNode[] {
    return [plainNode(name, this.kind, inputs, output, {
      kernel: [this.kh, this.kw], stride: [this.sh, this.sw], padding: this.pad.slice(),
    })];
  }
}

export class MaxPool extends WindowPool {
  readonly kind = 'maxPool';
  private argmax = new Int32Array(0);

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0];
    const { H, W, C, oH, oW, kh, kw, sh, sw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    const n = ctx.batch;
    const out = this.out.get(n * oH * oW * C);
    if (this.argmax.length < out.length) this.argmax = new Int32Array(out.length);
    const arg = this.argmax;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        for (let ox = 0; ox < oW; ox++) {
          const o = ((b * oH + oy) * oW + ox) * C;
          for (let c = 0; c < C; c++) { out[o + c] = -Infinity; arg[o + c] = -1; }
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx;
              if (ix < 0 || ix >= W) continue;
              const xi = ((b * H + iy) * W + ix) * C;
              for (let c = 0; c < C; c++) {
                const v = x[xi + c];
                if (v > out[o + c]) { out[o + c] = v; arg[o + c] = xi + c; }
              }
            }
          }
        }
      }
    }
    return out;
  }

  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    if (!need[0]) return [null];
    const n = ctx.batch;
    const dX = this.dX.zeroed(n * this.H * this.W * this.C);
    const m = n * this.oH * this.oW * this.C;
    const arg = this.argmax;
    for (let i = 0; i < m; i++) if (arg[i] >= 0) dX[arg[i]] += dY[i];
    return [dX];
  }
}

export class AvgPool extends WindowPool {
  readonly kind = 'avgPool';

  /** Visits every (output, input) pair of the windows with the window's valid-pixel count. */
  private windows(n: number, visit: (o: number, xi: number, inv: number) => void): void {
    const { H, W, C, oH, oW, kh, kw, sh, sw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        const y0 = Math.max(oy * sh - pt, 0), y1 = Math.min(oy * sh - pt + kh, H);
        for (let ox = 0; ox < oW; ox++) {
          const x0 = Math.max(ox * sw - pl, 0), x1 = Math.min(ox * sw - pl + kw, W);
          const inv = 1 / ((y1 - y0) * (x1 - x0));
          const o = ((b * oH + oy) * oW + ox) * C;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) visit(o, ((b * H + iy) * W + ix) * C, inv);
        }
      }
    }
  }

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0], C = this.C;
    const out = this.out.zeroed(ctx.batch * this.oH * this.oW * C);
    this.windows(ctx.batch, (o, xi, inv) => { for (let c = 0; c < C; c++) out[o + c] += x[xi + c] * inv; });
    return out;
  }

  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    if (!need[0]) return [null];
    const C = this.C;
    const dX = this.dX.zeroed(ctx.batch * this.H * this.W * C);
    this.windows(ctx.batch, (o, xi, inv) => { for (let c = 0; c < C; c++) dX[xi + c] += dY[o + c] * inv; });
    return [dX];
  }
}

export class GlobalAvgPool implements Layer {
  readonly kind = 'globalAvgPool';
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  private HW = 0;
  private C = 0;
  private out = new Scratch();
  private dX = new Scratch();

  setup(shapes: number[][], _rng: Rng): number[] {
    const s = shapes[0];
    if (s.length !== 3) throw new TinyconvError('TRAIN_BAD_SHAPE', `globalAvgPool expects [H, W, C], got [${s.join(', ')}]`);
    this.HW = s[0] * s[1];
    this.C = s[2];
    return [1, 1, s[2]];
  }

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0], C = this.C, HW = this.HW;
    const out = this.out.zeroed(ctx.batch * C);
    const inv = 1 / HW;
    for (let b = 0; b < ctx.batch; b++) {
      const o = b * C;
      for (let p = 0; p < HW; p++) {
        const xi = (b * HW + p) * C;
        for (let c = 0; c < C; c++) out[o + c] += x[xi + c];
      }
      for (let c = 0; c < C; c++) out[o + c] *= inv;
    }
    return out;
  }

  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    if (!need[0]) return [null];
    const C = this.C, HW = this.HW;
    const dX = this.dX.get(ctx.batch * HW * C);
    const inv = 1 / HW;
    for (let b = 0; b < ctx.batch; b++) {
      for (let p = 0; p < HW; p++) {
        const xi = (b * HW + p) * C;
        for (let c = 0; c < C; c++) dX[xi + c] = dY[b * C + c] * inv;
      }
    }
    return [dX];
  }

  exportNodes(name: string, inputs: string[], output: string, _ex: ExportContext): GraphNode[] {
    return [plainNode(name, 'globalAvgPool', inputs, output)];
  }
}
