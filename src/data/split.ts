// Train/validation splits and k-fold cross-validation, stratified by label so every fold sees every
// class in its proportion, and seeded so the same seed gives the same folds.
import { TinyconvError } from '../format/errors.js';
import type { Dataset } from './datasets.js';
import { subsetOf } from './datasets.js';
import { Rng, shuffleInPlace } from './random.js';

/** Sample indices grouped by label, each group shuffled with `seed`. */
function shuffledByClass(d: Dataset, seed: number): number[][] {
  const rng = new Rng(seed);
  const groups: number[][] = d.classes.map(() => []);
  for (let i = 0; i < d.count; i++) groups[d.labels[i]].push(i);
  for (const g of groups) shuffleInPlace(g, rng);
  return groups;
}

/** Splits off `fraction` of each class as validation. Indices keep the dataset's order. */
export function trainValidationSplit(d: Dataset, fraction: number, seed: number): { train: Dataset; validation: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new TinyconvError('SPLIT_BAD_FRACTION', `validation fraction must be in (0, 1), got ${fraction}`);
  const train: number[] = [];
  const validation: number[] = [];
  for (const g of shuffledByClass(d, seed)) {
    const n = Math.round(g.length * fraction);
    validation.push(...g.slice(0, n));
    train.push(...g.slice(n));
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train: subsetOf(d, train), validation: subsetOf(d, validation, 'test') };
}

/** `k` stratified folds: fold i validates on its share of every class and trains on the rest. */
export function kFold(d: Dataset, k: number, seed: number): Array<{ train: Dataset; validation: Dataset }> {
  if (!(Number.isInteger(k) && k >= 2 && k <= d.count)) throw new TinyconvError('SPLIT_BAD_K', `k-fold needs an integer k in [2, ${d.count}], got ${k}`);
  const foldOf = new Int32Array(d.count);
  for (const g of shuffledByClass(d, seed)) g.forEach((sample, i) => { foldOf[sample] = i % k; });
  const folds = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const validation: number[] = [];
    for (let i = 0; i < d.count; i++) (foldOf[i] === f ? validation : train).push(i);
    folds.push({ train: subsetOf(d, train), validation: subsetOf(d, validation, 'test') });
  }
  return folds;
}
