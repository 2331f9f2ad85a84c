// The WebAssembly SIMD depthwise 3x3 kernel (multiplier 1), emitted as bytes by assemble.ts (module-simd.ts).
//
//   dw(x, w, acc, outH, outW, rowBytes, stepY, stepX, channels, channelsW):
//     for every output pixel and 16 channels at a time, the int32 sums over the nine taps of
//     x[tap] * w[tap] as i32x4 lanes, stored at acc + (pixel * channelsW + c) * 4.
//
// x is the input already surrounded by its padding, every padded byte equal to the input zero point
// (plan-simd.ts fills it once, `pad` below copies the image in per run), so every pixel is an
// interior one: with the zero point folded into plan.bias, the padded taps add zp * w, exactly what the
// folded bias took away (docs/kernels.md). Weights are [9][channelsW] with zero columns past the real
// channel count, so vectors that run into the next pixel add nothing. Products of two int8 fit i16
// (|128 * 128| < 2^15): i16x8.extmul_{low,high}_i8x16_s, then sign-extend to i32x4 and add.
//
// Runtime rule: ES5 subset. Runs at build time (tools/wasm-kernels.ts).
import { I32, V128, WasmFunction } from '../../wasm/assemble.js';
import { get, set, i32, simd, ADD, MUL, NE, LOOP, END } from '../../wasm/instructions.js';

// Params 0-9; locals: oy 10, ox 11, c 12, ky 13, kx 14, pix 15, xTap 16, wTap 17, out 18 (i32);
// a0-a3 19-22, xv 23, wv 24, lo 25, hi 26, zero 27 (v128).
var X = 0, W = 1, ACC = 2, OUT_H = 3, OUT_W = 4, ROW = 5, STEP_Y = 6, STEP_X = 7, CH = 8, CHW = 9;
var OY = 10, OX = 11, C = 12, KY = 13, KX = 14, PIX = 15, XT = 16, WT = 17, OUT = 18;
var A0 = 19, XV = 23, WV = 24, LO = 25, HI = 26, ZERO = 27; // zero: never written

var BR_IF0 = [0x0d, 0];
var LOAD = simd(0x00).concat([0, 0]);
var STORE = simd(0x0b).concat([0, 0]);
var EXTMUL_LO8 = simd(0x9c); // i16x8.extmul_low_i8x16_s
var EXTMUL_HI8 = simd(0x9d);
var EXT_LO16 = simd(0xa7);
var EXT_HI16 = simd(0xa8);
var ADD32 = simd(0xae);

function add(local: number, by: number[]): number[] { return get(local).concat(by, ADD, set(local)); }
function accumulate(k: number, from: number, ext: number[]): number[] {
  return get(A0 + k).concat(get(from), ext, ADD32, set(A0 + k));
}
function countedLoop(counter: number, limit: number[], inner: number[]): number[] {
  return i32(0).concat(set(counter), LOOP, inner, add(counter, i32(1)), get(counter), limit, NE, BR_IF0, END);
}

var taps = ([] as number[]).concat(
  get(XT), LOAD, set(XV), get(WT), LOAD, set(WV),
  get(XV), get(WV), EXTMUL_LO8, set(LO),
  get(XV), get(WV), EXTMUL_HI8, set(HI),
  accumulate(0, LO, EXT_LO16), accumulate(1, LO, EXT_HI16), accumulate(2, HI, EXT_LO16), accumulate(3, HI, EXT_HI16),
  add(XT, get(CH)), add(WT, get(CHW)));

var channelBlock = ([] as number[]).concat(
  get(ZERO), set(A0), get(ZERO), set(A0 + 1), get(ZERO), set(A0 + 2), get(ZERO), set(A0 + 3),
  get(PIX), get(C), ADD, set(XT), get(W), get(C), ADD, set(WT),
  countedLoop(KY, i32(3), ([] as number[]).concat(
    countedLoop(KX, i32(3), taps),
    // next kernel row: back 3 pixels, down one image row
    add(XT, get(ROW).concat(get(CH), i32(-3), MUL, ADD)))),
  get(OUT), get(A0), STORE, get(OUT), i32(16), ADD, get(A0 + 1), STORE,
  get(OUT), i32(32), ADD, get(A0 + 2), STORE, get(OUT), i32(48), ADD, get(A0 + 3), STORE,
  add(OUT, i32(64)),
  add(C, i32(16)), get(C), get(CHW), NE, BR_IF0);

var body = ([] as number[]).concat(
  get(ACC), set(OUT),
  countedLoop(OY, get(OUT_H), countedLoop(OX, get(OUT_W), ([] as number[]).concat(
    // pixel origin: x + oy * stepY + ox * stepX
    get(X), get(OY), get(STEP_Y), MUL, ADD, get(OX), get(STEP_X), MUL, ADD, set(PIX),
    i32(0), set(C), LOOP, channelBlock, END))));

/** The function `dw` (10 i32 parameters), assembled into the SIMD module (module-simd.ts). */
export var DEPTHWISE_FUNCTION: WasmFunction = { name: 'dw', params: 10, locals: [[9, I32], [9, V128]], code: body };

// pad(src, dst, rows, bytes, srcStride, dstStride, multiplier): the image rows into the zero-point
// border, each input byte repeated `multiplier` times (one copy per output channel, so `dw` is always
// multiplier 1): memory.copy per row for multiplier 1, else an i8x16 splat of each byte stored 8 bytes
// at a time, then single bytes (never past the row: the border must stay the zero point).
var SRC = 0, DST = 1, ROWS = 2, BYTES = 3, SRC_STRIDE = 4, DST_STRIDE = 5, MULT = 6;
var K = 7, R = 8, D = 9, SPLAT = 10;
var BR1 = [0x0c, 1], BLOCK = [0x02, 0x40];
var padBody = ([] as number[]).concat(
  LOOP, // rows
  BLOCK, BLOCK,
  get(MULT), i32(1), NE, BR_IF0,
  get(DST), get(SRC), get(BYTES), [0xfc, 0x0a, 0, 0], BR1, // memory.copy
  END,
  get(DST), set(D), countedLoop(K, get(BYTES), ([] as number[]).concat(
    get(SRC), get(K), ADD, simd(0x07).concat([0, 0]), set(SPLAT), get(MULT), set(R), // v128.load8_splat
    LOOP, BLOCK, BLOCK,
    get(R), i32(8), [0x48], BR_IF0, // fewer than 8 left
    get(D), get(SPLAT), simd(0x5b).concat([0, 0, 0]), add(D, i32(8)), add(R, i32(-8)), BR1, // v128.store64_lane 0
    END,
    get(D), get(SPLAT), simd(0x15).concat([0]), [0x3a, 0, 0], add(D, i32(1)), add(R, i32(-1)), // i8x16.extract_lane_s 0, i32.store8
    END,
    get(R), BR_IF0, END)),
  END,
  add(SRC, get(SRC_STRIDE)), add(DST, get(DST_STRIDE)), add(ROWS, i32(-1)), get(ROWS), BR_IF0,
  END);

/** The function `pad` (7 i32 parameters), assembled into the SIMD module (module-simd.ts). */
export var PAD_FUNCTION: WasmFunction = { name: 'pad', params: 7, locals: [[3, I32], [1, V128]], code: padBody };
