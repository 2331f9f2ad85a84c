// requantize(acc, params, out, count, channels, zp, min, max, skip): TFLite's requantization of int32
// sums in wasm SIMD, four channels per i32x4, with the exact int64 products JavaScript lacks:
//   v = (acc[i] + bias[c]) * 2^leftShift[c]                      (int32, wrapping like C's shift)
//   r = SaturatingRoundingDoublingHighMul(v, multiplier[c])      = floor((v * m + 2^30) / 2^31)
//   r = RoundingDivideByPOT(r, rightShift[c]); out[i] = clamp(r + zp, min, max)
// The high multiply: i64x2.extmul of v and m, plus 2^30, shifted left by one so that bits 31..62 are
// the high 32-bit word of each lane (one shuffle gathers them). It cannot saturate: only
// INT32_MIN * INT32_MIN would, and the loader refuses multipliers outside [0, 2^31) (validate.ts),
// so also |r| <= 2^31 - 1.
// RoundingDivideByPOT rounds half away from zero, so it is sign(r) * floor((|r| + 2^(e-1)) / 2^e) =
// floor((2|r| * 2^(31 - e) + 2^31) / 2^32): the high word of an unsigned extmul of 2|r| (< 2^32) and
// 2^(31 - e) (fits u32 for every e in 0..31) plus 2^31, no per-lane shift needed. Then saturating steps that
// give clamp(r + zp, min, max) without any int32 wrap: narrow to i16, add zp with i16 saturation,
// narrow to i8 (whatever saturated lies beyond [-128, 127] on the side of the true r + zp), clamp to
// [min, max] as i8x16; 8 int8 stored at once.
// params (plan-simd.ts's setParams) holds, per block of 4 channels, four i32x4: bias (plan.bias wrapped
// to int32: the true accumulator fits int32, so the wrapped sum equals it), 2^leftShift, multiplier,
// 2^(31 - rightShift), room for ceil8(channels). Channels run 0..channels-1 along each pixel, 8 per
// step; lanes past the last channel read whatever follows and write into the next pixel's bytes
// (rewritten next) or up to 7 spare bytes after the output. Each pixel's sums are ceil4(channels)
// int32 then `skip` bytes of padding.
// Tested against the BigInt reference (INT32_MIN saturation included).
//
// Runtime rule: ES5 subset. Runs at build time (tools/wasm-kernels.ts).
import { uleb, I32, V128, WasmFunction } from '../../wasm/assemble.js';
import { get, set, i32, simd, ADD, SUB, MUL } from '../../wasm/instructions.js';

var ACC = 0, PARAMS = 1, OUT = 2, COUNT = 3, CHANNELS = 4, ZP = 5, MIN = 6, MAX = 7, SKIP = 8;
var I = 9, C = 10, P = 11;
var V = 12, R = 13, NUDGE = 14, LOW = 15, HIGH = 16, ZPV = 17, NUDGE_U = 18;

function tee(i: number): number[] { return [0x22].concat(uleb(i)); }
function load(offset: number): number[] { return simd(0x00).concat([0], uleb(offset)); }
var AND = [0x71], LT = [0x48];
var SPLAT64 = simd(0x12);
var ADD32 = simd(0xae), SUB32 = simd(0xb1), MUL32 = simd(0xb5), ABS32 = simd(0xa0);
var SHL32 = simd(0xab), SHR32 = simd(0xac), XOR = simd(0x51);
var ADD64 = simd(0xce), SHL64 = simd(0xcb);
var NARROW16 = simd(0x85), NARROW8 = simd(0x65);
var STORE64_LANE0 = simd(0x5b).concat([0, 0, 0]);
// the high 32-bit word of each i64 lane of two vectors, as one i32x4
var HIGH_WORDS = simd(0x0d).concat([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]);
function add(local: number, by: number[]): number[] { return get(local).concat(by, ADD, set(local)); }

/** Bits 31..62 of v * y + 2^30 (i64, v in local V, y the code pushing it) as i32x4 (signed extmul). */
function highMul(y: number[]): number[] {
  return get(V).concat(y, simd(0xdc), get(NUDGE), ADD64, i32(1), SHL64, // i64x2.extmul_low_i32x4_s
    get(V), y, simd(0xdd), get(NUDGE), ADD64, i32(1), SHL64, HIGH_WORDS);
}

/** The high words of v * y + 2^31 (u64, v in local V, y the code pushing it) as i32x4. */
function highMulUnsigned(y: number[]): number[] {
  return get(V).concat(y, simd(0xde), get(NUDGE_U), ADD64, // i64x2.extmul_low_i32x4_u
    get(V), y, simd(0xdf), get(NUDGE_U), ADD64, HIGH_WORDS);
}

/** Four requantized sums as i32x4 on the stack (before zp and clamp): sums at acc + accOffset,
 *  parameters at p + paramOffset; `leftShift` false leaves out the multiply by 2^leftShift. */
function quad(accOffset: number, paramOffset: number, leftShift: boolean): number[] {
  return get(ACC).concat(load(accOffset), get(P), load(paramOffset), ADD32, leftShift ? get(P).concat(load(paramOffset + 16), MUL32) : [], set(V),
    highMul(get(P).concat(load(paramOffset + 32))), tee(R),
    ABS32, i32(1), SHL32, set(V), highMulUnsigned(get(P).concat(load(paramOffset + 48))), // |r| rounded
    get(R), i32(31), SHR32, tee(V), XOR, get(V), SUB32); // the sign back: (q ^ s) - s, s = r >> 31
}

function body(leftShift: boolean): number[] {
  return ([] as number[]).concat(
  get(PARAMS), set(P),
  [0x42, 0x80, 0x80, 0x80, 0x80, 0x04], SPLAT64, set(NUDGE), // i64 2^30
  [0x42, 0x80, 0x80, 0x80, 0x80, 0x08], SPLAT64, set(NUDGE_U), // i64 2^31
  get(MIN), simd(0x0f), set(LOW), get(MAX), simd(0x0f), set(HIGH), get(ZP), simd(0x10), set(ZPV), // i8x16, i8x16, i16x8.splat
  [0x03, 0x40], // loop over blocks of 8 outputs
  get(OUT), get(I), ADD, // the store's address
  // saturating narrows: r to i16, + zp (i16x8.add_sat_s), to i8, then the clamp in i8x16 (min_s, max_s)
  quad(0, 0, leftShift), quad(16, 64, leftShift), NARROW16, get(ZPV), simd(0x8f), tee(V), get(V), NARROW8, get(LOW), simd(0x78), get(HIGH), simd(0x76),
  STORE64_LANE0,
  add(ACC, i32(32)), add(P, i32(128)), add(I, i32(8)), add(C, i32(8)),
  // next pixel: back to channel 0 (output index = pixel start + channels), the sums after channel
  // ceil4(channels) skipped
  [0x02, 0x40], get(C), get(CHANNELS), LT, [0x0d, 0],
  get(I), get(C), SUB, get(CHANNELS), ADD, set(I),
  get(ACC), get(CHANNELS), i32(3), ADD, i32(-4), AND, get(C), SUB, i32(4), MUL, ADD, get(SKIP), ADD, set(ACC),
  i32(0), set(C), get(PARAMS), set(P), [0x0b],
  get(I), get(COUNT), LT, [0x0d, 0],
  [0x0b]);
}

/** The shared requantization function (9 i32 parameters), assembled into the SIMD module, and its
 *  twin for ops whose left shifts are all 0 (most: a left shift means a multiplier above 1), which
 *  skips the i32x4.mul (about 2% of person_detect). */
export var REQUANTIZE_FUNCTION: WasmFunction = { name: 'requantize', params: 9, locals: [[3, I32], [7, V128]], code: body(true) };
export var REQUANTIZE_NO_SHIFT_FUNCTION: WasmFunction = { name: 'requantize0', params: 9, locals: [[3, I32], [7, V128]], code: body(false) };
