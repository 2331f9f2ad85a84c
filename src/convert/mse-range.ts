// The `mse` calibration method: choose the clipping range [lo, hi] that minimises the expected
// squared error of int8 quantization over the observed value distribution (the histogram).
//
// Shrinking the range trades clipping error (values beyond it saturate) for rounding error (a
// smaller scale); the optimum depends on the distribution's tails. We evaluate the error exactly
// as the int8 tensor will see it, with TFLite's nudged zero point, at four points inside each
// nonempty bin, over a coarse-to-fine search: first both ends shrunk together, then each end alone.
import type { Histogram } from './histogram.js';
import { chooseActivationQuant, clampInt8 } from './quant-params.js';
import type { TensorRange } from './calibrate.js';

const STEPS = 100;
const SUBPOINTS = 4;

export function quantizationMse(hist: Histogram, lo: number, hi: number, bins: number[]): number {
  const q = chooseActivationQuant(lo, hi);
  const inv = 1 / q.scale;
  let err = 0;
  for (const b of bins) {
    const c = hist.counts[b] / SUBPOINTS;
    const left = hist.edge(b);
    for (let k = 0; k < SUBPOINTS; k++) {
      const x = left + ((k + 0.5) / SUBPOINTS) * hist.width;
      const v = clampInt8(Math.round(x * inv) + q.zeroPoint);
      const d = q.scale * (v - q.zeroPoint) - x;
      err += c * d * d;
    }
  }
  return err / hist.total;
}

export function mseRange(hist: Histogram): TensorRange {
  const lo0 = Math.min(hist.min, 0);
  const hi0 = Math.max(hist.max, 0);
  if (hist.total === 0 || hist.width === 0 || hi0 - lo0 <= 0) return { min: lo0, max: hi0 };
  const bins: number[] = [];
  for (let i = 0; i < hist.counts.length; i++) if (hist.counts[i] > 0) bins.push(i);
  let best = { min: lo0, max: hi0 };
  let bestErr = quantizationMse(hist, lo0, hi0, bins);
  const tryRange = (lo: number, hi: number): void => {
    if (!(hi - lo > 0)) return;
    const e = quantizationMse(hist, lo, hi, bins);
    if (e < bestErr) {
      bestErr = e;
      best = { min: lo, max: hi };
    }
  };
  for (let s = 1; s < STEPS; s++) {
    const t = s / STEPS;
    tryRange(lo0 * t, hi0 * t);
  }
  const afterJoint = best;
  for (let s = 1; s < STEPS; s++) tryRange(afterJoint.min, (hi0 * s) / STEPS);
  const afterHigh = best;
  for (let s = 1; s < STEPS; s++) tryRange((lo0 * s) / STEPS, afterHigh.max);
  return best;
}
