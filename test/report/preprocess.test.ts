// The report feeds the float executor exactly what the trainer fed it: same formula, same float32
// rounding as src/data/normalize.ts, one mean/std for all channels or one per channel.
import { describe, expect, it } from 'vitest';
import { preprocessInto } from '../../src/report/evaluate.js';
import { normalizeInto } from '../../src/data/normalize.js';

describe('preprocessInto', () => {
  it('computes (pixel * pixelScale - mean[c]) / std[c] per channel', () => {
    const out = new Float32Array(4);
    preprocessInto(new Uint8Array([0, 255, 51, 102]), 2, { pixelScale: 1 / 255, mean: [0, 0.5], std: [1, 0.25] }, out);
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo((1 - 0.5) / 0.25, 5);
    expect(out[2]).toBeCloseTo(0.2, 6);
    expect(out[3]).toBeCloseTo((0.4 - 0.5) / 0.25, 5);
  });

  it('matches the trainer bit for bit, with one value for all channels broadcast', () => {
    const pixels = Uint8Array.from({ length: 3 * 50 }, (_, i) => (i * 97) % 256);
    const norm = { pixelScale: 1 / 255, mean: [0.2860, 0.3, 0.1], std: [0.3530, 0.2, 0.5] };
    const ours = new Float32Array(pixels.length);
    const trainer = new Float32Array(pixels.length);
    preprocessInto(pixels, 3, norm, ours);
    normalizeInto(pixels, 3, norm, trainer);
    expect(Array.from(ours)).toEqual(Array.from(trainer));
    const one = new Float32Array(pixels.length);
    preprocessInto(pixels, 3, { pixelScale: 1 / 255, mean: [0.5], std: [0.25] }, one);
    const three = new Float32Array(pixels.length);
    preprocessInto(pixels, 3, { pixelScale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, three);
    expect(Array.from(one)).toEqual(Array.from(three));
  });
});
