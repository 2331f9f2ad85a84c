// The 3x3 depthwise convolution of every MobileNet, specialised: channel-outer loops keep the nine
// weights (and, backward, their nine gradient sums) in locals, and every output reads its 3x3
// window without bounds checks. Each sample is first copied into a zero-bordered buffer (`pad`,
// padH x padW x C, see padShape), so the borders need no special case: at 7x7 and 4x4 resolution
// half or more of the outputs touch the border, and a checked loop there cost more than the rest.
// Backward scatters into a padded per-sample gradient buffer (`dpad`) and copies its interior out.
// Weights are OHWI [C][3][3][1] = [C][9]. With C a multiple of 4 and WebAssembly SIMD available the
// same loops run as wasm (depthwise3x3-simd.ts) on the batch copied into its memory.
// Checked against the generic path in test/train/layers.gradcheck.test.ts.

import { dwMemory, dwSimd } from './depthwise3x3-simd.js';

export interface DwShape {
  n: number; H: number; W: number; C: number; oH: number; oW: number;
  sh: number; sw: number; pt: number; pl: number;
}

/** Rows and columns of the padded sample: exactly what the outputs' 3x3 windows cover. */
export function padShape(s: DwShape): [number, number] {
  return [(s.oH - 1) * s.sh + 3, (s.oW - 1) * s.sw + 3];
}

/** Copies the sample at src[srcAt...] ([H, W, C]) into the interior of the zero-bordered
 *  [Hp, Wp, C] buffer at dst[at...] (its border is never written). src and dst may be the same array
 *  (the SIMD instance's memory: copyWithin, no views). Also used by conv2d's im2col. */
export function padSample(src: Float32Array, srcAt: number, s: Pick<DwShape, 'H' | 'W' | 'C' | 'pt' | 'pl'>,
  dst: Float32Array, at: number, Hp: number, Wp: number): void {
  const { H, W, C, pt, pl } = s;
  const y0 = Math.max(0, -pt), y1 = Math.min(H, Hp - pt);
  const x0 = Math.max(0, -pl), x1 = Math.min(W, Wp - pl);
  const run = (x1 - x0) * C;
  for (let iy = y0; iy < y1; iy++) {
    const from = srcAt + (iy * W + x0) * C, to = at + ((iy + pt) * Wp + x0 + pl) * C;
    if (src === dst) dst.copyWithin(to, from, from + run);
    else dst.set(src.subarray(from, from + run), to);
  }
}

/** Writes a sample's gradient at dst[dstAt...] from the interior of the padded gradient at
 *  src[at...]; input pixels no window covers get 0. src and dst may be the same array (the SIMD
 *  instance's memory: copyWithin, no views). */
function cropSample(src: Float32Array, at: number, s: DwShape, dst: Float32Array, dstAt: number, Hp: number, Wp: number): void {
  const { H, W, C, pt, pl } = s;
  const y1 = Math.min(H, Hp - pt), x0 = Math.max(0, -pl), x1 = Math.min(W, Wp - pl);
  for (let iy = 0; iy < H; iy++) {
    const row = dstAt + iy * W * C;
    if (iy + pt < 0 || iy >= y1) {
      dst.fill(0, row, row + W * C);
      continue;
    }
    if (x0 > 0) dst.fill(0, row, row + x0 * C);
    const from = at + ((iy + pt) * Wp + x0 + pl) * C, to = from + (x1 - x0) * C;
    if (src === dst) dst.copyWithin(row + x0 * C, from, to);
    else dst.set(src.subarray(from, to), row + x0 * C);
    if (x1 < W) dst.fill(0, row + x1 * C, row + W * C);
  }
}

/** Float offsets in the SIMD instance's memory: weights, weight gradient, pad, dpad, then the whole
 *  batch's x, out (or dY) and dX, so the batch crosses into and out of wasm memory in one copy each
 *  and per-sample padding and cropping are copyWithin calls (no subarray views). */
function simdLayout(s: DwShape): { gwAt: number; padAt: number; dpadAt: number; xAt: number; ioAt: number; dxAt: number; end: number; P: number; O: number; X: number } {
  const [Hp, Wp] = padShape(s);
  const P = Hp * Wp * s.C, O = s.oH * s.oW * s.C, X = s.H * s.W * s.C;
  const gwAt = 9 * s.C, padAt = 18 * s.C, dpadAt = padAt + P, xAt = dpadAt + P, ioAt = xAt + s.n * X, dxAt = ioAt + s.n * O;
  return { gwAt, padAt, dpadAt, xAt, ioAt, dxAt, end: dxAt + s.n * X, P, O, X };
}

/** Weights [C][9] into the SIMD layout [C/4][9][4] at mem[0...]. */
function simdWeights(w: Float32Array, C: number, mem: Float32Array): void {
  for (let c = 0; c < C; c++) {
    const d = (c >> 2) * 36 + (c & 3);
    for (let t = 0; t < 9; t++) mem[d + 4 * t] = w[c * 9 + t];
  }
}

/** The SIMD instance with weights and the batch's x in its memory, or null when C is not a multiple
 *  of 4 (or the host has no WebAssembly SIMD). */
function simdSetup(x: Float32Array, w: Float32Array, s: DwShape) {
  const simd = s.C % 4 === 0 ? dwSimd() : null;
  if (!simd) return null;
  const [Hp, Wp] = padShape(s);
  const L = simdLayout(s);
  const mem = dwMemory(simd, L.end);
  simdWeights(w, s.C, mem);
  mem.set(x.subarray(0, s.n * L.X), L.xAt);
  return { simd, L, mem, Hp, Wp };
}

function forwardSimd(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, s: DwShape): boolean {
  const setup = simdSetup(x, w, s);
  if (!setup) return false;
  const { simd, L, mem, Hp, Wp } = setup;
  const { n, C, oH, oW, sh, sw } = s;
  for (let b = 0; b < n; b++) {
    mem.fill(0, L.padAt, L.padAt + L.P);
    padSample(mem, L.xAt + b * L.X, s, mem, L.padAt, Hp, Wp);
    simd.fwd(4 * L.padAt, 0, 4 * (L.ioAt + b * L.O), oH, oW, 4 * C, 4 * sh * Wp * C, 4 * sw * C, 4 * Wp * C);
  }
  out.set(mem.subarray(L.ioAt, L.ioAt + n * L.O));
  if (bias) for (let o = 0; o < n * L.O; o += C) for (let c = 0; c < C; c++) out[o + c] += bias[c];
  return true;
}

function backwardSimd(x: Float32Array, w: Float32Array, dY: Float32Array, dX: Float32Array | null, gw: Float32Array, s: DwShape): boolean {
  const setup = simdSetup(x, w, s);
  if (!setup) return false;
  const { simd, L, mem, Hp, Wp } = setup;
  const { n, C, oH, oW, sh, sw } = s;
  mem.set(dY.subarray(0, n * L.O), L.ioAt);
  const acc = new Float64Array(9 * C);
  for (let b = 0; b < n; b++) {
    mem.fill(0, L.padAt, L.padAt + L.P);
    padSample(mem, L.xAt + b * L.X, s, mem, L.padAt, Hp, Wp);
    if (dX) mem.fill(0, L.dpadAt, L.dpadAt + L.P);
    simd.bwd(4 * L.padAt, 0, 4 * (L.ioAt + b * L.O), 4 * L.dpadAt, 4 * L.gwAt, oH, oW, 4 * C, 4 * sh * Wp * C, 4 * sw * C, 4 * Wp * C, dX ? 1 : 0);
    for (let c = 0; c < C; c++) {
      const g = L.gwAt + (c >> 2) * 36 + (c & 3);
      for (let t = 0; t < 9; t++) acc[c * 9 + t] += mem[g + 4 * t];
    }
    if (dX) cropSample(mem, L.dpadAt, s, mem, L.dxAt + b * L.X, Hp, Wp);
  }
  if (dX) dX.set(mem.subarray(L.dxAt, L.dxAt + n * L.X));
  for (let i = 0; i < 9 * C; i++) gw[i] += acc[i];
  return true;
}

/** `pad` (a padded sample, zero border) is the JS kernel's; the SIMD one uses its own memory. */
export function depthwise3x3Forward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array,
  s: DwShape, pad: Float32Array, useSimd = true): void {
  if (useSimd && forwardSimd(x, w, bias, out, s)) return;
  const { n, C, oH, oW, sh, sw } = s;
  const [Hp, Wp] = padShape(s);
  const R = Wp * C, rs = sh * R, cs = sw * C, C2 = 2 * C, R2 = 2 * R;
  for (let b = 0; b < n; b++) {
    padSample(x, b * s.H * s.W * s.C, s, pad, 0, Hp, Wp);
    const ob = b * oH * oW * C;
    for (let c = 0; c < C; c++) {
      const k = c * 9;
      const w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3], w4 = w[k + 4], w5 = w[k + 5], w6 = w[k + 6], w7 = w[k + 7], w8 = w[k + 8];
      const bc = bias ? bias[c] : 0;
      let o = ob + c;
      for (let oy = 0; oy < oH; oy++) {
        let p = oy * rs + c;
        for (let ox = 0; ox < oW; ox++, o += C, p += cs) {
          const p1 = p + R, p2 = p + R2;
          out[o] = bc +
            pad[p] * w0 + pad[p + C] * w1 + pad[p + C2] * w2 +
            pad[p1] * w3 + pad[p1 + C] * w4 + pad[p1 + C2] * w5 +
            pad[p2] * w6 + pad[p2 + C] * w7 + pad[p2 + C2] * w8;
        }
      }
    }
  }
}

/** Accumulates weight gradients into gw ([C][9]) and, when dX is given, writes input gradients
 *  into dX (every element of it). `pad` as for the forward; `dpad` the same size, any contents. */
export function depthwise3x3Backward(x: Float32Array, w: Float32Array, dY: Float32Array, dX: Float32Array | null, gw: Float32Array,
  s: DwShape, pad: Float32Array, dpad: Float32Array, useSimd = true): void {
  if (useSimd && backwardSimd(x, w, dY, dX, gw, s)) return;
  const { n, H, W, C, oH, oW, sh, sw, pt, pl } = s;
  const [Hp, Wp] = padShape(s);
  const R = Wp * C, rs = sh * R, cs = sw * C, C2 = 2 * C, R2 = 2 * R;
  const padded = Hp * Wp * C;
  const acc = new Float64Array(9 * C);
  for (let b = 0; b < n; b++) {
    padSample(x, b * s.H * s.W * s.C, s, pad, 0, Hp, Wp);
    if (dX) dpad.fill(0, 0, padded);
    const ob = b * oH * oW * C;
    for (let c = 0; c < C; c++) {
      const k = c * 9;
      let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0, g8 = 0;
      let o = ob + c;
      const w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3], w4 = w[k + 4], w5 = w[k + 5], w6 = w[k + 6], w7 = w[k + 7], w8 = w[k + 8];
      for (let oy = 0; oy < oH; oy++) {
        let p = oy * rs + c;
        for (let ox = 0; ox < oW; ox++, o += C, p += cs) {
          const d = dY[o];
          const p1 = p + R, p2 = p + R2;
          g0 += d * pad[p]; g1 += d * pad[p + C]; g2 += d * pad[p + C2];
          g3 += d * pad[p1]; g4 += d * pad[p1 + C]; g5 += d * pad[p1 + C2];
          g6 += d * pad[p2]; g7 += d * pad[p2 + C]; g8 += d * pad[p2 + C2];
          if (!dX) continue;
          dpad[p] += d * w0; dpad[p + C] += d * w1; dpad[p + C2] += d * w2;
          dpad[p1] += d * w3; dpad[p1 + C] += d * w4; dpad[p1 + C2] += d * w5;
          dpad[p2] += d * w6; dpad[p2 + C] += d * w7; dpad[p2 + C2] += d * w8;
        }
      }
      acc[k] += g0; acc[k + 1] += g1; acc[k + 2] += g2; acc[k + 3] += g3; acc[k + 4] += g4;
      acc[k + 5] += g5; acc[k + 6] += g6; acc[k + 7] += g7; acc[k + 8] += g8;
    }
    if (dX) cropSample(dpad, 0, s, dX, b * s.H * s.W * s.C, Hp, Wp);
  }
  for (let i = 0; i < 9 * C; i++) gw[i] += acc[i];
}
