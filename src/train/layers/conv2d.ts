// 2-D convolution on NHWC activations with OHWI weights ([outC][kH][kW][inC/groups], the float
// graph's layout, so export is a copy). Two kernels:
//  - im2col + GEMM for any stride/padding/dilation/groups (1x1 stride-1 convs skip im2col: the
//    input already is the column matrix);
//  - a direct per-channel loop for depthwise convs (groups == inC == outC), where im2col would
//    multiply tiny 1-row matrices.
// The generic path handles depthwise too; tests check the two agree.
import type { GraphNode } from '../../graph/types.js';
import type { Rng } from '../../data/random.js';
import { TinyconvError } from '../../format/errors.js';
import { gemm, gemmNT, transpose } from '../gemm.js';
import { depthwise3x3Backward, depthwise3x3Forward, padSample, padShape, type DwShape } from './depthwise3x3.js';
import type { Context, ExportContext, Layer } from '../layer.js';
import { initUniform, newParam, Scratch, type Param } from '../tensor.js';

export interface Conv2dOptions {
  outChannels: number;
  kernel: number | [number, number];
  stride?: number | [number, number];
  /** A number (all sides) or [top, left, bottom, right]. */
  padding?: number | [number, number, number, number];
  dilation?: number | [number, number];
  groups?: number;
  bias?: boolean;
  /** Forces the im2col path even for depthwise shapes (tests compare the two). */
  generic?: boolean;
}

function pair(v: number | [number, number] | undefined, d: number): [number, number] {
  if (v === undefined) return [d, d];
  return typeof v === 'number' ? [v, v] : v;
}

export class Conv2d implements Layer {
  readonly kind = 'conv2d';
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  weight!: Param;
  bias: Param | null = null;
  readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number;
  readonly dh: number; readonly dw: number;
  readonly pad: [number, number, number, number];
  readonly groups: number;
  readonly outC: number;
  private H = 0; private W = 0; private C = 0; private oH = 0; private oW = 0;
  private depthwise = false;
  /** 3x3, dilation 1: the specialised kernel in depthwise3x3.ts. */
  private dw3x3 = false;
  private pointwise = false;
  private input: Float32Array = new Float32Array(0);
  private out = new Scratch();
  private cols = new Scratch();
  private wT = new Scratch();
  private dCols = new Scratch();
  private dX = new Scratch();
  private dwGrad = new Scratch();
  private dWt = new Scratch();
  /** One zero-bordered sample for the 3x3 depthwise kernel (border never written) and its gradient. */
  private dwPad = new Float32Array(0);
  private dwDPad = new Float32Array(0);
  /** One zero-bordered sample for im2colPadded (border never written). */
  private colPad = new Float32Array(0);

  constructor(private readonly opt: Conv2dOptions) {
    [this.kh, this.kw] = pair(opt.kernel, 1);
    [this.sh, this.sw] = pair(opt.stride, 1);
    [this.dh, this.dw] = pair(opt.dilation, 1);
    const p = opt.padding ?? 0;
    this.pad = typeof p === 'number' ? [p, p, p, p] : p;
    this.groups = opt.groups ?? 1;
    this.outC = opt.outChannels;
  }

  setup(shapes: number[][], rng: Rng): number[] {
    const [H, W, C] = shapes[0];
    const g = this.groups;
    if (shapes[0].length !== 3) throw new TinyconvError('TRAIN_BAD_SHAPE', `conv2d expects an [H, W, C] input, got [${shapes[0].join(', ')}]`);
    if (C % g !== 0 || this.outC % g !== 0) {
      throw new TinyconvError('TRAIN_BAD_SHAPE', `conv2d groups ${g} must divide input channels ${C} and output channels ${this.outC}`);
    }
    this.H = H; this.W = W; this.C = C;
    this.oH = Math.floor((H + this.pad[0] + this.pad[2] - this.dh * (this.kh - 1) - 1) / this.sh) + 1;
    this.oW = Math.floor((W + this.pad[1] + this.pad[3] - this.dw * (this.kw - 1) - 1) / this.sw) + 1;
    if (this.oH < 1 || this.oW < 1) throw new TinyconvError('TRAIN_BAD_SHAPE', `conv2d ${this.kh}x${this.kw} leaves no output for a ${H}x${W} input`);
    this.depthwise = !this.opt.generic && g === C && this.outC === C && g > 1;
    this.dw3x3 = this.depthwise && this.kh === 3 && this.kw === 3 && this.dh === 1 && this.dw === 1;
    if (this.dw3x3) {
      const [Hp, Wp] = padShape(this.dwShape(0));
      this.dwPad = new Float32Array(Hp * Wp * C);
      this.dwDPad = new Float32Array(Hp * Wp * C);
    }
    this.pointwise = g === 1 && this.kh === 1 && this.kw === 1 && this.sh === 1 && this.sw === 1 &&
      this.pad.every((v) => v === 0);
    const icg = C / g;
    const fanIn = icg * this.kh * this.kw;
    this.weight = newParam('weight', [this.outC, this.kh, this.kw, icg]);
    initUniform(this.weight, fanIn, rng);
    this.params.push(this.weight);
    if (this.opt.bias !== false) {
      this.bias = newParam('bias', [this.outC]);
      initUniform(this.bias, fanIn, rng);
      this.params.push(this.bias);
    }
    return [this.oH, this.oW, this.outC];
  }

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = inputs[0];
    this.input = x;
    const n = ctx.batch;
    const out = this.out.get(n * this.oH * this.oW * this.outC);
    if (this.depthwise) this.forwardDepthwise(x, out, n);
    else this.forwardGemm(x, out, n);
    return out;
  }

  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    const n = ctx.batch;
    if (this.bias) {
      const gb = this.bias.grad;
      const oc = this.outC;
      const rows = n * this.oH * this.oW;
      for (let m = 0; m < rows; m++) {
        const r = m * oc;
        for (let o = 0; o < oc; o++) gb[o] += dY[r + o];
      }
    }
    if (this.depthwise) return [this.backwardDepthwise(dY, n, need[0])];
    return [this.backwardGemm(dY, n, need[0])];
  }

  private forwardGemm(x: Float32Array, out: Float32Array, n: number): void {
    const g = this.groups, icg = this.C / g, ocg = this.outC / g;
    const M = n * this.oH * this.oW, K = this.kh * this.kw * icg;
    const w = this.weight.data;
    for (let gi = 0; gi < g; gi++) {
      let cols = x;
      if (!this.pointwise) {
        cols = this.cols.get(M * K * g).subarray(gi * M * K, (gi + 1) * M * K);
        this.im2col(x, n, gi * icg, icg, cols);
      }
      gemmNT(M, ocg, K, cols, 0, w, gi * ocg * K, out, gi * ocg, this.outC, false);
    }
    if (this.bias) {
      const b = this.bias.data, oc = this.outC;
      for (let m = 0; m < M; m++) {
        const r = m * oc;
        for (let o = 0; o < oc; o++) out[r + o] += b[o];
      }
    }
  }

  private backwardGemm(dY: Float32Array, n: number, needX: boolean): Float32Array | null {
    const g = this.groups, icg = this.C / g, ocg = this.outC / g, oc = this.outC;
    const M = n * this.oH * this.oW, K = this.kh * this.kw * icg;
    const w = this.weight.data, gw = this.weight.grad;
    const dX = needX ? this.dX.zeroed(n * this.H * this.W * this.C) : null;
    for (let gi = 0; gi < g; gi++) {
      const cols = this.pointwise ? this.input : this.cols.get(M * K * g).subarray(gi * M * K, (gi + 1) * M * K);
      if (K % 8 !== 0 && ocg % 8 === 0) {
        // dW^T[k][o] = sum_m cols[m][k] * dY[m][gi*ocg + o]: N = ocg suits the SIMD kernel where K
        // (9 for a 3x3 stem over one channel) does not.
        const t = this.dWt.get(K * ocg);
        gemm(K, ocg, M, cols, 0, 1, K, dY, gi * ocg, 1, oc, t, 0, ocg, false);
        const o0 = gi * ocg * K;
        for (let o = 0; o < ocg; o++) for (let k = 0; k < K; k++) gw[o0 + o * K + k] += t[k * ocg + o];
      } else {
        // dW[o][k] += sum_m dY[m][gi*ocg + o] * cols[m][k]  (A = dY^T, B = cols^T by strides)
        gemm(ocg, K, M, dY, gi * ocg, 1, oc, cols, 0, 1, K, gw, gi * ocg * K, K, true);
      }
      if (!dX) continue;
      // dCols[m][k] = sum_o dY[m][gi*ocg + o] * W[gi*ocg + o][k]
      const target = this.pointwise ? dX : this.dCols.get(M * K);
      gemm(M, K, ocg, dY, gi * ocg, oc, 1, w, gi * ocg * K, 1, K, target, 0, K, false);
      if (!this.pointwise) this.col2im(target, n, gi * icg, icg, dX);
    }
    return dX;
  }

  /** cols[(n, oy, ox)][(ky, kx, c)] = x[n, oy*s - pad + ky*d, ox*s - pad + kx*d, c0 + c], 0 outside.
   *  When a kernel row lies inside the image and covers all channels, its kw*C values are contiguous
   *  in NHWC and copied in one run (the common case away from the border). */
  private im2col(x: Float32Array, n: number, c0: number, cn: number, cols: Float32Array): void {
    if (this.dh === 1 && this.dw === 1 && cn === this.C) {
      this.im2colPadded(x, n, cols);
      return;
    }
    const { H, W, C, oH, oW, kh, kw, sh, sw, dh, dw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    const K = kh * kw * cn, run = kw * cn;
    const contiguous = dw === 1 && cn === C;
    let m = 0;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        for (let ox = 0; ox < oW; ox++, m++) {
          let k = m * K;
          const ix0 = ox * sw - pl;
          const inside = contiguous && ix0 >= 0 && ix0 + kw <= W;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) {
              for (let t = 0; t < run; t++) cols[k + t] = 0;
            } else if (inside) {
              const s = ((b * H + iy) * W + ix0) * C;
              for (let t = 0; t < run; t++) cols[k + t] = x[s + t];
            } else {
              for (let kx = 0; kx < kw; kx++) {
                const ix = ix0 + kx * dw;
                const o = k + kx * cn;
                if (ix >= 0 && ix < W) {
                  const s = ((b * H + iy) * W + ix) * C + c0;
                  for (let c = 0; c < cn; c++) cols[o + c] = x[s + c];
                } else {
                  for (let c = 0; c < cn; c++) cols[o + c] = 0;
                }
              }
            }
            k += run;
          }
        }
      }
    }
  }

  /** im2col for dilation 1 over all channels: each sample is copied into a zero-bordered buffer,
   *  then every kernel row of every window is one contiguous run of kw * C values, copied without
   *  bounds checks (the stem conv of a 28x28x1 net spends most of its time here otherwise). */
  private im2colPadded(x: Float32Array, n: number, cols: Float32Array): void {
    const { H, W, C, oH, oW, kh, kw, sh, sw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    const Hp = (oH - 1) * sh + kh, Wp = (oW - 1) * sw + kw;
    const R = Wp * C, run = kw * C;
    if (this.colPad.length !== Hp * R) this.colPad = new Float32Array(Hp * R); // border stays zero
    const pad = this.colPad;
    let k = 0;
    for (let b = 0; b < n; b++) {
      padSample(x, b * H * W * C, { H, W, C, pt, pl }, pad, 0, Hp, Wp);
      for (let oy = 0; oy < oH; oy++) {
        for (let ox = 0; ox < oW; ox++) {
          let p = oy * sh * R + ox * sw * C;
          if (run === 3) {
            for (let ky = 0; ky < kh; ky++, p += R, k += 3) { cols[k] = pad[p]; cols[k + 1] = pad[p + 1]; cols[k + 2] = pad[p + 2]; }
          } else {
            for (let ky = 0; ky < kh; ky++, p += R) for (let t = 0; t < run; t++) cols[k++] = pad[p + t];
          }
        }
      }
    }
  }

  /** The adjoint of im2col: dX[...] += dCols[...]. */
  private col2im(dCols: Float32Array, n: number, c0: number, cn: number, dX: Float32Array): void {
    const { H, W, C, oH, oW, kh, kw, sh, sw, dh, dw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    const K = kh * kw * cn, run = kw * cn;
    const contiguous = dw === 1 && cn === C;
    let m = 0;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        for (let ox = 0; ox < oW; ox++, m++) {
          let k = m * K;
          const ix0 = ox * sw - pl;
          const inside = contiguous && ix0 >= 0 && ix0 + kw <= W;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy >= 0 && iy < H) {
              if (inside) {
                const s = ((b * H + iy) * W + ix0) * C;
                for (let t = 0; t < run; t++) dX[s + t] += dCols[k + t];
              } else {
                for (let kx = 0; kx < kw; kx++) {
                  const ix = ix0 + kx * dw;
                  if (ix < 0 || ix >= W) continue;
                  const s = ((b * H + iy) * W + ix) * C + c0;
                  const o = k + kx * cn;
                  for (let c = 0; c < cn; c++) dX[s + c] += dCols[o + c];
                }
              }
            }
            k += run;
          }
        }
      }
    }
  }

  /** Depthwise weights as [kh][kw][C] so the innermost loop runs over contiguous channels. */
  private depthwiseWeights(): Float32Array {
    const C = this.C, taps = this.kh * this.kw;
    const wt = this.wT.get(taps * C);
    transpose(this.weight.data, 0, C, taps, wt);
    return wt;
  }

  private dwShape(n: number): DwShape {
    return { n, H: this.H, W: this.W, C: this.C, oH: this.oH, oW: this.oW, sh: this.sh, sw: this.sw, pt: this.pad[0], pl: this.pad[1] };
  }

  private forwardDepthwise(x: Float32Array, out: Float32Array, n: number): void {
    if (this.dw3x3) {
      depthwise3x3Forward(x, this.weight.data, this.bias ? this.bias.data : null, out, this.dwShape(n), this.dwPad);
      return;
    }
    const { H, W, C, oH, oW, kh, kw, sh, sw, dh, dw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    const wt = this.depthwiseWeights();
    const bias = this.bias ? this.bias.data : null;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        for (let ox = 0; ox < oW; ox++) {
          const o = ((b * oH + oy) * oW + ox) * C;
          if (bias) for (let c = 0; c < C; c++) out[o + c] = bias[c];
          else for (let c = 0; c < C; c++) out[o + c] = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (ix < 0 || ix >= W) continue;
              const xi = ((b * H + iy) * W + ix) * C;
              const wi = (ky * kw + kx) * C;
              for (let c = 0; c < C; c++) out[o + c] += x[xi + c] * wt[wi + c];
            }
          }
        }
      }
    }
  }

  private backwardDepthwise(dY: Float32Array, n: number, needX: boolean): Float32Array | null {
    if (this.dw3x3) {
      const dX = needX ? this.dX.get(n * this.H * this.W * this.C) : null;
      depthwise3x3Backward(this.input, this.weight.data, dY, dX, this.weight.grad, this.dwShape(n), this.dwPad, this.dwDPad);
      return dX;
    }
    const { H, W, C, oH, oW, kh, kw, sh, sw, dh, dw } = this;
    const pt = this.pad[0], pl = this.pad[1];
    const x = this.input;
    const wt = this.depthwiseWeights();
    const taps = kh * kw;
    const gwt = this.dwGrad.zeroed(taps * C);
    const dX = needX ? this.dX.zeroed(n * H * W * C) : null;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        for (let ox = 0; ox < oW; ox++) {
          const o = ((b * oH + oy) * oW + ox) * C;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - pl + kx * dw;
              if (ix < 0 || ix >= W) continue;
              const xi = ((b * H + iy) * W + ix) * C;
              const wi = (ky * kw + kx) * C;
              if (dX) {
                for (let c = 0; c < C; c++) {
                  const g = dY[o + c];
                  dX[xi + c] += g * wt[wi + c];
                  gwt[wi + c] += g * x[xi + c];
                }
              } else {
                for (let c = 0; c < C; c++) gwt[wi + c] += dY[o + c] * x[xi + c];
              }
            }
          }
        }
      }
    }
    const gw = this.weight.grad;
    for (let c = 0; c < C; c++) for (let t = 0; t < taps; t++) gw[c * taps + t] += gwt[t * C + c];
    return dX;
  }

  exportNodes(name: string, inputs: string[], output: string, ex: ExportContext): GraphNode[] {
    const params: GraphNode['params'] = { weight: ex.addParam(this.weight.data, this.weight.shape) };
    if (this.bias) params.bias = ex.addParam(this.bias.data, this.bias.shape);
    return [{
      name, op: 'conv2d', inputs, output, params,
      attrs: {
        kernel: [this.kh, this.kw], stride: [this.sh, this.sw], padding: this.pad.slice(),
        dilation: [this.dh, this.dw], groups: this.groups, outChannels: this.outC,
      },
    }];
  }
}
