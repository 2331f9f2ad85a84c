// A WebAssembly SIMD kernel for gemm.ts, for the products whose B operand is contiguous along j
// (bjs = 1: every backward product, and the forward one once its small weight matrix is
// transposed) and whose N is a multiple of 8 — the pointwise convolutions of MobileNet, the bulk of
// its arithmetic. Emitted with the shared tiny assembler (src/wasm/assemble.ts).
//
//   mm(M, N, K, a, ais, aps, b, bps, c, ldc, acc):  for i < M (a multiple of 4), j < N (of 8):
//     C[c + i*ldc + 4j] (+)= sum_p A[a + i*ais + p*aps] * B[b + p*bps + 4j]     (byte addresses)
//
// 4 x 8 blocks: 8 f32x4 accumulators, per step two vector loads of B and four broadcast scalars of
// A. Sums are float32 (the JS kernel's are float64, rounded at the store): the caller cuts long
// reductions into chunks of 256 as the JS path does. Operands are copied into the instance's memory
// (one instance per thread, created on first use); without WebAssembly SIMD the JS kernel runs.
import { assemble, I32, V128 } from '../wasm/assemble.js';
import { get, set, i32, simd, brIf, vload, vstore, ADD, SUB, MUL, LT_S, LOOP, IF, END, V128_ZERO } from '../wasm/instructions.js';

const M = 0, N = 1, K = 2, A = 3, AIS = 4, APS = 5, B = 6, BPS = 7, C = 8, LDC = 9, ACC = 10;
const I = 11, J = 12, P = 13, PA = 14, PB = 15, PC = 16, AIS2 = 17, AIS3 = 18, ROW_A = 19, ROW_C = 20;
const SUM = 21, B0 = 29, B1 = 30, X = 31; // v128 locals

const F32_LOAD = [0x2a, 2, 0];
const SPLAT = simd(0x13), FADD = simd(0xe4), FMUL = simd(0xe6);

function body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => { for (const p of parts) code.push(...p); };
  emit(get(AIS), i32(2), MUL, set(AIS2), get(AIS), i32(3), MUL, set(AIS3));
  emit(i32(0), set(I), get(A), set(ROW_A), get(C), set(ROW_C));
  emit(LOOP); // rows, 4 at a time
  emit(i32(0), set(J));
  emit(LOOP); // columns, 8 at a time
  for (let s = 0; s < 8; s++) emit(V128_ZERO, set(SUM + s));
  emit(get(ROW_A), set(PA), get(B), get(J), i32(4), MUL, ADD, set(PB), get(K), set(P));
  emit(LOOP); // reduction
  emit(get(PB), vload(0), set(B0), get(PB), vload(16), set(B1));
  const aOff = [[], get(AIS), get(AIS2), get(AIS3)];
  for (let r = 0; r < 4; r++) {
    emit(get(PA), r ? [...aOff[r], ...ADD] : [], F32_LOAD, SPLAT, set(X));
    emit(get(SUM + 2 * r), get(X), get(B0), FMUL, FADD, set(SUM + 2 * r));
    emit(get(SUM + 2 * r + 1), get(X), get(B1), FMUL, FADD, set(SUM + 2 * r + 1));
  }
  emit(get(PA), get(APS), ADD, set(PA), get(PB), get(BPS), ADD, set(PB));
  emit(get(P), i32(1), SUB, set(P), get(P), brIf(0));
  emit(END);
  emit(get(ROW_C), get(J), i32(4), MUL, ADD, set(PC));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      const s = SUM + 2 * r + h;
      emit(get(ACC), IF, get(s), get(PC), vload(16 * h), FADD, set(s), END);
      emit(get(PC), get(s), vstore(16 * h));
    }
    if (r < 3) emit(get(PC), get(LDC), ADD, set(PC));
  }
  emit(get(J), i32(8), ADD, set(J), get(J), get(N), LT_S, brIf(0));
  emit(END);
  emit(get(ROW_A), get(AIS), i32(4), MUL, ADD, set(ROW_A), get(ROW_C), get(LDC), i32(4), MUL, ADD, set(ROW_C));
  emit(get(I), i32(4), ADD, set(I), get(I), get(M), LT_S, brIf(0));
  emit(END);
  return code;
}

type MM = (M: number, N: number, K: number, a: number, ais: number, aps: number, b: number, bps: number, c: number, ldc: number, acc: number) => void;

let state: { mm: MM; memory: WebAssembly.Memory; f32: Float32Array } | null | undefined;

function instance(): typeof state {
  if (state !== undefined) return state;
  state = null;
  try {
    if (process.env.TINYCONV_TRAIN_NO_SIMD) return state;
    const bytes = assemble([{ name: 'mm', params: 11, locals: [[10, I32], [11, V128]], code: body() }], 1);
    const memory = new WebAssembly.Memory({ initial: 64 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { m: { m: memory } });
    state = { mm: inst.exports.mm as unknown as MM, memory, f32: new Float32Array(memory.buffer) };
  } catch {
    state = null; // no WebAssembly SIMD here: the JS kernel it is
  }
  return state;
}

/** Whether the SIMD kernel is in use on this thread (tests compare it with the JS kernel). */
export function simdAvailable(): boolean {
  return !!instance();
}

function reserve(floats: number): Float32Array {
  const s = state!;
  if (s.f32.length < floats) {
    s.memory.grow(Math.ceil((floats - s.f32.length) * 4 / 65536));
    s.f32 = new Float32Array(s.memory.buffer);
  }
  return s.f32;
}

/** C (+)= A . B over the first M4 (a multiple of 4) rows with N a multiple of 8 and B contiguous
 *  along j, or B^T given (bTransposed: B[j][p] at bOff + j*bps) and transposed while copied in.
 *  Returns false (doing nothing) when the kernel is unavailable. */
export function gemmSimd(M4: number, N: number, K: number,
  Aa: Float32Array, aOff: number, ais: number, aps: number,
  Bb: Float32Array, bOff: number, bps: number, bTransposed: boolean,
  Cc: Float32Array, cOff: number, ldc: number, accumulate: boolean, chunk: number): boolean {
  if (!instance()) return false;
  const aSpan = (M4 - 1) * ais + (K - 1) * aps + 1;
  const bSpan = bTransposed ? N * K : (K - 1) * bps + N;
  const cSpan = (M4 - 1) * ldc + N;
  const aAt = 0, bAt = aAt + aSpan, cAt = (bAt + bSpan + 3) & ~3;
  const mem = reserve(cAt + cSpan);
  mem.set(Aa.subarray(aOff, aOff + aSpan), aAt);
  let bStride = bps;
  if (bTransposed) {
    // B^T [N][K] with row stride bps -> [K][N]
    for (let j = 0; j < N; j++) {
      const s = bOff + j * bps;
      for (let p = 0; p < K; p++) mem[bAt + p * N + j] = Bb[s + p];
    }
    bStride = N;
  } else {
    mem.set(Bb.subarray(bOff, bOff + bSpan), bAt);
  }
  // Columns of C outside [0, N) in each row are copied through unchanged when C is strided.
  const copyIn = accumulate || ldc !== N;
  if (copyIn) mem.set(Cc.subarray(cOff, cOff + cSpan), cAt);
  const mm = state!.mm;
  for (let p0 = 0; p0 < K; p0 += chunk) {
    const k = Math.min(chunk, K - p0);
    mm(M4, N, k, 4 * (aAt + p0 * aps), 4 * ais, 4 * aps, 4 * (bAt + p0 * bStride), 4 * bStride, 4 * cAt, 4 * ldc, accumulate || p0 > 0 ? 1 : 0);
  }
  Cc.set(mem.subarray(cAt, cAt + cSpan), cOff);
  return true;
}
