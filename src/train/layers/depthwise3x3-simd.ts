// WebAssembly SIMD versions of the 3x3 depthwise kernels in depthwise3x3.ts, four channels per
// vector (C a multiple of 4), one zero-bordered sample at a time in the instance's memory (one
// instance per thread, created on first use). Channel blocks outermost, so a block's nine weight
// vectors (and, backward, its nine gradient sums) stay in locals while the sample's pixels stream by.
// Weights are taken as [C/4][9][4] (tap-major within a block of 4 channels).
//
//   dwf(pad, w, out, oH, oW, C4, rs, cs, R):          out[oy][ox][c] = sum_t pad[window_t] * w_t
//   dwb(pad, w, dy, dpad, gw, oH, oW, C4, rs, cs, R, needX):
//       gw[block][t] = sum over pixels dy * pad[window_t];  dpad[window_t] += dy * w_t (when needX)
//
// Addresses are bytes; C4 = 4C, R = one padded row, rs/cs = the strides between output windows.
// Sums are float32 (the JS kernel accumulates the weight gradient in float64: the caller adds each
// sample's sums into float64).
import { assemble, I32, V128 } from '../../wasm/assemble.js';
import { get, set, i32, simd, brIf, vload, vstore, ADD, SUB, MUL, LT_S, LOOP, IF, END, V128_ZERO } from '../../wasm/instructions.js';

const FADD = simd(0xe4), FMUL = simd(0xe6);

function emitter(): { code: number[]; emit: (...parts: number[][]) => void } {
  const code: number[] = [];
  return { code, emit: (...parts) => { for (const p of parts) code.push(...p); } };
}

/** Locals o1..o8 = the byte offsets of taps 1..8 from the window's corner. */
function tapOffsets(emit: (...p: number[][]) => void, C4: number, R: number, o: number): void {
  const parts: Array<[number, number]> = [[0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]];
  parts.forEach(([ky, kx], t) => {
    emit(get(R), i32(ky), MUL, get(C4), i32(kx), MUL, ADD, set(o + t));
  });
}

/** Address of tap t (0..8) from pointer local p. */
function tap(p: number, o: number, t: number): number[] {
  return t === 0 ? get(p) : [...get(p), ...get(o + t - 1), ...ADD];
}

function forwardBody(): number[] {
  const PAD = 0, W = 1, OUT = 2, OH = 3, OW = 4, C4 = 5, RS = 6, CS = 7, R = 8;
  const CB = 9, OY = 10, OX = 11, PP = 12, PO = 13, PROW = 14, WQ = 15, O = 16; // O..O+7
  const WV = 24, ACC = 33; // v128: WV..WV+8, ACC
  const { code, emit } = emitter();
  tapOffsets(emit, C4, R, O);
  emit(i32(0), set(CB));
  emit(LOOP); // channel blocks
  emit(get(W), get(CB), i32(9), MUL, ADD, set(WQ));
  for (let t = 0; t < 9; t++) emit(get(WQ), vload(16 * t), set(WV + t));
  emit(get(PAD), get(CB), ADD, set(PROW), get(OUT), get(CB), ADD, set(PO), get(OH), set(OY));
  emit(LOOP); // output rows
  emit(get(PROW), set(PP), get(OW), set(OX));
  emit(LOOP); // output columns
  emit(tap(PP, O, 0), vload(0), get(WV), FMUL, set(ACC));
  for (let t = 1; t < 9; t++) emit(get(ACC), tap(PP, O, t), vload(0), get(WV + t), FMUL, FADD, set(ACC));
  emit(get(PO), get(ACC), vstore(0));
  emit(get(PP), get(CS), ADD, set(PP), get(PO), get(C4), ADD, set(PO));
  emit(get(OX), i32(1), SUB, set(OX), get(OX), brIf(0));
  emit(END);
  emit(get(PROW), get(RS), ADD, set(PROW));
  emit(get(OY), i32(1), SUB, set(OY), get(OY), brIf(0));
  emit(END);
  emit(get(CB), i32(16), ADD, set(CB), get(CB), get(C4), LT_S, brIf(0));
  emit(END);
  return code;
}

function backwardBody(): number[] {
  const PAD = 0, W = 1, DY = 2, DPAD = 3, GW = 4, OH = 5, OW = 6, C4 = 7, RS = 8, CS = 9, R = 10, NEED = 11;
  const CB = 12, OY = 13, OX = 14, PP = 15, PD = 16, PROW = 17, WQ = 18, PA = 19, PX = 20, O = 21; // O..O+7 = 21..28
  const WV = 29, G = 38, D = 47; // v128: WV..WV+8, G..G+8, D
  const { code, emit } = emitter();
  tapOffsets(emit, C4, R, O);
  emit(i32(0), set(CB));
  emit(LOOP); // channel blocks
  emit(get(W), get(CB), i32(9), MUL, ADD, set(WQ));
  for (let t = 0; t < 9; t++) emit(get(WQ), vload(16 * t), set(WV + t), V128_ZERO, set(G + t));
  emit(get(CB), set(PROW), get(DY), get(CB), ADD, set(PD), get(OH), set(OY));
  emit(LOOP); // output rows
  emit(get(PROW), set(PP), get(OW), set(OX));
  emit(LOOP); // output columns
  emit(get(PD), vload(0), set(D), get(PAD), get(PP), ADD, set(PA));
  for (let t = 0; t < 9; t++) emit(get(G + t), tap(PA, O, t), vload(0), get(D), FMUL, FADD, set(G + t));
  emit(get(NEED), IF, get(DPAD), get(PP), ADD, set(PX));
  for (let t = 0; t < 9; t++) emit(tap(PX, O, t), tap(PX, O, t), vload(0), get(D), get(WV + t), FMUL, FADD, vstore(0));
  emit(END);
  emit(get(PP), get(CS), ADD, set(PP), get(PD), get(C4), ADD, set(PD));
  emit(get(OX), i32(1), SUB, set(OX), get(OX), brIf(0));
  emit(END);
  emit(get(PROW), get(RS), ADD, set(PROW));
  emit(get(OY), i32(1), SUB, set(OY), get(OY), brIf(0));
  emit(END);
  emit(get(GW), get(CB), i32(9), MUL, ADD, set(WQ));
  for (let t = 0; t < 9; t++) emit(get(WQ), get(G + t), vstore(16 * t));
  emit(get(CB), i32(16), ADD, set(CB), get(CB), get(C4), LT_S, brIf(0));
  emit(END);
  return code;
}

type Fwd = (pad: number, w: number, out: number, oH: number, oW: number, C4: number, rs: number, cs: number, R: number) => void;
type Bwd = (pad: number, w: number, dy: number, dpad: number, gw: number, oH: number, oW: number, C4: number, rs: number, cs: number,
  R: number, needX: number) => void;

export interface DwSimd { fwd: Fwd; bwd: Bwd; memory: WebAssembly.Memory; f32: Float32Array }

let state: DwSimd | null | undefined;

/** The thread's instance, or null without WebAssembly SIMD (or with TINYCONV_TRAIN_NO_SIMD set). */
export function dwSimd(): DwSimd | null {
  if (state !== undefined) return state;
  state = null;
  try {
    if (process.env.TINYCONV_TRAIN_NO_SIMD) return state;
    const bytes = assemble([
      { name: 'dwf', params: 9, locals: [[15, I32], [10, V128]], code: forwardBody() },
      { name: 'dwb', params: 12, locals: [[17, I32], [19, V128]], code: backwardBody() },
    ], 1);
    const memory = new WebAssembly.Memory({ initial: 16 });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { m: { m: memory } });
    state = { fwd: inst.exports.dwf as unknown as Fwd, bwd: inst.exports.dwb as unknown as Bwd, memory, f32: new Float32Array(memory.buffer) };
  } catch {
    state = null;
  }
  return state;
}

/** The instance's memory as floats, at least `floats` long. */
export function dwMemory(s: DwSimd, floats: number): Float32Array {
  if (s.f32.length < floats) {
    s.memory.grow(Math.ceil((floats - s.f32.length) * 4 / 65536));
    s.f32 = new Float32Array(s.memory.buffer);
  }
  return s.f32;
}
