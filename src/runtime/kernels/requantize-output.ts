// The tail every accumulating kernel shares (conv, pointwise, depthwise, dense): scale the int32
// accumulator by the channel's fixed-point multiplier, add the output zero point, clamp to the fused
// activation range. One multiplier entry means per-tensor quantization.
//
// Runtime rule: ES5 subset, no allocation.
import type { Clamp, Requant } from '../../format/schema.js';
import { multiplyByQuantizedMultiplier } from '../requant.js';

export function requantizeOutput(acc: number, op: Requant & Clamp, channel: number, outputZeroPoint: number): number {
  const m = op.multiplier.length === 1 ? 0 : channel;
  const out = multiplyByQuantizedMultiplier(acc, op.multiplier[m], op.shift[m]) + outputZeroPoint;
  return out < op.actMin ? op.actMin : out > op.actMax ? op.actMax : out;
}
