// Weights and biases of conv, depthwise and dense ops, quantized as the contract requires:
// - weights symmetric int8 in [-127, 127] (zero point 0), one scale per output channel
//   s_w[c] = max|w_c| / 127 (or one scale for the whole tensor when per-channel is off);
//   -128 is never used, so a weight's negation is always representable.
// - bias int32 with scale s_in * s_w[c] (zero point 0): it adds straight into the int32 accumulator
//   sum (q_in - zp_in) * q_w, whose real value is that same scale times the accumulator.
// - requantization multiplier M[c] = s_in * s_w[c] / s_out, with every scale widened from float32
//   exactly as TFLM computes it from the file's float32 scales, then split by quantizeMultiplier.
import { TinyconvError } from '../format/errors.js';
import { f32, quantizeMultiplier } from '../format/multiplier.js';
import { roundHalfAway } from './quant-params.js';

export interface QuantizedWeights {
  values: Int8Array;
  /** float32 scale per channel (length 1 when per-tensor). */
  scales: number[];
}

/** `channelOf(i)` names the output channel of flat weight index i. Arithmetic as TFLite's
 *  converter does it (SymmetricPerChannelQuantizeValues): float32 scale max / 127, float32 inverse,
 *  round(w * inverse) half away from zero.
 *  `minScale[c]`, when given, is a floor for channel c's scale (see biasScaleFloor). */
export function quantizeWeights(w: ArrayLike<number>, channels: number, channelOf: (i: number) => number, perChannel: boolean,
  minScale?: ArrayLike<number>): QuantizedWeights {
  const maxAbs = new Float64Array(perChannel ? channels : 1);
  for (let i = 0; i < w.length; i++) {
    const c = perChannel ? channelOf(i) : 0;
    const a = Math.abs(w[i]);
    if (a > maxAbs[c]) maxAbs[c] = a;
  }
  const scales: number[] = [];
  for (let c = 0; c < maxAbs.length; c++) {
    // An all-zero channel gets scale 1: its weights are 0 whatever the scale, and 1 keeps the
    // multiplier finite.
    let s = f32(maxAbs[c] > 0 ? maxAbs[c] / 127 : 1);
    if (minScale) {
      const floor = perChannel ? minScale[c] : Math.max(...Array.from(minScale));
      if (floor > s) s = f32(floor);
    }
    scales.push(s);
  }
  const inverse = scales.map((s) => f32(1 / s));
  const values = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const q = roundHalfAway(f32(w[i] * inverse[perChannel ? channelOf(i) : 0]));
    values[i] = q > 127 ? 127 : q < -127 ? -127 : q;
  }
  return { values, scales };
}

const INT32_MAX = 2147483647;

/** The smallest weight scale per channel at which the int32 bias still fits: a channel whose
 *  weights are nearly zero but whose bias is not would otherwise need a bias beyond int32 (TFLite
 *  clamps it, silently changing the output). Raising that channel's weight scale costs nothing,
 *  as its weights are ~0 anyway. */
export function biasScaleFloor(bias: ArrayLike<number> | null, channels: number, inputScale: number): Float64Array {
  const floor = new Float64Array(channels);
  if (!bias) return floor;
  for (let c = 0; c < channels; c++) floor[c] = (Math.abs(bias[c]) / (f32(inputScale) * INT32_MAX)) * 1.001;
  return floor;
}

export function weightScale(q: QuantizedWeights, channel: number): number {
  return q.scales.length === 1 ? q.scales[0] : q.scales[channel];
}

/** int32 bias at scale s_in * s_w[c], as TFLite's SymmetricBiasQuantize computes it (float32 scale
 *  and inverse); refused if it does not fit (biasScaleFloor prevents that). */
export function quantizeBias(bias: ArrayLike<number> | null, channels: number, inputScale: number, w: QuantizedWeights, where: string): Int32Array {
  const out = new Int32Array(channels);
  if (!bias) return out;
  for (let c = 0; c < channels; c++) {
    const s = f32(f32(inputScale) * weightScale(w, c));
    const q = roundHalfAway(f32(bias[c] * f32(1 / s)));
    if (!(Math.abs(q) <= INT32_MAX)) {
      throw new TinyconvError('BIAS_OVERFLOW', `${where}: bias[${c}] = ${bias[c]} is ${q} at scale ${s}, outside int32`);
    }
    out[c] = q;
  }
  return out;
}

/** Per-channel (or per-tensor) requantization multipliers and shifts. */
export function requantMultipliers(inputScale: number, w: QuantizedWeights, outputScale: number): { multiplier: Int32Array; shift: Int32Array } {
  const n = w.scales.length;
  const multiplier = new Int32Array(n);
  const shift = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const m = quantizeMultiplier((f32(inputScale) * f32(w.scales[c])) / f32(outputScale));
    multiplier[c] = m.multiplier;
    shift[c] = m.shift;
  }
  return { multiplier, shift };
}
