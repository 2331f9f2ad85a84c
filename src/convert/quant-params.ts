// Activation quantization parameters, chosen the way TensorFlow Lite's converter chooses them
// (ChooseQuantizationParams): scale = (max - min) / 255 over a range that contains 0, then the zero
// point is rounded ("nudged") to an integer so that real 0 is exactly representable; padding,
// ReLU and zero-initialised accumulators all rely on that. Scales are float32, as in the file.
import { f32 } from '../format/multiplier.js';
import type { RealInterval } from './fuse-activations.js';

export const QMIN = -128;
export const QMAX = 127;

export interface ActivationQuant {
  /** float32 value */
  scale: number;
  zeroPoint: number;
}

/** C's round(): half away from zero (JS Math.round rounds -2.5 to -2). */
export function roundHalfAway(x: number): number {
  // `+ 0` turns -0 into 0 so zero points and table entries compare equal to 0.
  return (x < 0 ? -Math.round(-x) : Math.round(x)) + 0;
}

export function clampInt8(q: number): number {
  return q < QMIN ? QMIN : q > QMAX ? QMAX : q;
}

/** Below this width a range is treated as degenerate (a tensor that is constant zero). */
const MIN_RANGE = 1e-8;

export function chooseActivationQuant(min: number, max: number): ActivationQuant {
  let rmin = Math.min(min, 0);
  let rmax = Math.max(max, 0);
  if (!(rmax - rmin > MIN_RANGE)) {
    // A dead tensor: any scale represents it; keep 0 exact and the scale harmless.
    rmin = 0;
    rmax = 1;
  }
  const scale = (rmax - rmin) / (QMAX - QMIN);
  const zpFromMin = QMIN - rmin / scale;
  const zpFromMax = QMAX - rmax / scale;
  const errFromMin = Math.abs(QMIN) + Math.abs(rmin / scale);
  const errFromMax = Math.abs(QMAX) + Math.abs(rmax / scale);
  const zp = errFromMin < errFromMax ? zpFromMin : zpFromMax;
  const zeroPoint = zp < QMIN ? QMIN : zp > QMAX ? QMAX : roundHalfAway(zp);
  return { scale: f32(scale), zeroPoint };
}

/** real -> int8 as TFLite's quantize(): the division happens in float32, then C round. */
export function quantizeReal(q: ActivationQuant, real: number): number {
  return clampInt8(q.zeroPoint + roundHalfAway(f32(f32(real) / f32(q.scale))));
}

export function dequantize(q: ActivationQuant, value: number): number {
  return q.scale * (value - q.zeroPoint);
}

/** The int8 clamp of a fused activation (TFLite CalculateActivationRangeQuantized):
 *  ReLU6 -> [max(-128, zp), min(127, zp + round(6 / s))]; no activation -> [-128, 127]. */
export function activationClamp(q: ActivationQuant, interval: RealInterval): { actMin: number; actMax: number } {
  const actMin = interval.min === -Infinity ? QMIN : Math.max(QMIN, unclampedQuantize(q, interval.min));
  const actMax = interval.max === Infinity ? QMAX : Math.min(QMAX, unclampedQuantize(q, interval.max));
  return { actMin, actMax };
}

function unclampedQuantize(q: ActivationQuant, real: number): number {
  return q.zeroPoint + roundHalfAway(f32(f32(real) / f32(q.scale)));
}
