// A fixed-size histogram of one tensor's values over every calibration sample, so percentile and
// MSE ranges need neither a second pass over the data nor sorting millions of values.
//
// The bins are symmetric around 0: bin i covers [(i - H) * width, (i - H + 1) * width) with H = BINS / 2.
// When a value falls outside, the width doubles and neighbouring bins merge pairwise; the edges
// line up exactly (new bin j = old bins 2j - H and 2j - H + 1), so no count is ever smeared.
export const BINS = 2048;
const HALF = BINS / 2;

export class Histogram {
  readonly counts = new Float64Array(BINS);
  width = 0;
  total = 0;
  min = Infinity;
  max = -Infinity;
  /** Values seen before the first nonzero value fixed a width (all exactly 0). */
  private pendingZeros = 0;

  add(values: ArrayLike<number>): void {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) throw new RangeError('NaN activation value'); // NaN fails both comparisons below
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (values.length === 0) return;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`non-finite activation value (${lo}, ${hi})`);
    this.min = Math.min(this.min, lo);
    this.max = Math.max(this.max, hi);
    this.total += values.length;
    const reach = Math.max(-lo, hi);
    if (this.width === 0) {
      if (reach === 0) {
        this.pendingZeros += values.length;
        return;
      }
      this.width = reach / HALF;
      this.counts[HALF] += this.pendingZeros;
      this.pendingZeros = 0;
    }
    while (reach > this.width * HALF) this.doubleWidth();
    const inv = 1 / this.width;
    for (let i = 0; i < values.length; i++) {
      let b = Math.floor(values[i] * inv) + HALF;
      if (b >= BINS) b = BINS - 1;
      else if (b < 0) b = 0;
      this.counts[b]++;
    }
  }

  private doubleWidth(): void {
    const old = this.counts.slice();
    this.counts.fill(0);
    for (let i = 0; i < BINS; i++) this.counts[(i + HALF) >> 1] += old[i];
    this.width *= 2;
  }

  /** Lower edge of bin i. */
  edge(i: number): number {
    return (i - HALF) * this.width;
  }

  /** The value below which a fraction `p` of all values lie (linear within a bin), clamped to [min, max]. */
  quantile(p: number): number {
    if (this.total === 0) return 0;
    if (this.width === 0) return 0;
    const target = p * this.total;
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      const c = this.counts[i];
      if (c > 0 && seen + c >= target) {
        const v = this.edge(i) + ((target - seen) / c) * this.width;
        return Math.min(Math.max(v, this.min), this.max);
      }
      seen += c;
    }
    return this.max;
  }
}
