// The one matrix product every conv and dense layer reduces to, with element strides so any operand
// layout works without transposing first:
//   C[cOff + i*ldc + j] (+)= sum_p A[aOff + i*ais + p*aps] * B[bOff + j*bjs + p*bps]
// for i < M, j < N, p < K. A 4x4 register block (16 accumulators, 8 loads per 16 multiply-adds) is
// what makes V8 about 4x faster than the naive triple loop (measured ~2 GMAC/s against ~0.55 on this
// machine, for the shapes of LeNet and MobileNet, and the same for every stride pattern). Long
// reductions are cut into chunks so both operands' slices stay in cache while every block of C
// streams over them. Where WebAssembly SIMD is available, gemm-simd.ts takes the shapes it suits.
import { gemmSimd } from './gemm-simd.js';

const CHUNK = 256;
/** Products smaller than this (multiply-adds) stay in JS: copying into wasm memory would dominate. */
const SIMD_MIN = 4096;

export function gemm(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, ais: number, aps: number,
  B: Float32Array, bOff: number, bjs: number, bps: number,
  C: Float32Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  // The WebAssembly SIMD kernel (gemm-simd.ts) takes whole 4 x 8 blocks with B contiguous along j, or
  // B's transpose (the forward's weights) contiguous along p; leftover rows run here.
  if (M >= 4 && N % 8 === 0 && (bjs === 1 || bps === 1) && M * N * K >= SIMD_MIN) {
    const M4 = M - (M % 4), bT = bjs !== 1;
    if (gemmSimd(M4, N, K, A, aOff, ais, aps, B, bOff, bT ? bjs : bps, bT, C, cOff, ldc, accumulate, K <= 2 * CHUNK ? K : CHUNK)) {
      if (M4 < M) gemmJs(M - M4, N, K, A, aOff + M4 * ais, ais, aps, B, bOff, bjs, bps, C, cOff + M4 * ldc, ldc, accumulate);
      return;
    }
  }
  gemmJs(M, N, K, A, aOff, ais, aps, B, bOff, bjs, bps, C, cOff, ldc, accumulate);
}

/** The JS kernel (used where the SIMD one does not apply, and everywhere without WebAssembly SIMD). */
export function gemmJs(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, ais: number, aps: number,
  B: Float32Array, bOff: number, bjs: number, bps: number,
  C: Float32Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (K <= 2 * CHUNK) {
    kernel(M, N, K, A, aOff, ais, aps, B, bOff, bjs, bps, C, cOff, ldc, accumulate);
    return;
  }
  for (let p0 = 0; p0 < K; p0 += CHUNK) {
    const k = Math.min(CHUNK, K - p0);
    kernel(M, N, k, A, aOff + p0 * aps, ais, aps, B, bOff + p0 * bps, bjs, bps, C, cOff, ldc, accumulate || p0 > 0);
  }
}

/** Row-major product C = A . B^T with A (M x K) and B (N x K) densely packed (the forward form). */
export function gemmNT(M: number, N: number, K: number, A: Float32Array, aOff: number, B: Float32Array, bOff: number,
  C: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  gemm(M, N, K, A, aOff, K, 1, B, bOff, K, 1, C, cOff, ldc, accumulate);
}

function kernel(
  M: number, N: number, K: number,
  A: Float32Array, aOff: number, ais: number, aps: number,
  B: Float32Array, bOff: number, bjs: number, bps: number,
  C: Float32Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const a1s = ais, a2s = 2 * ais, a3s = 3 * ais, b1s = bjs, b2s = 2 * bjs, b3s = 3 * bjs;
  const M4 = M - (M % 4), N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = aOff + i * ais, pb = bOff + j * bjs;
      for (let p = 0; p < K; p++) {
        const y0 = B[pb], y1 = B[pb + b1s], y2 = B[pb + b2s], y3 = B[pb + b3s];
        let x = A[pa];
        c00 += x * y0; c01 += x * y1; c02 += x * y2; c03 += x * y3;
        x = A[pa + a1s];
        c10 += x * y0; c11 += x * y1; c12 += x * y2; c13 += x * y3;
        x = A[pa + a2s];
        c20 += x * y0; c21 += x * y1; c22 += x * y2; c23 += x * y3;
        x = A[pa + a3s];
        c30 += x * y0; c31 += x * y1; c32 += x * y2; c33 += x * y3;
        pa += aps; pb += bps;
      }
      let o = cOff + i * ldc + j;
      if (accumulate) {
        C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += ldc;
        C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += ldc;
        C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += ldc;
        C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
      } else {
        C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += ldc;
        C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += ldc;
        C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23; o += ldc;
        C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
      }
    }
    // Leftover columns: a 4 x 2 block, then 4 x 1 (N = 6, LeNet's first conv, is common).
    let jl = N4;
    if (N - jl >= 2) {
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      let pa = aOff + i * ais, pb = bOff + jl * bjs;
      for (let p = 0; p < K; p++) {
        const y0 = B[pb], y1 = B[pb + b1s];
        let x = A[pa]; s00 += x * y0; s01 += x * y1;
        x = A[pa + a1s]; s10 += x * y0; s11 += x * y1;
        x = A[pa + a2s]; s20 += x * y0; s21 += x * y1;
        x = A[pa + a3s]; s30 += x * y0; s31 += x * y1;
        pa += aps; pb += bps;
      }
      let o = cOff + i * ldc + jl;
      if (accumulate) {
        C[o] += s00; C[o + 1] += s01; o += ldc; C[o] += s10; C[o + 1] += s11; o += ldc;
        C[o] += s20; C[o + 1] += s21; o += ldc; C[o] += s30; C[o + 1] += s31;
      } else {
        C[o] = s00; C[o + 1] = s01; o += ldc; C[o] = s10; C[o + 1] = s11; o += ldc;
        C[o] = s20; C[o + 1] = s21; o += ldc; C[o] = s30; C[o + 1] = s31;
      }
      jl += 2;
    }
    for (let j = jl; j < N; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let pa = aOff + i * ais, pb = bOff + j * bjs;
      for (let p = 0; p < K; p++) {
        const y = B[pb];
        s0 += A[pa] * y; s1 += A[pa + a1s] * y; s2 += A[pa + a2s] * y; s3 += A[pa + a3s] * y;
        pa += aps; pb += bps;
      }
      const o = cOff + i * ldc + j;
      if (accumulate) { C[o] += s0; C[o + ldc] += s1; C[o + 2 * ldc] += s2; C[o + 3 * ldc] += s3; }
      else { C[o] = s0; C[o + ldc] = s1; C[o + 2 * ldc] = s2; C[o + 3 * ldc] = s3; }
    }
  }
  // Leftover rows: 2 x 4 blocks for a pair of rows, then 1 x 4 blocks, then single elements.
  let il = M4;
  if (M - il >= 2) {
    const i = il;
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let pa = aOff + i * ais, pb = bOff + j * bjs;
      for (let p = 0; p < K; p++) {
        const y0 = B[pb], y1 = B[pb + b1s], y2 = B[pb + b2s], y3 = B[pb + b3s];
        let x = A[pa]; s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = A[pa + a1s]; s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        pa += aps; pb += bps;
      }
      let o = cOff + i * ldc + j;
      if (accumulate) {
        C[o] += s00; C[o + 1] += s01; C[o + 2] += s02; C[o + 3] += s03; o += ldc;
        C[o] += s10; C[o + 1] += s11; C[o + 2] += s12; C[o + 3] += s13;
      } else {
        C[o] = s00; C[o + 1] = s01; C[o + 2] = s02; C[o + 3] = s03; o += ldc;
        C[o] = s10; C[o + 1] = s11; C[o + 2] = s12; C[o + 3] = s13;
      }
    }
    for (let r = i; r < i + 2; r++) {
      for (let j = N4; j < N; j++) {
        let acc = 0;
        let pa = aOff + r * ais, pb = bOff + j * bjs;
        for (let p = 0; p < K; p++) { acc += A[pa] * B[pb]; pa += aps; pb += bps; }
        const o = cOff + r * ldc + j;
        if (accumulate) C[o] += acc;
        else C[o] = acc;
      }
    }
    il += 2;
  }
  for (let i = il; i < M; i++) {
    for (let j = 0; j < N4; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let pa = aOff + i * ais, pb = bOff + j * bjs;
      for (let p = 0; p < K; p++) {
        const x = A[pa];
        s0 += x * B[pb]; s1 += x * B[pb + b1s]; s2 += x * B[pb + b2s]; s3 += x * B[pb + b3s];
        pa += aps; pb += bps;
      }
      const o = cOff + i * ldc + j;
      if (accumulate) { C[o] += s0; C[o + 1] += s1; C[o + 2] += s2; C[o + 3] += s3; }
      else { C[o] = s0; C[o + 1] = s1; C[o + 2] = s2; C[o + 3] = s3; }
    }
    for (let j = N4; j < N; j++) {
      let s = 0;
      let pa = aOff + i * ais, pb = bOff + j * bjs;
      for (let p = 0; p < K; p++) { s += A[pa] * B[pb]; pa += aps; pb += bps; }
      const o = cOff + i * ldc + j;
      if (accumulate) C[o] += s;
      else C[o] = s;
    }
  }
}

/** dst (cols x rows) = transpose of src (rows x cols), blocked for cache friendliness. */
export function transpose(src: Float32Array, srcOff: number, rows: number, cols: number, dst: Float32Array): void {
  const T = 16;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(r0 + T, rows);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(c0 + T, cols);
      for (let r = r0; r < r1; r++) {
        const s = srcOff + r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[s + c];
      }
    }
  }
}
