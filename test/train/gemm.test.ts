import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/data/random.js';
import { gemm, gemmJs, transpose } from '../../src/train/gemm.js';
import { simdAvailable } from '../../src/train/gemm-simd.js';

/** A [M x K] and B [N x K] as gemm operands in NT, TN and NN layouts: [a, a's i/p strides, b, b's j/p strides]. */
function layouts(A: Float32Array, B: Float32Array, M: number, N: number, K: number): Array<[Float32Array, number, number, Float32Array, number, number]> {
  const At = new Float32Array(K * M), Bt = new Float32Array(K * N);
  transpose(A, 0, M, K, At);
  transpose(B, 0, N, K, Bt);
  return [[A, K, 1, B, K, 1], [At, 1, M, Bt, 1, N], [A, K, 1, Bt, 1, N]];
}

describe('gemm', () => {
  it('matches a naive product for every edge case of the blocking and every operand layout', () => {
    const rng = new Rng(2);
    for (const M of [1, 2, 3, 4, 5, 6, 7, 9]) {
      for (const N of [1, 2, 3, 5, 6, 8, 11]) {
        for (const K of [1, 3, 16, 600]) {
          const A = new Float32Array(M * K).map(() => rng.next() - 0.5);
          const B = new Float32Array(N * K).map(() => rng.next() - 0.5);
          const want = new Float64Array(M * N);
          for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let p = 0; p < K; p++) want[i * N + j] += A[i * K + p] * B[j * K + p];
          // NT, TN and NN layouts via strides; accumulating onto 1, and overwriting.
          for (const [a, ais, aps, b, bjs, bps] of layouts(A, B, M, N, K)) {
            for (const accumulate of [true, false]) {
              const C = new Float32Array(M * N).fill(1);
              gemm(M, N, K, a, 0, ais, aps, b, 0, bjs, bps, C, 0, N, accumulate);
              const base = accumulate ? 1 : 0;
              for (let i = 0; i < M * N; i++) expect(Math.abs(C[i] - base - want[i]), `M${M} N${N} K${K} [${i}]`).toBeLessThan(1e-4 * Math.sqrt(K));
            }
          }
        }
      }
    }
  });

  it('the WebAssembly SIMD kernel matches the JS one (leftover rows, strided C, accumulate, long chunked K)', () => {
    expect(simdAvailable()).toBe(true);
    const rng = new Rng(4);
    for (const [M, N, K] of [[37, 24, 70], [64, 8, 9], [16, 32, 1100], [6, 16, 300]]) {
      const ldc = N + 5; // C strided as a grouped conv's output slice is
      const A = new Float32Array(M * K).map(() => rng.next() - 0.5), B = new Float32Array(N * K).map(() => rng.next() - 0.5);
      for (const [a, ais, aps, b, bjs, bps] of layouts(A, B, M, N, K)) {
        for (const accumulate of [true, false]) {
          const C0 = new Float32Array(M * ldc + 3).map(() => rng.next());
          const want = Float32Array.from(C0), got = Float32Array.from(C0);
          gemmJs(M, N, K, a, 0, ais, aps, b, 0, bjs, bps, want, 1, ldc, accumulate);
          gemm(M, N, K, a, 0, ais, aps, b, 0, bjs, bps, got, 1, ldc, accumulate);
          for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `M${M} N${N} K${K} [${i}]`).toBeLessThan(2e-5 * Math.sqrt(K));
        }
      }
    }
  });
});
