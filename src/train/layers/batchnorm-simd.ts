// WebAssembly SIMD passes for batchnorm.ts (training mode, C a multiple of 4), four channels per
// vector, channel blocks outermost over a run of pixels (the caller passes cache-sized runs), so the
// block's constants and sums stay in locals. Sums are float64 (f64x2, as the JS passes), the
// elementwise arithmetic float32. One instance (and memory) per thread, created on first use.
//
//   stats(x, npix, C4, sums):            sums[c] += x, sums[C + c] += x^2            (f64 [2C])
//   affine(x, y, npix, C4, par):         y = min(max(x * scale + shift, lo), hi)
//   gsums(dy, y, x, npix, C4, par, sums): d = dy where lo < y < hi else 0; sums[c] += d, sums[C + c] += d * x
//   dx(dy, y, x, dx, npix, C4, par):     dx = A * d + B * x + K
//
// Addresses are bytes, C4 = 4C. par: [scale or A][shift or B][K] (f32, C each), then lo and hi as
// f32x4 at par + 3 * C4 and par + 3 * C4 + 16 (no activation: -inf and +inf; relu: 0, +inf; relu6: 0, 6).
import { assemble, I32, V128 } from '../../wasm/assemble.js';
import { get, set, i32, simd, brIf, vload, vstore, ADD, SUB, LT_S, LOOP, END, V128_ZERO } from '../../wasm/instructions.js';

const FADD = simd(0xe4), FMUL = simd(0xe6), FMIN = simd(0xe8), FMAX = simd(0xe9), FLT = simd(0x43), FGT = simd(0x44), AND = simd(0x4e);
const DADD = simd(0xf0), DMUL = simd(0xf2), PROMOTE = simd(0x5f);
const HIGH = [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]; // lanes 2, 3 -> 0, 1 (needs the vector twice)

type Emit = (...parts: number[][]) => void;

function emitter(): { code: number[]; emit: Emit } {
  const code: number[] = [];
  return { code, emit: (...parts) => { for (const p of parts) code.push(...p); } };
}

/** for (cb = 0; cb < C4; cb += 16) { pre(); for (n = npix; n; n--) { body(); pointers += C4 } post() } */
function channelLoop(emit: Emit, CB: number, N: number, NPIX: number, C4: number, ptrs: Array<[number, number]>,
  pre: () => void, body: () => void, post: () => void): void {
  emit(i32(0), set(CB));
  emit(LOOP);
  for (const [p, base] of ptrs) emit(get(base), get(CB), ADD, set(p));
  pre();
  emit(get(NPIX), set(N));
  emit(LOOP);
  body();
  for (const [p] of ptrs) emit(get(p), get(C4), ADD, set(p));
  emit(get(N), i32(1), SUB, set(N), get(N), brIf(0));
  emit(END);
  post();
  emit(get(CB), i32(16), ADD, set(CB), get(CB), get(C4), LT_S, brIf(0));
  emit(END);
}

/** sums (f64x2 locals S0, S1 = channels 0-1, 2-3; Q0, Q1 likewise) added into memory at the
 *  block's place: first half at sums + 2cb, second half at sums + 2 * C4 + 2cb. */
function flushSums(emit: Emit, SUMS: number, CB: number, C4: number, ADDR: number, S: number): void {
  emit(get(SUMS), get(CB), ADD, get(CB), ADD, set(ADDR));
  emit(get(ADDR), get(ADDR), vload(0), get(S), DADD, vstore(0));
  emit(get(ADDR), get(ADDR), vload(16), get(S + 1), DADD, vstore(16));
  emit(get(ADDR), get(C4), ADD, get(C4), ADD, set(ADDR));
  emit(get(ADDR), get(ADDR), vload(0), get(S + 2), DADD, vstore(0));
  emit(get(ADDR), get(ADDR), vload(16), get(S + 3), DADD, vstore(16));
}

/** S += promote(a) (two halves); Q += promote(a) * promote(b). a, b v128 locals; T, U scratch. */
function accumulate(emit: Emit, a: number, b: number, S: number, T: number, U: number): void {
  emit(get(a), PROMOTE, set(T), get(S), get(T), DADD, set(S));
  emit(get(a), get(a), HIGH, PROMOTE, set(U), get(S + 1), get(U), DADD, set(S + 1));
  if (a === b) {
    emit(get(S + 2), get(T), get(T), DMUL, DADD, set(S + 2));
    emit(get(S + 3), get(U), get(U), DMUL, DADD, set(S + 3));
  } else {
    emit(get(S + 2), get(T), get(b), PROMOTE, DMUL, DADD, set(S + 2));
    emit(get(S + 3), get(U), get(b), get(b), HIGH, PROMOTE, DMUL, DADD, set(S + 3));
  }
}

function statsFn(): { params: number; locals: number[][]; code: number[] } {
  const X = 0, NPIX = 1, C4 = 2, SUMS = 3, CB = 4, N = 5, PX = 6, ADDR = 7;
  const V = 8, S = 9, T = 13, U = 14; // v128
  const { code, emit } = emitter();
  channelLoop(emit, CB, N, NPIX, C4, [[PX, X]],
    () => { for (let k = 0; k < 4; k++) emit(V128_ZERO, set(S + k)); },
    () => { emit(get(PX), vload(0), set(V)); accumulate(emit, V, V, S, T, U); },
    () => flushSums(emit, SUMS, CB, C4, ADDR, S));
  return { params: 4, locals: [[4, I32], [7, V128]], code };
}

function affineFn(): { params: number; locals: number[][]; code: number[] } {
  const X = 0, Y = 1, NPIX = 2, C4 = 3, PAR = 4, CB = 5, N = 6, PX = 7, PY = 8, ADDR = 9;
  const A = 10, B = 11, LO = 12, HI = 13; // v128
  const { code, emit } = emitter();
  emit(get(PAR), get(C4), ADD, get(C4), ADD, get(C4), ADD, set(ADDR), get(ADDR), vload(0), set(LO), get(ADDR), vload(16), set(HI));
  channelLoop(emit, CB, N, NPIX, C4, [[PX, X], [PY, Y]],
    () => emit(get(PAR), get(CB), ADD, set(ADDR), get(ADDR), vload(0), set(A), get(ADDR), get(C4), ADD, vload(0), set(B)),
    () => emit(get(PY), get(PX), vload(0), get(A), FMUL, get(B), FADD, get(LO), FMAX, get(HI), FMIN, vstore(0)),
    () => {});
  return { params: 5, locals: [[5, I32], [4, V128]], code };
}

/** d = dy where lo < y < hi, else 0 (into local D). */
function masked(emit: Emit, PDY: number, PY: number, D: number, YV: number, LO: number, HI: number): void {
  emit(get(PY), vload(0), set(YV));
  emit(get(PDY), vload(0), get(YV), get(LO), FGT, get(YV), get(HI), FLT, AND, AND, set(D));
}

function gsumsFn(): { params: number; locals: number[][]; code: number[] } {
  const DY = 0, Y = 1, X = 2, NPIX = 3, C4 = 4, PAR = 5, SUMS = 6, CB = 7, N = 8, PDY = 9, PY = 10, PX = 11, ADDR = 12;
  const D = 13, XV = 14, YV = 15, LO = 16, HI = 17, S = 18, T = 22, U = 23; // v128
  const { code, emit } = emitter();
  emit(get(PAR), get(C4), ADD, get(C4), ADD, get(C4), ADD, set(ADDR), get(ADDR), vload(0), set(LO), get(ADDR), vload(16), set(HI));
  channelLoop(emit, CB, N, NPIX, C4, [[PDY, DY], [PY, Y], [PX, X]],
    () => { for (let k = 0; k < 4; k++) emit(V128_ZERO, set(S + k)); },
    () => { masked(emit, PDY, PY, D, YV, LO, HI); emit(get(PX), vload(0), set(XV)); accumulate(emit, D, XV, S, T, U); },
    () => flushSums(emit, SUMS, CB, C4, ADDR, S));
  return { params: 7, locals: [[6, I32], [11, V128]], code };
}

function dxFn(): { params: number; locals: number[][]; code: number[] } {
  const DY = 0, Y = 1, X = 2, DX = 3, NPIX = 4, C4 = 5, PAR = 6, CB = 7, N = 8, PDY = 9, PY = 10, PX = 11, PD = 12, ADDR = 13;
  const A = 14, B = 15, K = 16, LO = 17, HI = 18, D = 19, YV = 20; // v128
  const { code, emit } = emitter();
  emit(get(PAR), get(C4), ADD, get(C4), ADD, get(C4), ADD, set(ADDR), get(ADDR), vload(0), set(LO), get(ADDR), vload(16), set(HI));
  channelLoop(emit, CB, N, NPIX, C4, [[PDY, DY], [PY, Y], [PX, X], [PD, DX]],
    () => emit(get(PAR), get(CB), ADD, set(ADDR), get(ADDR), vload(0), set(A), get(ADDR), get(C4), ADD, set(ADDR),
      get(ADDR), vload(0), set(B), get(ADDR), get(C4), ADD, vload(0), set(K)),
    () => {
      masked(emit, PDY, PY, D, YV, LO, HI);
      emit(get(PD), get(D), get(A), FMUL, get(PX), vload(0), get(B), FMUL, FADD, get(K), FADD, vstore(0));
    },
    () => {});
  return { params: 7, locals: [[7, I32], [7, V128]], code };
}

type Fn = (...args: number[]) => void;
export interface BnSimd { stats: Fn; affine: Fn; gsums: Fn; dx: Fn; memory: WebAssembly.Memory; f32: Float32Array; f64: Float64Array; top: number }

let state: BnSimd | null | undefined;

/** The thread's instance, or null without WebAssembly SIMD (or with TINYCONV_TRAIN_NO_SIMD set). */
export function bnSimd(): BnSimd | null {
  if (state !== undefined) return state;
  state = null;
  try {
    if (process.env.TINYCONV_TRAIN_NO_SIMD) return state;
    const fns = [['stats', statsFn()], ['affine', affineFn()], ['gsums', gsumsFn()], ['dx', dxFn()]] as const;
    const bytes = assemble(fns.map(([name, f]) => ({ name, ...f })), 1);
    const memory = new WebAssembly.Memory({ initial: 16 });
    const e = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { m: { m: memory } }).exports;
    state = {
      stats: e.stats as Fn, affine: e.affine as Fn, gsums: e.gsums as Fn, dx: e.dx as Fn, memory,
      f32: new Float32Array(memory.buffer), f64: new Float64Array(memory.buffer), top: 0,
    };
  } catch {
    state = null;
  }
  return state;
}

/** Reserves `floats` floats (16-byte aligned) of the instance's memory for good; returns the float
 *  offset. Views are refreshed when the memory grows (read s.f32 / s.f64 after calling this). */
export function bnAlloc(s: BnSimd, floats: number): number {
  const at = (s.top + 3) & ~3;
  s.top = at + floats;
  if (s.f32.length < s.top) {
    s.memory.grow(Math.ceil((s.top - s.f32.length) * 4 / 65536));
    s.f32 = new Float32Array(s.memory.buffer);
    s.f64 = new Float64Array(s.memory.buffer);
  }
  return at;
}
