// Tool-side fixed-point helpers shared by the converter and the TFLite importer: turn a real
// multiplier into TFLite's (int32 multiplier, shift) pair exactly as tflite::QuantizeMultiplier does,
// so an imported .tflite model gets the very same integers TFLM computes from its float scales.
//
// real = q * 2^shift with q in [0.5, 1); multiplier = round(q * 2^31) (round half away from zero).
// The runtime applies it as SaturatingRoundingDoublingHighMul(x << max(shift, 0), multiplier)
// followed by RoundingDivideByPOT(max(-shift, 0)).

/** frexp for finite doubles: returns [q, e] with x = q * 2^e, 0.5 <= |q| < 1 (q = 0, e = 0 for x = 0). */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let q = x * Math.pow(2, -e);
  // log2 can be off by one near powers of two; fix up so 0.5 <= |q| < 1.
  while (Math.abs(q) < 0.5) { q *= 2; e -= 1; }
  while (Math.abs(q) >= 1) { q /= 2; e += 1; }
  return [q, e];
}

export interface QuantizedMultiplier {
  multiplier: number;
  shift: number;
}

/** tflite::QuantizeMultiplier. */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (!Number.isFinite(real)) throw new RangeError(`quantizeMultiplier: multiplier ${real} is not finite`);
  if (real === 0) return { multiplier: 0, shift: 0 };
  let [q, shift] = frexp(real);
  // C's round(): half away from zero.
  let fixed = Math.sign(q) * Math.round(Math.abs(q) * 2147483648);
  if (fixed === 2147483648) { fixed /= 2; shift += 1; }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/** Scales are stored as float32 in .tflite and .tcm files; every effective multiplier is computed
 *  from the float32 values widened to double, as TFLM does. */
export const f32 = Math.fround;
