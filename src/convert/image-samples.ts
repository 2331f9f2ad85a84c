// Calibration samples from a set of raw uint8 images (a dataset from src/data satisfies ImageSet):
// each image is preprocessed exactly as the model records, real = (pixel * pixelScale - mean[c]) / std[c],
// so calibration sees the same real inputs the runtime's setInput(pixels) will produce.
// Images are taken evenly spread over the set (every k-th), so a class-sorted set is still covered.
import { TinyconvError } from '../format/errors.js';
import type { FloatGraph } from '../graph/types.js';
import type { SampleSource } from './calibrate.js';

export interface ImageSet {
  /** count * height * width * channels bytes, NHWC. */
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The samples and how many there are (at most `wanted`, at most the set's size). */
export function imageSamples(set: ImageSet, graph: Pick<FloatGraph, 'input' | 'preprocess'>, wanted: number): { samples: SampleSource; count: number } {
  const inShape = graph.input.shape;
  const imageShape = [set.height, set.width, set.channels];
  const size = elementCount(imageShape);
  // An image feeds an [H, W, C] input of the same shape, or a vector input of the same length.
  const fits = inShape.length === 1 ? inShape[0] === size : inShape.length === 3 && inShape.every((d, i) => d === imageShape[i]);
  if (!fits) {
    throw new TinyconvError('CALIBRATION_SHAPE', `calibration images are [${imageShape.join(', ')}] but graph input '${graph.input.name}' has shape [${inShape.join(', ')}]`);
  }
  if (set.count < 1) throw new TinyconvError('CALIBRATION_EMPTY', 'the calibration set has no images');
  const count = Math.min(wanted, set.count);
  const stride = set.count / count;
  const c = set.channels;
  const pre = graph.preprocess;
  const channelValue = (list: number[], k: number) => (list.length === 1 ? list[0] : list[k]);
  if (pre.mean.length !== 1 && pre.mean.length !== c || pre.std.length !== 1 && pre.std.length !== c) {
    throw new TinyconvError('BAD_PREPROCESS', `preprocess has ${pre.mean.length} means and ${pre.std.length} stds; the images have ${c} channels`);
  }
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    scale[k] = pre.pixelScale / channelValue(pre.std, k);
    shift[k] = channelValue(pre.mean, k) / channelValue(pre.std, k);
  }
  const samples = (i: number): Float32Array => {
    const start = Math.floor(i * stride) * size;
    const out = new Float32Array(size);
    for (let j = 0; j < size; j++) out[j] = set.images[start + j] * scale[j % c] - shift[j % c];
    return out;
  };
  return { samples, count };
}
