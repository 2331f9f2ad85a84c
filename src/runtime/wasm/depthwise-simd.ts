// The WebAssembly SIMD depthwise 3x3 kernel (multiplier 1), emitted as bytes by assemble.ts (module-simd.ts).
//
//   dw(x, w, acc, outH, outW, rowBytes, stepY, stepX, channels, channelsW):
//     for every output pixel and 16 channels at a time, the int32 sums over the nine taps of
//     x[tap] * w[tap] as i32x4 lanes, stored at acc + (pixel * channelsW + c) * 4.
//
// x is the input already surrounded by its padding, every padded byte equal to the input zero point
// (plan-simd.ts fills it once, `pad` below copies the image in per run), so every pixel is an
// interior one: with the zero point folded into plan.bias, the padded taps add zp * w, exactly what the
// folded bias took away (docs/kernels.md). Weights are [channelsW / 16][9][16] (each block's nine taps
// at constant offsets), zero past the real channel count, so vectors that run into the next pixel add
// nothing. The nine taps go two at a time (columns 0 and 1 of each row, then column 2 of rows 0 and 1,
// then row 2's alone): i16x8.extmul_{low,high}_i8x16_s of each, the two
// products added as i16 (the planner sends only weights in [-127, 127] here, so |x * w| <= 16256 and
// a pair sums below 2^15), then sign-extended to i32x4 and added: half the extends of one tap at a time.
//
// Runtime rule: ES5 subset. Runs at build time (tools/wasm-kernels.ts).
import { I32, V128, WasmFunction } from '../../wasm/assemble.js';
import { get, set, i32, simd, vload, ADD, MUL, NE, LOOP, END } from '../../wasm/instructions.js';

// Params 0-9; locals: oy 10, ox 11, c 12, pix 13, ky 14, xRow 15, xCol2 16, wRow 17, wBlock 18,
// out 19, ch2 20 (i32); a0-a3 21-24, xv 25, wv 26, lo 27, hi 28, zero 29 (v128).
var X = 0, W = 1, ACC = 2, OUT_H = 3, OUT_W = 4, ROW = 5, STEP_Y = 6, STEP_X = 7, CH = 8, CHW = 9;
var OY = 10, OX = 11, C = 12, PIX = 13, KY = 14, XR = 15, XC2 = 16, WR = 17, WB = 18, OUT = 19, CH2 = 20;
var A0 = 21, XV = 25, WV = 26, LO = 27, HI = 28, ZERO = 29; // zero: never written

var BR_IF0 = [0x0d, 0];
var TEE = 0x22;
var STORE = simd(0x0b).concat([0, 0]);
var EXTMUL_LO8 = simd(0x9c); // i16x8.extmul_low_i8x16_s
var EXTMUL_HI8 = simd(0x9d);
var ADD16 = simd(0x8e);
var EXT_LO16 = simd(0xa7);
var EXT_HI16 = simd(0xa8);
var ADD32 = simd(0xae);

function add(local: number, by: number[]): number[] { return get(local).concat(by, ADD, set(local)); }
function countedLoop(counter: number, limit: number[], inner: number[]): number[] {
  return i32(0).concat(set(counter), LOOP, inner, add(counter, i32(1)), get(counter), limit, NE, BR_IF0, END);
}

/** The tap whose input vector is at `address` and weights at wLocal + wOffset: its products into
 *  lo/hi (i16x8), set (the first of a pair) or added (the second). */
function tap(address: number[], wLocal: number, wOffset: number, first: boolean): number[] {
  var code = address.concat(vload(0, 0), set(XV), get(wLocal), vload(wOffset, 0), set(WV));
  var halves = [[EXTMUL_LO8, LO], [EXTMUL_HI8, HI]];
  for (var h = 0; h < 2; h++) {
    code = code.concat(get(XV), get(WV), halves[h][0] as number[], first ? [] : get(halves[h][1] as number).concat(ADD16), set(halves[h][1] as number));
  }
  return code;
}

/** lo/hi sign-extended into the four i32x4 sums. */
var flush = ([] as number[]).concat(
  get(A0), get(LO), EXT_LO16, ADD32, set(A0), get(A0 + 1), get(LO), EXT_HI16, ADD32, set(A0 + 1),
  get(A0 + 2), get(HI), EXT_LO16, ADD32, set(A0 + 2), get(A0 + 3), get(HI), EXT_HI16, ADD32, set(A0 + 3));

// Pairs: columns 0 and 1 of each kernel row (a loop), then column 2 of rows 0 and 1, then of row 2 alone.
var taps = ([] as number[]).concat(
  countedLoop(KY, i32(3), ([] as number[]).concat(
    tap(get(XR), WR, 0, true), tap(get(XR).concat(get(CH), ADD), WR, 16, false), flush,
    add(XR, get(ROW)), add(WR, i32(48)))),
  tap(get(XC2), WB, 32, true), tap(get(XC2).concat(get(ROW), ADD), WB, 80, false), flush,
  tap(get(XC2).concat(get(ROW), get(ROW), ADD, ADD), WB, 128, true), flush);

var channelBlock = ([] as number[]).concat(
  get(ZERO), set(A0), get(ZERO), set(A0 + 1), get(ZERO), set(A0 + 2), get(ZERO), set(A0 + 3),
  get(PIX), get(C), ADD, [TEE, XR], get(CH2), ADD, set(XC2),
  get(W), get(C), i32(9), MUL, ADD, [TEE, WR], set(WB), // block c / 16 at w + (c / 16) * 144
  taps,
  get(OUT), get(A0), STORE, get(OUT), i32(16), ADD, get(A0 + 1), STORE,
  get(OUT), i32(32), ADD, get(A0 + 2), STORE, get(OUT), i32(48), ADD, get(A0 + 3), STORE,
  add(OUT, i32(64)),
  add(C, i32(16)), get(C), get(CHW), NE, BR_IF0);

var body = ([] as number[]).concat(
  get(ACC), set(OUT), get(CH), get(CH), ADD, set(CH2),
  countedLoop(OY, get(OUT_H), countedLoop(OX, get(OUT_W), ([] as number[]).concat(
    // pixel origin: x + oy * stepY + ox * stepX
    get(X), get(OY), get(STEP_Y), MUL, ADD, get(OX), get(STEP_X), MUL, ADD, set(PIX),
    i32(0), set(C), LOOP, channelBlock, END))));

/** The function `dw` (10 i32 parameters), assembled into the SIMD module (module-simd.ts). */
export var DEPTHWISE_FUNCTION: WasmFunction = { name: 'dw', params: 10, locals: [[11, I32], [9, V128]], code: body };

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

// padPairs(src, dst, rows, cols, srcStride, dstStride): a one-channel image into the layout `dw` reads
// for 8 output channels at stride 2 (MobileNet's first layer): padded column q holds 16 bytes, input
// column q repeated 8 times then input column q + 2 repeated 8 times, so one 16-byte load at a tap
// feeds two output pixels (columns two apart) and `dw` runs on full vectors. One 4-byte load, a
// shuffle and a store per column; the last two columns get their low half only (their high half is
// past the image: the zero-point border, written once by the planner). The planner uses it only when
// padLeft is 0 (so column q is input column q) and the image is at least 3 columns wide.
var PS = 0, PD = 1, PROWS = 2, PCOLS = 3, PSS = 4, PDS = 5, PI = 6, PDST = 7, PV = 8;
var GE_S = [0x4e];
var BR0 = [0x0c, 0], BR_IF1 = [0x0d, 1];
/** A loop over columns while pI < limit: `body` then the next column. */
function columns(limit: number[], body: number[]): number[] {
  return BLOCK.concat(LOOP, get(PI), limit, GE_S, BR_IF1, body, add(PDST, i32(16)), add(PI, i32(1)), BR0, END, END);
}
var REPEAT_0_AND_2 = [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2];
var padPairsBody = ([] as number[]).concat(
  LOOP, // rows
  i32(0), set(PI), get(PD), set(PDST),
  columns(get(PCOLS).concat(i32(-2), ADD), ([] as number[]).concat(
    get(PDST), get(PS), get(PI), ADD, simd(0x5c).concat([0, 0]), [0x22, PV], get(PV), simd(0x0d), REPEAT_0_AND_2, // v128.load32_zero, i8x16.shuffle
    simd(0x0b).concat([0, 0]))), // v128.store
  columns(get(PCOLS), ([] as number[]).concat(
    get(PDST), get(PS), get(PI), ADD, simd(0x07).concat([0, 0]), simd(0x5b).concat([0, 0, 0]))), // load8_splat, store64_lane 0
  add(PS, get(PSS)), add(PD, get(PDS)), add(PROWS, i32(-1)), get(PROWS), BR_IF0,
  END);

/** The function `padPairs` (6 i32 parameters), assembled into the SIMD module (module-simd.ts). */
export var PAD_PAIRS_FUNCTION: WasmFunction = { name: 'padPairs', params: 6, locals: [[2, I32], [1, V128]], code: padPairsBody };
