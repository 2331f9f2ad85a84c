// calibrate: run the float executor over representative inputs and choose each tensor's real range.
//
// Every tensor (the graph input and each node output) gets a Histogram of all its values over all
// samples; the range is then read off it by one of three methods:
// - minmax: the observed extremes. Exact coverage, but one outlier stretches the scale for all.
// - percentile (default 99.99): the p-th percentile as the top and the (100 - p)-th as the bottom,
//   discarding the rarest tails so the common values get a finer scale.
// - mse: the range minimising the int8 quantization error over the histogram (mse-range.ts).
// Whatever the method, the range is widened to include 0 (real 0 must be exact, see quant-params.ts),
// and ReLU6 outputs (relu6, or clip with [0, 6]) use exactly [0, 6] as the contract requires.
// The graph input always uses its observed min/max: its values are preprocessed pixels whose
// extremes (black and white) are common, not outliers, and clipping them gains nothing.
import { TinyconvError } from '../format/errors.js';
import { createExecutor } from '../graph/execute.js';
import { elementCount } from '../graph/shapes.js';
import type { FloatModel } from '../graph/types.js';
import { activationInterval, isRelu6Interval } from './fuse-activations.js';
import { Histogram } from './histogram.js';
import { mseRange } from './mse-range.js';
import { progressReporter, type ProgressCallback } from './progress.js';

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';
export const CALIBRATION_METHODS: CalibrationMethod[] = ['minmax', 'percentile', 'mse'];

export interface TensorRange {
  min: number;
  max: number;
}

export interface Calibration {
  method: CalibrationMethod;
  samples: number;
  /** Real range of every tensor, by tensor name; always contains 0. */
  ranges: Record<string, TensorRange>;
}

export interface CalibrateOptions {
  method?: CalibrationMethod;
  /** For `percentile`: the kept percentage, in (50, 100]. Default 99.99. */
  percentile?: number;
  /** Samples to run (default 500, or fewer if the array is shorter). Required for a function source. */
  count?: number;
  /** true: a progress bar on stderr (when there is one); a function: called after each sample. */
  progress?: boolean | ProgressCallback;
}

export type SampleSource = Float32Array[] | ((index: number) => Float32Array);

export const DEFAULT_CALIBRATION_SAMPLES = 500;
export const DEFAULT_PERCENTILE = 99.99;

/** Picks one tensor's range from its histogram. */
export function rangeFromHistogram(hist: Histogram, method: CalibrationMethod, percentile = DEFAULT_PERCENTILE): TensorRange {
  let r: TensorRange;
  if (hist.total === 0) r = { min: 0, max: 0 };
  else if (method === 'minmax') r = { min: hist.min, max: hist.max };
  else if (method === 'percentile') r = { min: hist.quantile(1 - percentile / 100), max: hist.quantile(percentile / 100) };
  else r = mseRange(hist);
  return { min: Math.min(r.min, 0), max: Math.max(r.max, 0) };
}

function checkOptions(method: string, percentile: number): void {
  if (!CALIBRATION_METHODS.includes(method as CalibrationMethod)) {
    throw new TinyconvError('BAD_OPTION', `calibration method '${method}' is not one of ${CALIBRATION_METHODS.join(', ')}`);
  }
  if (!(percentile > 50 && percentile <= 100)) {
    throw new TinyconvError('BAD_OPTION', `percentile ${percentile} must be in (50, 100]`);
  }
}

/** What one pass of the float executor over the samples measured: every tensor's histogram. Ranges
 *  for any method can be read from it without running the samples again (calibrationRanges). */
export interface Observations {
  graph: FloatModel['graph'];
  samples: number;
  histograms: Record<string, Histogram>;
}

export function observeActivations(model: FloatModel, samples: SampleSource,
  options: Pick<CalibrateOptions, 'count' | 'progress'> = {}): Observations {
  const graph = model.graph;
  const count = Array.isArray(samples)
    ? Math.min(options.count ?? DEFAULT_CALIBRATION_SAMPLES, samples.length)
    : options.count ?? DEFAULT_CALIBRATION_SAMPLES;
  if (!(Number.isInteger(count) && count > 0)) {
    throw new TinyconvError('BAD_OPTION', `calibration needs at least one sample, got ${count}`);
  }
  const inputSize = elementCount(graph.input.shape);
  const run = createExecutor(model);
  const histograms: Record<string, Histogram> = Object.create(null);
  const report = progressReporter(options.progress, count, 'calibrating');
  for (let i = 0; i < count; i++) {
    const x = Array.isArray(samples) ? samples[i] : samples(i);
    if (!x || x.length !== inputSize) {
      throw new TinyconvError('CALIBRATION_SHAPE', `calibration sample ${i} has ${x ? x.length : 0} values, but graph input '${graph.input.name}' has shape [${graph.input.shape.join(', ')}] (${inputSize} values)`);
    }
    run(x, (name, data) => {
      const h = histograms[name] ?? (histograms[name] = new Histogram());
      try {
        h.add(data);
      } catch {
        throw new TinyconvError('CALIBRATION_NOT_FINITE', `tensor '${name}' has a non-finite value on calibration sample ${i}`);
      }
    });
    report(i + 1);
  }
  return { graph, samples: count, histograms };
}

/** Every tensor's range by one method, from observations. */
export function calibrationRanges(obs: Observations, method: CalibrationMethod = 'percentile', percentile = DEFAULT_PERCENTILE): Calibration {
  checkOptions(method, percentile);
  const ranges: Record<string, TensorRange> = Object.create(null);
  for (const name of Object.keys(obs.histograms)) ranges[name] = rangeFromHistogram(obs.histograms[name], method, percentile);
  ranges[obs.graph.input.name] = rangeFromHistogram(obs.histograms[obs.graph.input.name], 'minmax');
  for (const node of obs.graph.nodes) {
    const interval = activationInterval(node);
    if (interval && isRelu6Interval(interval)) ranges[node.output] = { min: 0, max: 6 };
  }
  return { method, samples: obs.samples, ranges };
}

export function calibrate(model: FloatModel, samples: SampleSource, options: CalibrateOptions = {}): Calibration {
  const method = options.method ?? 'percentile';
  const percentile = options.percentile ?? DEFAULT_PERCENTILE;
  checkOptions(method, percentile);
  return calibrationRanges(observeActivations(model, samples, options), method, percentile);
}
