// The WebAssembly SIMD pointwise kernel, emitted as bytes by assemble.ts (module-simd.ts).
//
//   dots(x, w, acc, pixels, inC, rowW, outC): for every pixel p and output channel n,
//     i32 acc[p * outC + n] = sum_k x[p * inC + k] * W[n][k]      (outC a multiple of 4)
//
// over int8 bytes in the instance's memory. rowW is inC rounded up to 16 with zero weights, so every
// row is whole 16-byte vectors: a vector of x that runs past its row into the next pixel (or into the
// spare bytes after the input) meets zero weights and adds nothing. The weights are int16 (sign-extended
// once at load, so the loop extends only x), stored in the order the kernel reads them (plan-simd.ts):
// per block of 4 channels, per 16 inputs, the 4 channels' 16 values, i.e. W[n][k] at int16 index
// (n >> 2) * 4 * rowW + (k >> 4) * 64 + (n & 3) * 16 + (k & 15), so one pointer steps 128 bytes and
// the loads take constant offsets. Two pixels at a time (an odd count's last one pairs with a
// phantom pixel: the planner leaves rowW spare input bytes and one spare row of sums): each 16 bytes
// of x sign-extended to two i16x8, and per channel i32x4.dot_i16x8_s with its weights
// (pairs of products summed exactly: |2 * 128 * 128| < 2^31), accumulated in 4 i32x4 per pixel; the
// lanes are added at the end of the row (shuffles: one i32x4 store per 4 channels). Every sum is
// exact while inC * 16384 < 2^31 (the planner takes rows up to 65,535 only). The zero point is in
// plan.bias and requantize-simd.ts requantizes these sums, so the result is the JS kernel's.
//
// Runtime rule: ES5 subset. Runs at build time (tools/wasm-kernels.ts).
import { uleb, I32, V128, WasmFunction } from '../../wasm/assemble.js';
import { get, set, i32, simd, brIf, ADD, NE, LOOP, END } from '../../wasm/instructions.js';

// Locals: params 0-6, then p 7, n 8, k 9, xRow 10, wRow 11, xRow2 12, step 13 (i32); sums 14-21 (four
// per pixel), a 22, b 23, xLow 24, xHigh 25, xLow2 26, xHigh2 27, zero 28 (never written) (v128).
var X = 0, W = 1, ACC = 2, PIXELS = 3, IN_C = 4, ROW_W = 5, OUT_C = 6;
var P = 7, N = 8, K = 9, X_ROW = 10, W_ROW = 11, X_ROW2 = 12, STEP = 13, SUM = 14, A = 22, B = 23, XL = 24;
var ZERO = 28;

var V128_LOAD = simd(0x00).concat([0, 0]); // memarg: align 2^0, offset 0
var V128_STORE = simd(0x0b).concat([0, 0]);
var EXTEND_LOW = simd(0x87); // i16x8.extend_low_i8x16_s
var EXTEND_HIGH = simd(0x88); // i16x8.extend_high_i8x16_s
var DOT = simd(0xba); // i32x4.dot_i16x8_s
var ADD_I32X4 = simd(0xae);

function increment(local: number, by: number[]): number[] {
  return get(local).concat(by, ADD, set(local));
}

/** Weight row j of the block of 4 (its 16 int16 at wRow + 32j) times the current x vectors of both
 *  pixels, into sum j of each. */
function channel(j: number): number[] {
  var code: number[] = [];
  for (var h = 0; h < 2; h++) {
    code = code.concat(get(W_ROW), simd(0x00), [0], uleb(32 * j + 16 * h), set(A));
    for (var q = 0; q < 2; q++) code = code.concat(get(SUM + 4 * q + j), get(XL + 2 * q + h), get(A), DOT, ADD_I32X4, set(SUM + 4 * q + j));
  }
  return code;
}

/** Pixel q's x vector at xRow (or xRow2) + k, both halves sign-extended. */
function loadX(q: number): number[] {
  return get(X_ROW + 2 * q).concat(get(K), ADD, V128_LOAD, set(A), get(A), EXTEND_LOW, set(XL + 2 * q), get(A), EXTEND_HIGH, set(XL + 2 * q + 1));
}

/** i8x16.shuffle of two i32x4 by lane indices (0-3 the first vector, 4-7 the second). */
function shuffle(a: number, b: number, lanes: number[]): number[] {
  var bytes: number[] = [];
  for (var i = 0; i < 16; i++) bytes.push(lanes[i >> 2] * 4 + (i & 3));
  return get(a).concat(get(b), simd(0x0d), bytes);
}

/** Pixel q's four sums' lanes added: [sum 0, sum 1, sum 2, sum 3] stored at acc (+ step for the second
 *  pixel), two rounds of pairwise shuffle-and-add (a and b hold the half-reduced pairs). */
function storeSums(q: number): number[] {
  var s = SUM + 4 * q;
  return shuffle(s, s + 1, [0, 1, 4, 5]).concat(shuffle(s, s + 1, [2, 3, 6, 7]), ADD_I32X4, set(A),
    shuffle(s + 2, s + 3, [0, 1, 4, 5]), shuffle(s + 2, s + 3, [2, 3, 6, 7]), ADD_I32X4, set(B),
    get(ACC), q ? get(STEP).concat(ADD) : [], shuffle(A, B, [0, 2, 4, 6]), shuffle(A, B, [1, 3, 5, 7]), ADD_I32X4, V128_STORE);
}

var zeroSums: number[] = [];
for (var j = 0; j < 8; j++) zeroSums = zeroSums.concat(get(ZERO), set(SUM + j));

var body = ([] as number[]).concat(
  get(X), set(X_ROW), get(OUT_C), i32(4), [0x6c], set(STEP),
  LOOP, // pixels, two at a time (an odd last one pairs with a phantom pixel: spare input and sums)
  i32(0), set(N), get(W), set(W_ROW), get(X_ROW), get(IN_C), ADD, set(X_ROW2),
  LOOP, // blocks of 4 output channels (outC is padded to a multiple of 4 with zero rows)
  zeroSums, i32(0), set(K),
  LOOP, // 16 inputs at a time
  loadX(0), loadX(1),
  channel(0), channel(1), channel(2), channel(3),
  increment(W_ROW, i32(128)), increment(K, i32(16)),
  get(K), get(ROW_W), NE, brIf(0),
  END,
  storeSums(0), storeSums(1),
  increment(ACC, i32(16)), increment(N, i32(4)),
  get(N), get(OUT_C), NE, brIf(0),
  END,
  get(X_ROW2), get(IN_C), ADD, set(X_ROW), increment(ACC, get(STEP)), increment(P, i32(2)),
  get(P), get(PIXELS), [0x48], brIf(0), // i32.lt_s
  END,
);

/** The function `dots` (7 i32 parameters), assembled into the SIMD module (module-simd.ts). */
export var POINTWISE_FUNCTION: WasmFunction = { name: 'dots', params: 7, locals: [[7, I32], [15, V128]], code: body };
