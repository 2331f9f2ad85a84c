// Test-only references: BigInt versions of TFLite's fixed-point primitives (written straight from
// the C++ definitions, with int64 as BigInt), a seeded PRNG, and small helpers to build tensors.
// Kernels are compared against integer references built on these, so a bug in the double-based
// runtime arithmetic cannot hide in both sides.
import type { Tensor } from '../../src/runtime/tensor.js';

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** Wrap a BigInt to int32 like a C cast. */
export function toInt32(x: bigint): number {
  return Number(BigInt.asIntN(32, x));
}

export function srdhmRef(a: number, b: number): number {
  if (a === I32_MIN && b === I32_MIN) return I32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  // BigInt division truncates toward zero, like C++.
  return Number((ab + nudge) / (1n << 31n));
}

export function rdbpotRef(x: number, exponent: number): number {
  const mask = (1n << BigInt(exponent)) - 1n;
  const bx = BigInt(x);
  const remainder = bx & mask;
  const threshold = (mask >> 1n) + (bx < 0n ? 1n : 0n);
  return Number((bx >> BigInt(exponent)) + (remainder > threshold ? 1n : 0n));
}

export function mbqmRef(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpotRef(srdhmRef(toInt32(BigInt(x) * (1n << BigInt(left))), multiplier), right);
}

export function clampRef(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function randInt8(r: () => number, n: number, lo = -128, hi = 127): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = randInt(r, lo, hi);
  return a;
}

export function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function tensor(shape: number[], scale: number, zeroPoint: number, data?: Int8Array): Tensor {
  return { shape, scale, zeroPoint, offset: 0, data: data ?? new Int8Array(size(shape)) };
}

export function dequant(t: Tensor, i: number): number {
  return t.scale * (t.data[i] - t.zeroPoint);
}

/** Round-to-nearest quantization of a real value for float references. */
export function quantRef(real: number, scale: number, zeroPoint: number, lo = -128, hi = 127): number {
  return clampRef(Math.round(real / scale) + zeroPoint, lo, hi);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Output quantization covering the given real values (what a calibrator would pick), as float32. */
export function calibrate(reals: ArrayLike<number>): { scale: number; zeroPoint: number } {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < reals.length; i++) { lo = Math.min(lo, reals[i]); hi = Math.max(hi, reals[i]); }
  const scale = Math.fround(Math.max(hi - lo, 1e-6) / 255);
  const zeroPoint = clampRef(Math.round(-128 - lo / scale), -128, 127) | 0; // never -0
  return { scale, zeroPoint };
}

/** Random float32 scale in [lo, hi). */
export function randScale(r: () => number, lo: number, hi: number): number {
  return Math.fround(lo + (hi - lo) * r());
}

/** Either no activation clamp or a ReLU clamp at the zero point. */
export function randClamp(r: () => number, zeroPoint: number): { actMin: number; actMax: number } {
  return r() < 0.5 ? { actMin: -128, actMax: 127 } : { actMin: Math.max(-128, zeroPoint), actMax: 127 };
}
