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
// since P + 1 - 2^30 < 0. The sum v + 1/2 is exact (|v| < 2^21, 31 fractional bits). The product cannot wrap int32 either:
// multiplier >= 2^30 (or 0) so |acc * 2^leftShift| <= 2 |v|. RoundingDivideByPOT is then the integer
// one. Anything larger takes requant.ts's exact path. test/runtime/kernels/requantize-fast.test.ts
// checks both against the BigInt reference.
//
// Runtime rule: ES5 subset, no allocation.
import type { KernelPlan } from '../plan.js';
import { multiplyByQuantizedMultiplier } from '../requant.js';

var LIMIT = 2097152; // 2^21

export function requantizeFast(acc: number, plan: KernelPlan, c: number): number {
  var v = acc * plan.scale[c];
  var out;
  if (v < LIMIT && v > -LIMIT) {
    var h = Math.floor(v + 0.5);
    var rs = plan.rshift[c];
    var mask = (1 << rs) - 1;
    out = (h >> rs) + ((h & mask) > (mask >> 1) - (h >> 31) ? 1 : 0);
  } else {
    out = multiplyByQuantizedMultiplier(acc, plan.mult[c], plan.shift[c]);
  }
  out += plan.zp;
  return out < plan.min ? plan.min : out > plan.max ? plan.max : out;
}
