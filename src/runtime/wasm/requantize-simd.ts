// requantize(acc, params, out, count, channels, zp, min, max, skip): TFLite's requantization of int32
// sums in wasm, with the exact int64 arithmetic JavaScript lacks:
//   v = (acc[i] + bias[c]) << leftShift[c]                       (int32, wrapping like C)
//   r = SaturatingRoundingDoublingHighMul(v, multiplier[c])      (i64 product, floor((p + 2^30) / 2^31))
//   r = RoundingDivideByPOT(r, rightShift[c]); out[i] = clamp(r + zp, min, max)
// params holds [bias, multiplier, leftShift, rightShift] as i32 per channel (plan-simd.ts). The
// channel c runs 0..channels-1 along each pixel; after each pixel `skip` bytes of acc are skipped
// (the depthwise kernel's rows are padded to 16 channels). The bias is plan.bias wrapped to int32:
// the true accumulator fits int32, so the wrapped sum equals it. Tested against the JS runtime.
//
// Runtime rule: ES5 subset. Runs once at module load.
import { sleb, uleb, I32, WasmFunction } from './assemble.js';

var ACC = 0, PARAMS = 1, OUT = 2, COUNT = 3, CHANNELS = 4, ZP = 5, MIN = 6, MAX = 7, SKIP = 8;
var I = 9, C = 10, P = 11, V = 12, M = 13, R = 14, MASK = 15;

function get(i: number): number[] { return [0x20].concat(uleb(i)); }
function set(i: number): number[] { return [0x21].concat(uleb(i)); }
function tee(i: number): number[] { return [0x22].concat(uleb(i)); }
function i32(v: number): number[] { return [0x41].concat(sleb(v)); }
function load(offset: number): number[] { return [0x28, 2].concat(uleb(offset)); }
var ADD = [0x6a], SUB = [0x6b], AND = [0x71], SHL = [0x74], SHR = [0x75];
var EQ = [0x46], NE = [0x47], LT = [0x48], GT = [0x4a], SELECT = [0x1b];
var I64_EXTEND = [0xac], I64_MUL = [0x7e], I64_ADD = [0x7c], I64_SHR = [0x87], WRAP = [0xa7];
var I64_CONST_2_30 = [0x42, 0x80, 0x80, 0x80, 0x80, 0x04]; // 2^30
var STORE8 = [0x3a, 0, 0];
function add(local: number, by: number[]): number[] { return get(local).concat(by, ADD, set(local)); }

var code = ([] as number[]).concat(
  get(PARAMS), set(P),
  [0x03, 0x40], // loop over outputs
  // v = (acc + bias) << leftShift; m = multiplier
  get(ACC), load(0), get(P), load(0), ADD, get(P), load(8), SHL, set(V),
  get(P), load(4), set(M),
  // (v * m + nudge) / 2^31 truncated toward zero = floor((v * m + 2^30) / 2^31) for either sign
  // (for a negative product the nudge 1 - 2^30 plus truncation is the same floor): an arithmetic shift
  get(V), I64_EXTEND, get(M), I64_EXTEND, I64_MUL, I64_CONST_2_30, I64_ADD, [0x42, 31], I64_SHR, WRAP, set(R),
  // the one overflow: INT32_MIN * INT32_MIN saturates to INT32_MAX
  i32(2147483647), get(R), get(V), i32(-2147483648), EQ, get(M), i32(-2147483648), EQ, AND, SELECT, set(R),
  // rounding divide by 2^rightShift
  i32(1), get(P), load(12), SHL, i32(1), SUB, set(MASK),
  get(R), get(P), load(12), SHR,
  get(R), get(MASK), AND, get(MASK), i32(1), SHR, get(R), i32(0), LT, ADD, GT, ADD, set(R),
  // clamp to [min - zp, max - zp], then add zp: the same result as clamping r + zp without the
  // int32 wrap-around r + zp could hit (JavaScript adds in doubles)
  get(OUT), get(I), ADD,
  get(MIN), get(ZP), SUB, tee(MASK), get(MAX), get(ZP), SUB, tee(V),
  get(R), get(R), get(V), GT, SELECT, tee(R), get(R), get(MASK), LT, SELECT, get(ZP), ADD,
  STORE8,
  add(ACC, i32(4)), add(P, i32(16)), add(C, i32(1)),
  // next pixel: back to channel 0, skip the padding sums
  [0x02, 0x40], get(C), get(CHANNELS), NE, [0x0d, 0], i32(0), set(C), get(PARAMS), set(P), add(ACC, get(SKIP)), [0x0b],
  add(I, i32(1)), get(I), get(COUNT), NE, [0x0d, 0],
  [0x0b]);

/** The shared requantization function (9 i32 parameters), assembled into each SIMD module. */
export var REQUANTIZE_FUNCTION: WasmFunction = { name: 'requantize', params: 9, locals: [[7, I32]], code: code };
