import { describe, expect, it } from 'vitest';
import { imageSamples } from '../../src/convert/image-samples.js';

const graph = (shape: number[]) => ({
  input: { name: 'x', shape },
  preprocess: { pixelScale: 1 / 255, mean: [0.5, 0.25], std: [0.5, 0.25] },
});

describe('imageSamples', () => {
  const set = { images: Uint8Array.from({ length: 4 * 2 * 1 * 2 }, (_, i) => i * 8), count: 4, height: 2, width: 1, channels: 2 };

  it('preprocesses per channel and spreads the picks over the set', () => {
    const { samples, count } = imageSamples(set, graph([2, 1, 2]), 2);
    expect(count).toBe(2);
    const s = samples as (i: number) => Float32Array;
    const second = s(1); // every 2nd image: image 2 starts at byte 8
    const px = Array.from(set.images.subarray(8, 12));
    const want = px.map((p, j) => (p / 255 - [0.5, 0.25][j % 2]) / [0.5, 0.25][j % 2]);
    Array.from(second).forEach((v, j) => expect(v).toBeCloseTo(want[j], 6));
  });

  it('accepts a flat input of the same size and never more samples than images', () => {
    expect(imageSamples(set, graph([4]), 500).count).toBe(4);
  });

  it('refuses a different shape, naming both', () => {
    expect(() => imageSamples(set, graph([2, 2, 1]), 10)).toThrow(/calibration images are \[2, 1, 2\] but graph input 'x' has shape \[2, 2, 1\]/);
  });
});
