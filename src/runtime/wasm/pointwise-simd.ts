// The WebAssembly SIMD pointwise kernel, emitted as bytes by assemble.ts when this module loads.
//
//   dots(x, w, acc, pixels, inC, rowW, outC): for every pixel p and output channel n,
//     i32 acc[p * outC + n] = sum_k x[p * inC + k] * w[n * rowW + k]      (outC a multiple of 4)
//
// over int8 bytes in the instance's memory. rowW is inC rounded up to 16 with zero weights, so every
// row is whole 16-byte vectors: a vector of x that runs past its row into the next pixel (or into the
// 16 spare bytes after the input) meets zero weights and adds nothing. Per vector: sign-extend both
// halves to i16x8 once, and for 4 output channels at a time i32x4.dot_i16x8_s each with the weights
// (pairs of products summed exactly: |2 * 128 * 128| < 2^31), accumulated in four i32x4; the lanes are
// added at the end of the row. Every sum is exact
// while inC * 16384 < 2^31 (the planner takes rows up to 2064 only). The zero point and the
// requantization stay in JavaScript (plan.bias, requantizeFast), so the result is the JS kernel's.
//
// Runtime rule: ES5 subset. Runs once at module load.
import { assemble, sleb, uleb, I32, V128 } from './assemble.js';
import { REQUANTIZE_FUNCTION } from './requantize-simd.js';

// Locals: params 0-6, then p 7, n 8, k 9, xRow 10, wRow 11 (i32); sums 12-15, a 16, b 17, xLow 18,
// xHigh 19 (v128).
var X = 0, W = 1, ACC = 2, PIXELS = 3, IN_C = 4, ROW_W = 5, OUT_C = 6;
var P = 7, N = 8, K = 9, X_ROW = 10, W_ROW = 11, SUM = 12, A = 16, B = 17, XL = 18, XH = 19;

function get(i: number): number[] { return [0x20].concat(uleb(i)); }
function set(i: number): number[] { return [0x21].concat(uleb(i)); }
function i32(v: number): number[] { return [0x41].concat(sleb(v)); }
function simd(op: number): number[] { return [0xfd].concat(uleb(op)); }
var ADD = [0x6a];
var MUL = [0x6c];
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

/** Weight row j (of the block of 4) times the current x vector, into sum j. */
function channel(j: number): number[] {
  return get(W_ROW).concat(get(ROW_W), i32(j), MUL, ADD, get(K), ADD, V128_LOAD, set(B),
    get(SUM + j), get(XL), get(B), EXTEND_LOW, DOT, ADD_I32X4,
    get(XH), get(B), EXTEND_HIGH, DOT, ADD_I32X4, set(SUM + j));
}

/** Stores the horizontal sum of sum j at acc + 4j. */
function store(j: number): number[] {
  return get(ACC).concat(i32(4 * j), ADD, get(SUM + j), lane(0), get(SUM + j), lane(1), ADD,
    get(SUM + j), lane(2), ADD, get(SUM + j), lane(3), ADD, I32_STORE);
}

var body = ([] as number[]).concat(
  get(X), set(X_ROW),
  LOOP, // pixels
  i32(0), set(N), get(W), set(W_ROW),
  LOOP, // blocks of 4 output channels (outC is padded to a multiple of 4 with zero rows)
  ZERO_V128, set(SUM), ZERO_V128, set(SUM + 1), ZERO_V128, set(SUM + 2), ZERO_V128, set(SUM + 3), i32(0), set(K),
  LOOP, // 16 inputs at a time, sign-extended once for the 4 channels
  get(X_ROW), get(K), ADD, V128_LOAD, set(A),
  get(A), EXTEND_LOW, set(XL), get(A), EXTEND_HIGH, set(XH),
  channel(0), channel(1), channel(2), channel(3),
  increment(K, i32(16)),
  get(K), get(ROW_W), NE, brIf(0),
  END,
  store(0), store(1), store(2), store(3),
  increment(ACC, i32(16)), increment(W_ROW, get(ROW_W).concat(i32(4), MUL)), increment(N, i32(4)),
  get(N), get(OUT_C), NE, brIf(0),
  END,
  increment(X_ROW, get(IN_C)), increment(P, i32(1)),
  get(P), get(PIXELS), NE, brIf(0),
  END,
);

/** The module's bytes: one function `dots` with 7 i32 parameters. */
export var POINTWISE_SIMD_WASM = assemble([{ name: 'dots', params: 7, locals: [[5, I32], [8, V128]], code: body }, REQUANTIZE_FUNCTION], 1);
