import { describe, expect, it } from 'vitest';
import { calibrate, calibrationRanges, observeActivations, rangeFromHistogram } from '../../src/convert/calibrate.js';
import { BINS, Histogram } from '../../src/convert/histogram.js';
import { quantizationMse } from '../../src/convert/mse-range.js';
import { isTinyconvError } from '../../src/format/errors.js';
import { GraphBuilder, rng } from './graph-builder.js';

/** Standard normal by Box-Muller. */
function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function gaussianWithOutliers(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = gaussian(r);
  v[17] = 40; // a handful of outliers stretch the min/max range
  v[99] = -25;
  return v;
}

describe('Histogram', () => {
  it('keeps every count when its width doubles, and its quantiles match sorting within a bin', () => {
    const h = new Histogram();
    const all: number[] = [];
    const r = rng(5);
    for (let batch = 1; batch <= 6; batch++) {
      // Each batch reaches further out, forcing repeated width doublings.
      const v = Array.from({ length: 1000 }, () => (r() - 0.3) * batch * batch);
      h.add(v);
      all.push(...v);
    }
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(all.length);
    all.sort((a, b) => a - b);
    for (const p of [0.001, 0.1, 0.5, 0.9, 0.999]) {
      const exact = all[Math.floor(p * (all.length - 1))];
      expect(Math.abs(h.quantile(p) - exact)).toBeLessThanOrEqual(h.width * 1.01);
    }
    expect(h.min).toBe(all[0]);
    expect(h.max).toBe(all[all.length - 1]);
    expect(h.width * BINS / 2).toBeGreaterThanOrEqual(Math.max(-all[0], all[all.length - 1]));
  });

  it('counts leading all-zero batches once a width exists', () => {
    const h = new Histogram();
    h.add(new Float32Array(10));
    h.add([0, 1, 2, 3]);
    expect(h.total).toBe(14);
    expect(h.quantile(0.5)).toBeLessThan(h.width);
  });
});

describe('range methods', () => {
  const h = new Histogram();
  h.add(gaussianWithOutliers(200000, 11));

  it('minmax is the observed extremes', () => {
    expect(rangeFromHistogram(h, 'minmax')).toEqual({ min: -25, max: 40 });
  });

  it('percentile drops the outliers (99.99 of a standard normal is about 3.9)', () => {
    const r = rangeFromHistogram(h, 'percentile', 99.99);
    expect(r.max).toBeGreaterThan(3.4);
    expect(r.max).toBeLessThan(4.4);
    expect(r.min).toBeLessThan(-3.4);
    expect(r.min).toBeGreaterThan(-4.4);
    const r99 = rangeFromHistogram(h, 'percentile', 99);
    expect(r99.max).toBeLessThan(r.max);
  });

  it('mse never does worse than minmax or percentile, and clips a heavy (Laplace) tail', () => {
    const bins = (x: Histogram) => [...x.counts.keys()].filter((i) => x.counts[i] > 0);
    const r = rangeFromHistogram(h, 'mse');
    const p = rangeFromHistogram(h, 'percentile');
    const mse = quantizationMse(h, r.min, r.max, bins(h));
    expect(mse).toBeLessThanOrEqual(quantizationMse(h, -25, 40, bins(h)));
    expect(mse).toBeLessThanOrEqual(quantizationMse(h, p.min, p.max, bins(h)));
    const laplace = new Histogram();
    const rand = rng(3);
    laplace.add(Array.from({ length: 200000 }, () => -Math.log(1 - rand()) * (rand() < 0.5 ? -1 : 1)));
    const lr = rangeFromHistogram(laplace, 'mse');
    expect(lr.max).toBeLessThan(0.95 * laplace.max);
    expect(lr.min).toBeGreaterThan(0.95 * laplace.min);
    const clipped = quantizationMse(laplace, lr.min, lr.max, bins(laplace));
    expect(clipped).toBeLessThan(0.9 * quantizationMse(laplace, laplace.min, laplace.max, bins(laplace)));
  });

  it('always includes 0', () => {
    const pos = new Histogram();
    pos.add([2, 3, 4, 5]);
    for (const m of ['minmax', 'percentile', 'mse'] as const) expect(rangeFromHistogram(pos, m).min).toBe(0);
  });
});

describe('calibrate', () => {
  function model() {
    const g = new GraphBuilder([2, 2, 1]);
    const a = g.add('relu6', ['input'], {}, {}, 'r6');
    const b = g.add('reshape', ['input'], { shape: [4] }, {}, 'flat');
    const c = g.add('relu', [b], {}, {}, 'r');
    return { model: g.build(g.add('concat', [c, g.add('flatten', [a])], { axis: 0 })), r: g.random };
  }

  it('measures every tensor, uses exactly [0, 6] for relu6 and reports progress', () => {
    const { model: m } = model();
    const samples = Array.from({ length: 50 }, (_, i) => Float32Array.from([i / 10, -i / 10, 1, -1]));
    const seen: number[] = [];
    const cal = calibrate(m, samples, { method: 'minmax', progress: (d) => seen.push(d) });
    expect(cal.samples).toBe(50);
    expect(seen).toHaveLength(50);
    expect(cal.ranges.input).toEqual({ min: -4.9000000953674316, max: 4.900000095367432 });
    expect(cal.ranges.r6).toEqual({ min: 0, max: 6 });
    expect(cal.ranges.r.min).toBe(0);
    expect(cal.ranges.r.max).toBeCloseTo(4.9, 5);
  });

  it('keeps the graph input at its observed min/max whatever the method', () => {
    const { model: m } = model();
    const samples = Array.from({ length: 2000 }, (_, i) => Float32Array.from([i === 0 ? 100 : 0.5, 0, -0.5, 1]));
    const cal = calibrate(m, samples, { method: 'percentile', percentile: 99 });
    expect(cal.ranges.input).toEqual({ min: -0.5, max: 100 });
    expect(cal.ranges.flat.max).toBeLessThan(2);
  });

  it('takes samples from a function and honours the count', () => {
    const { model: m } = model();
    let calls = 0;
    const cal = calibrate(m, (i) => { calls++; return Float32Array.from([i, 0, 0, 0]); }, { count: 7, method: 'minmax' });
    expect(calls).toBe(7);
    expect(cal.ranges.input.max).toBe(6);
  });

  it('refuses samples of the wrong shape, naming both shapes', () => {
    const { model: m } = model();
    try {
      calibrate(m, [new Float32Array(5)]);
      expect.unreachable();
    } catch (e) {
      expect(isTinyconvError(e) && e.code).toBe('CALIBRATION_SHAPE');
      expect(String(e)).toMatch(/sample 0 has 5 values.*shape \[2, 2, 1\] \(4 values\)/);
    }
  });

  it('refuses an unknown method and a bad percentile', () => {
    const { model: m } = model();
    expect(() => calibrate(m, [new Float32Array(4)], { method: 'kl' as never })).toThrow(/not one of minmax, percentile, mse/);
    expect(() => calibrate(m, [new Float32Array(4)], { percentile: 120 })).toThrow(/percentile 120/);
  });
});

describe('observeActivations + calibrationRanges', () => {
  it('gives every method from one run, identical to calibrate', () => {
    const g = new GraphBuilder([4]);
    const model = g.build(g.add('tanh', [g.dense('input', 4, 3)], {}, {}, 'y'));
    const r = rng(8);
    const samples = Array.from({ length: 100 }, () => Float32Array.from([r(), r(), -r(), r() * 3]));
    let runs = 0;
    const obs = observeActivations(model, samples, { progress: () => runs++ });
    expect(runs).toBe(100);
    for (const method of ['minmax', 'percentile', 'mse'] as const) {
      expect(calibrationRanges(obs, method)).toEqual(calibrate(model, samples, { method }));
    }
  });
});
