// The accumulating kernels' tail on the fast paths: TFLite's MultiplyByQuantizedMultiplier, add the
// output zero point, clamp, using the per-channel constants of the op's load-time plan (plan.ts).
//
// Why it is exact: with leftShift folded into scale = multiplier * 2^(leftShift - 31), the double
// v = acc * scale equals the exact product acc * 2^leftShift * multiplier / 2^31 whenever that
// product is below 2^52 in magnitude, i.e. |v| < 2^21 (a power-of-two scale never rounds, and a
// rounded product can only reach 2^21 if the exact one does). Then, with P = v * 2^31 exact,
//   SaturatingRoundingDoublingHighMul = trunc((P + nudge) / 2^31) = floor(v + 1/2)
// for either sign: for P >= 0 the nudge is 2^30; for P < 0 it is 1 - 2^30 with truncation toward zero,
// and trunc((P + 1 - 2^30) / 2^31) = floor((P + 1 - 2^30 + 2^31 - 1) / 2^31) = floor((P + 2^30) / 2^31)
// since P + 1 - 2^30 < 0. The product cannot wrap int32 either: multiplier >= 2^30 (or 0) so
// |acc * 2^leftShift| <= 2 |v|. The fast path takes |v| < 2^20, so v + 1/2 + 2^21 is exact (below
// 2^22 with at most 31 fractional bits: 53 bits) and positive, and its truncation to int32 minus 2^21
// is floor(v + 1/2) without a call to Math.floor (which V8 does not always inline; a call boxes its
// double argument, an allocation). RoundingDivideByPOT is then the integer one. Anything larger
// takes requant.ts's exact path. test/runtime/kernels/requantize-fast.test.ts
// checks both against the BigInt reference.
//
// Runtime rule: ES5 subset, no allocation.
import type { KernelPlan } from '../plan.js';
import { multiplyByQuantizedMultiplier } from '../requant.js';

var LIMIT = 1048576; // 2^20
export var FLOOR_OFFSET = 2097152; // 2^21

export function requantizeFast(acc: number, plan: KernelPlan, c: number): number {
  var v = acc * plan.scale[c];
  if (v < LIMIT && v > -LIMIT) {
    var h = ((v + 0.5 + FLOOR_OFFSET) | 0) - FLOOR_OFFSET; // floor(v + 1/2)
    var rs = plan.rshift[c];
    var mask = (1 << rs) - 1;
    // RoundingDivideByPOT: + 1 when the remainder exceeds half (minus one for negative h), taken as
    // the sign bit of the difference; then + zp and the clamp to [min, max], all without branches
    // (a clamp that fires on about half the values, as a ReLU's does, mispredicts half the time).
    // Every value here is far inside int32.
    var out = (h >> rs) + (((mask >> 1) - (h >> 31) - (h & mask)) >>> 31) + plan.zp;
    var below = out - plan.min;
    out -= below & (below >> 31);
    var above = out - plan.max;
    return out - (above & ~(above >> 31));
  }
  return requantizeExact(acc | 0, plan, c);
}

/** The exact path (requant.ts) for an int32 accumulator, kept out of requantizeFast so that stays
 *  small enough for V8 to inline at every call site. Callers pass `acc | 0` (exact: the accumulator
 *  is an int32, and requant.ts truncates to one anyway): an int32 argument is passed as is, while a
 *  double argument to a call that is not inlined is boxed, an allocation per call. */
export function requantizeExact(acc: number, plan: KernelPlan, c: number): number {
  var out = multiplyByQuantizedMultiplier(acc, plan.mult[c], plan.shift[c]) + plan.zp;
  return out < plan.min ? plan.min : out > plan.max ? plan.max : out;
}
