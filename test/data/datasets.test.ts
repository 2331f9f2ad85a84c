import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR, describeDataset, hasDebianFashionMnist, loadDataset } from '../../src/data/datasets.js';
import { encodeIdx } from '../../src/data/idx.js';
import { kFold, trainValidationSplit } from '../../src/data/split.js';
import { computeNormalization, normalizeInto } from '../../src/data/normalize.js';
import { augmentImage } from '../../src/data/augment.js';
import { Rng, permutation } from '../../src/data/random.js';

const quiet = { log: () => {} };

function writeDir(nImages: number, nLabels: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ds-'));
  const images = new Uint8Array(nImages * 4 * 4).map((_, i) => i % 251);
  const labels = new Uint8Array(nLabels).map((_, i) => i % 3);
  for (const stem of ['train', 't10k']) {
    writeFileSync(join(dir, `${stem}-images-idx3-ubyte`), encodeIdx([nImages, 4, 4], images));
    writeFileSync(join(dir, `${stem}-labels-idx1-ubyte`), encodeIdx([nLabels], labels));
  }
  return dir;
}

describe('datasets', () => {
  it('loads the embedded subset: 8000/2000, class-balanced, 28x28x1', () => {
    const train = loadDataset('fashion-mnist-subset', 'train', quiet);
    const test = loadDataset('fashion-mnist-subset', 'test', quiet);
    expect([train.count, test.count]).toEqual([8000, 2000]);
    expect([train.height, train.width, train.channels]).toEqual([28, 28, 1]);
    expect(train.images.length).toBe(8000 * 784);
    expect(train.classes[9]).toBe('Ankle boot');
    const perClass = new Array(10).fill(0);
    for (const l of test.labels) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(200));
    expect(describeDataset(test)).toMatch(/^fashion-mnist-subset test: 2000 images 28x28x1, 10 classes \(per class 200-200\)/);
  });

  const debian = hasDebianFashionMnist();
  if (!debian) console.log(`skip: ${DEBIAN_FASHION_MNIST_DIR} absent (dataset-fashion-mnist not installed)`);
  it.skipIf(!debian)('uses the full Debian set for fashion-mnist and says so', () => {
    const lines: string[] = [];
    const test = loadDataset('fashion-mnist', 'test', { log: (m) => lines.push(m) });
    expect(test.count).toBe(10000);
    expect(lines[0]).toMatch(/full set/);
  });

  it('loads a directory and validates the images/labels count', () => {
    const d = loadDataset(writeDir(6, 6), 'train', quiet);
    expect([d.count, d.height, d.width, d.channels]).toEqual([6, 4, 4, 1]);
    expect(d.classes).toHaveLength(10);
    expect(() => loadDataset(writeDir(6, 5), 'test', quiet)).toThrow(/6 images .* but 5 labels/);
    expect(() => loadDataset(mkdtempSync(join(tmpdir(), 'empty-')), 'train', quiet)).toThrow(/no train-images-idx3-ubyte/);
    expect(() => loadDataset('no-such-dataset', 'train', quiet)).toThrow(/unknown dataset 'no-such-dataset'/);
  });

  it('splits stratified and deterministically; k folds partition the set', () => {
    const d = loadDataset('fashion-mnist-subset', 'test', quiet);
    const a = trainValidationSplit(d, 0.1, 7);
    const b = trainValidationSplit(d, 0.1, 7);
    expect([a.train.count, a.validation.count]).toEqual([1800, 200]);
    expect(Array.from(a.validation.labels)).toEqual(Array.from(b.validation.labels));
    expect(a.validation.labels.filter((l) => l === 3).length).toBe(20);
    const folds = kFold(d, 5, 1);
    expect(folds.map((f) => f.validation.count)).toEqual([400, 400, 400, 400, 400]);
    expect(folds.every((f) => f.train.count === 1600)).toBe(true);
    expect(() => kFold(d, 1, 1)).toThrow(/k-fold/);
  });

  it('normalises with the recorded formula', () => {
    const d = loadDataset('fashion-mnist-subset', 'test', quiet);
    const n = computeNormalization(d);
    expect(n.mean[0]).toBeGreaterThan(0.25);
    expect(n.mean[0]).toBeLessThan(0.32);
    const out = new Float32Array(3);
    normalizeInto(new Uint8Array([0, 255, 51]), 1, { pixelScale: 1 / 255, mean: [0.5], std: [0.25] }, out);
    expect(Array.from(out).map((v) => +v.toFixed(5))).toEqual([-2, 2, -1.2]);
  });

  it('augments: shifts pull in zeros, flips mirror, same seed same result', () => {
    const src = new Uint8Array(9).map((_, i) => i + 1); // 3x3: 1..9
    const dst = new Uint8Array(9);
    augmentImage(src, dst, 3, 3, 1, { padding: 0, flip: true }, { next: () => 0.1, int: () => 0 } as unknown as Rng);
    expect(Array.from(dst)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    // shift: int() returns 0 -> dy = dx = -1: output pixel (y, x) reads (y - 1, x - 1).
    augmentImage(src, dst, 3, 3, 1, { padding: 1, flip: false }, { next: () => 0.9, int: () => 0 } as unknown as Rng);
    expect(Array.from(dst)).toEqual([0, 0, 0, 0, 1, 2, 0, 4, 5]);
    expect(Array.from(permutation(10, new Rng(3)))).toEqual(Array.from(permutation(10, new Rng(3))));
    expect(Array.from(permutation(10, new Rng(3)))).not.toEqual(Array.from(permutation(10, new Rng(4))));
  });
});
