// Pixel normalisation: real = (pixel * pixelScale - mean[c]) / std[c], the same formula the float
// graph records in `preprocess`, so training, export and the int8 runtime agree on the input.
import type { Dataset } from './datasets.js';

export interface Normalization {
  pixelScale: number;
  mean: number[];
  std: number[];
}

/** Per-channel mean and standard deviation of pixel * pixelScale over the whole dataset. */
export function computeNormalization(d: Dataset, pixelScale = 1 / 255): Normalization {
  const c = d.channels;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const n = d.count * d.height * d.width;
  for (let i = 0; i < d.images.length; i++) {
    const v = d.images[i] * pixelScale;
    sum[i % c] += v;
    sumSq[i % c] += v * v;
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let k = 0; k < c; k++) {
    const m = sum[k] / n;
    mean.push(round6(m));
    std.push(round6(Math.sqrt(Math.max(sumSq[k] / n - m * m, 1e-12))));
  }
  return { pixelScale, mean, std };
}

/** Identity normalisation (pixels scaled to [0, 1] only). */
export function unitScale(channels: number): Normalization {
  return { pixelScale: 1 / 255, mean: new Array(channels).fill(0), std: new Array(channels).fill(1) };
}

/** Writes normalised floats for `count` images starting at `src` into `out` (NHWC). */
export function normalizeInto(pixels: Uint8Array, channels: number, norm: Normalization, out: Float32Array, outOffset = 0): void {
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let k = 0; k < channels; k++) {
    scale[k] = norm.pixelScale / norm.std[k];
    shift[k] = norm.mean[k] / norm.std[k];
  }
  for (let i = 0; i < pixels.length; i++) {
    const k = i % channels;
    out[outOffset + i] = pixels[i] * scale[k] - shift[k];
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
