// Clipping a kernel window to the image once per output position instead of testing every tap:
// tap k of a window starting at `origin` reads row/column origin + dilation * k, which is inside
// [0, size) exactly for firstTap <= k < endTap. Padded taps are then never visited, as in TFLM's
// loops (which skip them one by one).
//
// Runtime rule: ES5 subset, no allocation.

/** Smallest k >= 0 with origin + dilation * k >= 0. */
export function firstTap(origin: number, dilation: number): number {
  return origin < 0 ? Math.ceil(-origin / dilation) : 0;
}

/** One past the largest k < kernel with origin + dilation * k < size (may be <= firstTap: no taps). */
export function endTap(origin: number, dilation: number, size: number, kernel: number): number {
  const end = Math.floor((size - 1 - origin) / dilation) + 1;
  return end < kernel ? end : kernel;
}
