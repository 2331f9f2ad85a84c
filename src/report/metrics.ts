// The numbers a float-vs-int8 comparison rests on. Plain functions over predicted and true class
// indices (and, for SQNR, two activation arrays), so each can be checked on a hand example.

/** A proportion with its 95% Wilson score interval. */
export interface Proportion {
  correct: number;
  total: number;
  /** correct / total (0 when total is 0). */
  value: number;
  low: number;
  high: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Wilson score interval: unlike the normal approximation it stays inside [0, 1] and behaves at
 *  p near 0 or 1, which is where a good classifier's accuracy lives. */
export function wilsonInterval(correct: number, total: number, z = Z95): { low: number; high: number } {
  if (total <= 0) return { low: 0, high: 1 };
  const p = correct / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const center = (p + z2 / (2 * total)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

export function proportion(correct: number, total: number): Proportion {
  const { low, high } = wilsonInterval(correct, total);
  return { correct, total, value: total > 0 ? correct / total : 0, low, high };
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: lengths differ (${a.length} vs ${b.length})`);
}

/** Top-1 accuracy of predictions against labels, with its Wilson interval. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): Proportion {
  checkSameLength(predicted, labels, 'accuracy');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return proportion(correct, labels.length);
}

/** How often two models predict the same class, right or wrong. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): Proportion {
  checkSameLength(a, b, 'agreement');
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return proportion(same, a.length);
}

/** Indices where the two models disagree, in ascending order. */
export function flippedIndices(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  checkSameLength(a, b, 'flippedIndices');
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

/** matrix[trueClass][predictedClass] = count. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number[][] {
  checkSameLength(predicted, labels, 'confusionMatrix');
  const m: number[][] = [];
  for (let i = 0; i < classes; i++) m.push(new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predicted[i];
    if (t < 0 || t >= classes || p < 0 || p >= classes) {
      throw new RangeError(`confusionMatrix: sample ${i} has label ${t} / prediction ${p} outside 0..${classes - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

/** Per true class: how many samples and how many predicted right (the confusion matrix diagonal). */
export function perClassAccuracy(confusion: number[][]): Proportion[] {
  return confusion.map((row, c) => proportion(row[c], row.reduce((s, v) => s + v, 0)));
}

/** Index of the largest value (the first one on ties, like argmax everywhere else). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Running sums for a signal-to-quantization-noise ratio, so it can be accumulated over samples. */
export interface SqnrAccumulator {
  signal: number;
  noise: number;
  count: number;
}

export function newSqnrAccumulator(): SqnrAccumulator {
  return { signal: 0, noise: 0, count: 0 };
}

/** Adds one tensor pair: the float activation x and the int8 tensor q with its quantization
 *  (dequant(q) = scale * (q - zeroPoint)). */
export function accumulateSqnr(acc: SqnrAccumulator, x: ArrayLike<number>, q: ArrayLike<number>, scale: number, zeroPoint: number): void {
  checkSameLength(x, q, 'SQNR');
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - scale * (q[i] - zeroPoint);
    signal += x[i] * x[i];
    noise += d * d;
  }
  acc.signal += signal;
  acc.noise += noise;
  acc.count += x.length;
}

/** 10 log10(sum x^2 / sum (x - dequant(q))^2) in dB: +Infinity when there is no noise at all,
 *  -Infinity when the float signal is all zeros but the int8 one is not. */
export function sqnrDb(acc: SqnrAccumulator): number {
  if (acc.noise === 0) return Infinity;
  return 10 * Math.log10(acc.signal / acc.noise);
}

/** SQNR of one tensor pair, in dB. */
export function sqnr(x: ArrayLike<number>, q: ArrayLike<number>, scale: number, zeroPoint: number): number {
  const acc = newSqnrAccumulator();
  accumulateSqnr(acc, x, q, scale, zeroPoint);
  return sqnrDb(acc);
}

/** Median of a list of numbers (for timing: robust against a GC pause or two). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
