import { describe, expect, it } from 'vitest';
import {
  accuracy, agreement, argmax, confusionMatrix, flippedIndices, median, perClassAccuracy, sqnr, wilsonInterval,
  newSqnrAccumulator, accumulateSqnr, sqnrDb,
} from '../../src/report/metrics.js';

describe('wilsonInterval', () => {
  it('matches the textbook 8 of 10 example (0.4902, 0.9433)', () => {
    const { low, high } = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
  });
  it('stays inside [0, 1] at the edges (0 of 10 -> 0..0.2775, 10 of 10 -> 0.7225..1)', () => {
    const zero = wilsonInterval(0, 10);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 4);
    const all = wilsonInterval(10, 10);
    expect(all.low).toBeCloseTo(0.7225, 4);
    expect(all.high).toBeCloseTo(1, 12);
  });
  it('narrows with N: 900 of 1000 is 0.8798..0.9171', () => {
    const { low, high } = wilsonInterval(900, 1000);
    expect(low).toBeCloseTo(0.8798, 4);
    expect(high).toBeCloseTo(0.9171, 4);
  });
  it('says nothing is known for N = 0', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('accuracy, agreement, flips', () => {
  const labels = [0, 1, 2, 2, 1];
  const a = [0, 1, 1, 2, 0];
  const b = [0, 1, 2, 2, 0];
  it('counts top-1 hits', () => {
    expect(accuracy(a, labels)).toMatchObject({ correct: 3, total: 5, value: 0.6 });
    expect(accuracy(b, labels).correct).toBe(4);
  });
  it('agreement counts same predictions regardless of truth', () => {
    expect(agreement(a, b)).toMatchObject({ correct: 4, total: 5, value: 0.8 });
    expect(flippedIndices(a, b)).toEqual([2]);
  });
  it('refuses arrays of different lengths', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(/lengths differ/);
  });
});

describe('confusionMatrix', () => {
  it('puts true class in rows and predictions in columns', () => {
    const m = confusionMatrix([0, 1, 1, 2, 0], [0, 1, 2, 2, 1], 3);
    expect(m).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
    const pc = perClassAccuracy(m);
    expect(pc.map((p) => p.value)).toEqual([1, 0.5, 0.5]);
    expect(pc.map((p) => p.total)).toEqual([1, 2, 2]);
  });
  it('refuses a class index outside the range', () => {
    expect(() => confusionMatrix([3], [0], 3)).toThrow(/outside 0..2/);
  });
});

describe('SQNR', () => {
  it('is +Infinity when dequantized int8 equals the float tensor', () => {
    // scale 0.5, zero point 1: q = 2x + 1
    expect(sqnr([1, 2, 3, 4], [3, 5, 7, 9], 0.5, 1)).toBe(Infinity);
  });
  it('is 10 log10(30 / 0.25) = 20.79 dB for one half-step error', () => {
    expect(sqnr([1, 2, 3, 4], [3, 5, 7, 8], 0.5, 1)).toBeCloseTo(10 * Math.log10(120), 10);
    expect(sqnr([1, 2, 3, 4], [3, 5, 7, 8], 0.5, 1)).toBeCloseTo(20.792, 3);
  });
  it('accumulates sums over samples (not an average of dB)', () => {
    const acc = newSqnrAccumulator();
    accumulateSqnr(acc, [2], [2], 1, 0); // no noise
    accumulateSqnr(acc, [0], [1], 1, 0); // noise 1, signal 0
    expect(sqnrDb(acc)).toBeCloseTo(10 * Math.log10(4), 10);
    expect(acc.count).toBe(2);
  });
});

describe('helpers', () => {
  it('argmax takes the first maximum; median is the middle', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
