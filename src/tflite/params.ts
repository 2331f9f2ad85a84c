// TFLite's parameter arithmetic, reproduced so an imported model gets the very integers TFLM
// computes in its Prepare() functions: padding, fused-activation clamps, multipliers, ADD's
// rescaling, and the int8 LOGISTIC table. Each function names the TFLite function it mirrors.

import { f32, frexp, quantizeMultiplier } from '../format/multiplier.js';
import { logistic, multiplyByQuantizedMultiplier, roundingDivideByPOT } from './gemmlowp.js';

export const PADDING_SAME = 0;
export const PADDING_VALID = 1;

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_RELU_N1_TO_1 = 2;
export const ACT_RELU6 = 3;
export const ACTIVATION_NAMES = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

/** C++ integer division of non-negative ints. */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** tflite::ComputeOutSize. */
export function computeOutSize(padding: number, size: number, filter: number, stride: number, dilation: number): number {
  const effective = (filter - 1) * dilation + 1;
  if (stride === 0) return 0;
  return padding === PADDING_SAME ? idiv(size + stride - 1, stride) : idiv(size + stride - effective, stride);
}

export interface Pads {
  before: number;
  after: number;
}

/** tflite::ComputePaddingWithOffset: TFLite pads `total / 2` before and the rest (offset) after. */
export function computePadding(stride: number, dilation: number, inSize: number, filter: number, outSize: number): Pads {
  const effective = (filter - 1) * dilation + 1;
  let total = (outSize - 1) * stride + effective - inSize;
  if (total < 0) total = 0;
  const before = idiv(total, 2);
  return { before, after: total - before };
}

/** C's round(): half away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** tflite::CalculateActivationRangeQuantized for int8: quantize(f) = zp + round(f / scale), the
 *  division in float32 as in the C++ source (f and scale are floats). */
export function activationRange(activation: number, scale: number, zeroPoint: number): { actMin: number; actMax: number } {
  const quantize = (f: number) => zeroPoint + roundHalfAway(f32(f / f32(scale)));
  if (activation === ACT_RELU) return { actMin: Math.max(-128, quantize(0)), actMax: 127 };
  if (activation === ACT_RELU6) return { actMin: Math.max(-128, quantize(0)), actMax: Math.min(127, quantize(6)) };
  if (activation === ACT_RELU_N1_TO_1) return { actMin: Math.max(-128, quantize(-1)), actMax: Math.min(127, quantize(1)) };
  return { actMin: -128, actMax: 127 };
}

/** Per-channel conv/depthwise/dense multipliers (tflite::PopulateConvolutionQuantizationParams):
 *  double(input_scale) * double(filter_scale[c]) / double(output_scale). */
export function perChannelMultipliers(inputScale: number, filterScales: number[], outputScale: number, channels: number): { multiplier: Int32Array; shift: Int32Array } {
  const multiplier = new Int32Array(channels);
  const shift = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = filterScales.length > 1 ? filterScales[c] : filterScales[0];
    const q = quantizeMultiplier((f32(inputScale) * f32(s)) / f32(outputScale));
    multiplier[c] = q.multiplier;
    shift[c] = q.shift;
  }
  return { multiplier, shift };
}

/** Per-tensor FULLY_CONNECTED multiplier (tflite::GetQuantizedConvolutionMultipler): note the
 *  input * filter scale product is taken in float32 before widening, unlike the per-channel path. */
export function fullyConnectedMultiplier(inputScale: number, filterScale: number, outputScale: number): { multiplier: number; shift: number } {
  return quantizeMultiplier(f32(f32(inputScale) * f32(filterScale)) / f32(outputScale));
}

/** int8 -> int8 QUANTIZE (requantize): double(input_scale) / double(output_scale). */
export function requantizeMultiplier(inputScale: number, outputScale: number): { multiplier: number; shift: number } {
  return quantizeMultiplier(f32(inputScale) / f32(outputScale));
}

export interface AddParams {
  leftShift: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
}

/** TFLM add_common.cc CalculateOpDataAdd for int8. */
export function addParams(input1Scale: number, input2Scale: number, outputScale: number): AddParams {
  const leftShift = 20;
  const twiceMaxInputScale = 2 * Math.max(f32(input1Scale), f32(input2Scale));
  const in1 = quantizeMultiplier(f32(input1Scale) / twiceMaxInputScale);
  const in2 = quantizeMultiplier(f32(input2Scale) / twiceMaxInputScale);
  const out = quantizeMultiplier(twiceMaxInputScale / ((1 << leftShift) * f32(outputScale)));
  return {
    leftShift,
    input1Multiplier: in1.multiplier,
    input1Shift: in1.shift,
    input2Multiplier: in2.multiplier,
    input2Shift: in2.shift,
    outputMultiplier: out.multiplier,
    outputShift: out.shift,
  };
}

/** TFLM's int8 LOGISTIC (logistic_common.cc + reference_integer_ops::Logistic) evaluated for all 256
 *  inputs: a lookup table indexed by q + 128. The output is fixed at scale 1/256, zero point -128. */
export function logisticTable(inputScale: number, inputZeroPoint: number): Int8Array {
  const kInputIntegerBits = 4;
  const inputRealMultiplier = f32(inputScale) * (1 << (31 - kInputIntegerBits));
  const [q, inputLeftShift] = frexp(inputRealMultiplier);
  const inputMultiplier = roundHalfAway(q * 2147483648);
  if (inputMultiplier >= 2147483648 || inputLeftShift < 0 || inputLeftShift > 31) {
    throw new RangeError(`LOGISTIC input scale ${inputScale} is outside what TFLite's int8 kernel handles`);
  }
  // tflite::CalculateInputRadius(4, input_left_shift, 31).
  const inputRangeRadius = Math.floor((15 * 2 ** (31 - kInputIntegerBits)) / 2 ** inputLeftShift);
  const table = new Int8Array(256);
  for (let v = -128; v < 128; v++) {
    const input = v - inputZeroPoint;
    let out: number;
    if (input <= -inputRangeRadius) out = -128;
    else if (input >= inputRangeRadius) out = 127;
    else {
      const inputInQ4 = multiplyByQuantizedMultiplier(input, inputMultiplier, inputLeftShift);
      const outputInQ0 = logistic(inputInQ4, kInputIntegerBits);
      out = Math.min(127, Math.max(-128, roundingDivideByPOT(outputInQ0, 31 - 8) - 128));
    }
    table[v + 128] = out;
  }
  return table;
}
