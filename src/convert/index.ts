// The converter: float model -> int8 ModelSpec (write it with src/format/writer.ts writeModel).
//
//   foldBatchNorm -> dropIdentity -> calibrate (float executor) -> quantizeGraph
//   (fuseActivations, shared quantization, int8 lowering, planArena)
import type { ModelSpec } from '../format/schema.js';
import type { FloatModel } from '../graph/types.js';
import { calibrate, type CalibrationMethod, type Calibration, type SampleSource } from './calibrate.js';
import type { ProgressCallback } from './progress.js';
import { dropIdentity } from './drop-identity.js';
import { foldBatchNorm } from './fold-batchnorm.js';
import { checkFiniteWeights, quantizeGraph } from './quantize.js';

export interface ConvertOptions {
  /** Activation range method (default 'percentile'). */
  method?: CalibrationMethod;
  /** For 'percentile' (default 99.99). */
  percentile?: number;
  /** Per-output-channel weight scales (default true). */
  perChannel?: boolean;
  /** Calibration samples to run (default 500). */
  calibrationCount?: number;
  progress?: boolean | ProgressCallback;
}

export interface ConvertResult {
  spec: ModelSpec;
  calibration: Calibration;
}

/** Calibrates on `samples` (preprocessed real inputs, NHWC) and quantizes. */
export function convertToInt8Detailed(model: FloatModel, samples: SampleSource, options: ConvertOptions = {}): ConvertResult {
  // Calibrate the graph that will be quantized: with batchnorms folded, the calibrated tensors are
  // exactly those the int8 graph has (the names survive every pass).
  // A NaN/Inf weight would surface as a non-finite activation during calibration: name it first.
  checkFiniteWeights(model);
  const folded = prepareForCalibration(model);
  const calibration = calibrate(folded, samples, {
    method: options.method, percentile: options.percentile, count: options.calibrationCount, progress: options.progress,
  });
  return { spec: quantizeGraph(folded, calibration, { perChannel: options.perChannel }), calibration };
}

/** The float graph calibrate and quantizeGraph should see: batchnorms folded, dropout dropped.
 *  To try several methods on one calibration run: observeActivations(prepareForCalibration(m), ...)
 *  once, then quantizeGraph(prepared, calibrationRanges(observations, method), options) per method. */
export function prepareForCalibration(model: FloatModel): FloatModel {
  return dropIdentity(foldBatchNorm(model));
}

export function convertToInt8(model: FloatModel, samples: SampleSource, options: ConvertOptions = {}): ModelSpec {
  return convertToInt8Detailed(model, samples, options).spec;
}

export { calibrate, observeActivations, calibrationRanges, rangeFromHistogram, CALIBRATION_METHODS, DEFAULT_CALIBRATION_SAMPLES, DEFAULT_PERCENTILE } from './calibrate.js';
export type { Calibration, CalibrationMethod, CalibrateOptions, Observations, TensorRange, SampleSource } from './calibrate.js';
export { quantizeGraph, type QuantizeOptions } from './quantize.js';
export { foldBatchNorm } from './fold-batchnorm.js';
export { fuseActivations } from './fuse-activations.js';
export { dropIdentity } from './drop-identity.js';
export { buildLookupTable } from './lut.js';
export { chooseActivationQuant, type ActivationQuant } from './quant-params.js';
export { imageSamples, type ImageSet } from './image-samples.js';
