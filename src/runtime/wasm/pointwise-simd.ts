// The WebAssembly SIMD pointwise kernel, emitted as bytes by assemble.ts when this module loads.
//
//   dots(x, w, acc, pixels, inC, rowW, outC): for every pixel p and output channel n,
//     i32 acc[p * outC + n] = sum_k x[p * inC + k] * w[n * rowW + k]
//
// over int8 bytes in the instance's memory. rowW is inC rounded up to 16 with zero weights, so every
// row is whole 16-byte vectors: a vector of x that runs past its row into the next pixel (or into the
// 16 spare bytes after the input) meets zero weights and adds nothing. Per vector: sign-extend both
// halves to i16x8 and i32x4.dot_i16x8_s each (pairs of products summed exactly: |2 * 128 * 128| <
// 2^31), accumulate in i32x4; the four lanes are added at the end of the row. Every sum is exact
// while inC * 16384 < 2^31 (the planner takes rows up to 2064 only). The zero point and the
// requantization stay in JavaScript (plan.bias, requantizeFast), so the result is the JS kernel's.
//
// Runtime rule: ES5 subset. Runs once at module load.
import { assemble, sleb, uleb, I32, V128 } from './assemble.js';
import { REQUANTIZE_FUNCTION } from './requantize-simd.js';

// Locals: params 0-6, then p 7, n 8, k 9, xRow 10, wRow 11 (i32); sum 12, a 13, b 14 (v128).
var X = 0, W = 1, ACC = 2, PIXELS = 3, IN_C = 4, ROW_W = 5, OUT_C = 6;
var P = 7, N = 8, K = 9, X_ROW = 10, W_ROW = 11, SUM = 12, A = 13, B = 14;

function get(i: number): number[] { return [0x20].concat(uleb(i)); }
function set(i: number): number[] { return [0x21].concat(uleb(i)); }
function i32(v: number): number[] { return [0x41].concat(sleb(v)); }
function simd(op: number): number[] { return [0xfd].concat(uleb(op)); }
var ADD = [0x6a];
var NE = [0x47];
var LOOP = [0x03, 0x40];
var END = [0x0b];
function brIf(depth: number): number[] { return [0x0d].concat(uleb(depth)); }
var V128_LOAD = simd(0x00).concat([0, 0]); // memarg: align 2^0, offset 0
var I32_STORE = [0x36, 2, 0]; // memarg: align 2^2, offset 0
var EXTEND_LOW = simd(0x87); // i16x8.extend_low_i8x16_s
var EXTEND_HIGH = simd(0x88); // i16x8.extend_high_i8x16_s
var DOT = simd(0xba); // i32x4.dot_i16x8_s
var ADD_I32X4 = simd(0xae);
var ZERO_V128 = simd(0x0c).concat([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
function lane(i: number): number[] { return simd(0x1b).concat([i]); } // i32x4.extract_lane

function increment(local: number, by: number[]): number[] {
  return get(local).concat(by, ADD, set(local));
}

var body = ([] as number[]).concat(
  get(X), set(X_ROW),
  LOOP, // pixels
  i32(0), set(N), get(W), set(W_ROW),
  LOOP, // output channels
  ZERO_V128, set(SUM), i32(0), set(K),
  LOOP, // 16 inputs at a time
  get(X_ROW), get(K), ADD, V128_LOAD, set(A),
  get(W_ROW), get(K), ADD, V128_LOAD, set(B),
  get(SUM), get(A), EXTEND_LOW, get(B), EXTEND_LOW, DOT, ADD_I32X4,
  get(A), EXTEND_HIGH, get(B), EXTEND_HIGH, DOT, ADD_I32X4, set(SUM),
  increment(K, i32(16)),
  get(K), get(ROW_W), NE, brIf(0),
  END,
  get(ACC), get(SUM), lane(0), get(SUM), lane(1), ADD, get(SUM), lane(2), ADD, get(SUM), lane(3), ADD, I32_STORE,
  increment(ACC, i32(4)), increment(W_ROW, get(ROW_W)), increment(N, i32(1)),
  get(N), get(OUT_C), NE, brIf(0),
  END,
  increment(X_ROW, get(IN_C)), increment(P, i32(1)),
  get(P), get(PIXELS), NE, brIf(0),
  END,
);

/** The module's bytes: one function `dots` with 7 i32 parameters. */
export var POINTWISE_SIMD_WASM = assemble([{ name: 'dots', params: 7, locals: [[5, I32], [3, V128]], code: body }, REQUANTIZE_FUNCTION], 1);
