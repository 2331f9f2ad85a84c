// Quantizes the same float model once per calibration method (minmax / percentile / mse) and weight
// granularity (per-channel / per-tensor), runs each int8 model over the same images, and reports
// accuracy and agreement with the float predictions: which choice matters for this network.
import type { Dataset } from '../data/datasets.js';
import type { FloatModel } from '../graph/types.js';
import { createExecutor } from '../graph/execute.js';
import { calibrationRanges, DEFAULT_PERCENTILE, imageSamples, observeActivations, prepareForCalibration, quantizeGraph } from '../convert/index.js';
import { writeModel } from '../format/writer.js';
import { loadModel } from '../runtime/index.js';
import { accuracy, agreement, argmax } from './metrics.js';
import { preprocessInto } from './evaluate.js';
import type { CalibrationComparison, CalibrationRow } from './types.js';

export type Method = 'minmax' | 'percentile' | 'mse';
export const METHODS: Method[] = ['minmax', 'percentile', 'mse'];
/** What `tinyconv quantize` uses when no --method is given. */
export const DEFAULT_METHOD: Method = 'percentile';

/** Float top-1 predictions for the first `count` images. */
export function floatPredictions(model: FloatModel, data: Dataset, count: number): Int32Array {
  const run = createExecutor(model);
  const size = data.height * data.width * data.channels;
  const x = new Float32Array(size);
  const pred = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    preprocessInto(data.images.subarray(i * size, (i + 1) * size), data.channels, model.graph.preprocess, x);
    pred[i] = argmax(run(x));
  }
  return pred;
}

/** int8 top-1 predictions of a .tcm for the first `count` images. */
export function int8Predictions(bytes: Uint8Array, data: Dataset, count: number): Int32Array {
  const m = loadModel(bytes);
  const size = data.height * data.width * data.channels;
  const pred = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    m.setInput(data.images.subarray(i * size, (i + 1) * size));
    m.run();
    pred[i] = argmax(m.output);
  }
  return pred;
}

export interface CompareOptions {
  calibrationCount?: number;
  /** Evaluate on the first N test images. */
  limit?: number;
  /** Float predictions already computed by the caller (saves a pass). */
  floatPredicted?: Int32Array;
  /** Called before each configuration (for progress lines). */
  onConfig?: (index: number, total: number, method: Method, perChannel: boolean) => void;
}

export function compareCalibration(model: FloatModel, calibration: Dataset, test: Dataset, options: CompareOptions = {}): CalibrationComparison {
  const calibrationCount = Math.min(options.calibrationCount ?? 500, calibration.count);
  const count = Math.min(test.count, options.limit ?? test.count);
  // The images `tinyconv quantize` calibrates on, so the default row is the shipped model.
  const { samples } = imageSamples(calibration, model.graph, calibrationCount);
  const floatPred = options.floatPredicted ?? floatPredictions(model, test, count);
  const labels = test.labels.subarray(0, count);
  // The same passes convertToInt8 runs, but one float pass over the calibration images serves
  // every method, and one set of ranges both weight granularities (weights do not move activations).
  const prepared = prepareForCalibration(model);
  const observations = observeActivations(prepared, samples, { count: calibrationCount });
  const rows: CalibrationRow[] = [];
  const total = METHODS.length * 2;
  METHODS.forEach((method, m) => {
    const ranges = calibrationRanges(observations, method, DEFAULT_PERCENTILE);
    for (const perChannel of [true, false]) {
      options.onConfig?.(2 * m + (perChannel ? 0 : 1), total, method, perChannel);
      const pred = int8Predictions(writeModel(quantizeGraph(prepared, ranges, { perChannel })), test, count);
      rows.push({
        method, perChannel,
        int8: accuracy(pred, labels),
        agreement: agreement(floatPred, pred),
        isDefault: method === DEFAULT_METHOD && perChannel,
      });
    }
  });
  return { calibrationCount, evaluated: count, float: accuracy(floatPred, labels), rows };
}
