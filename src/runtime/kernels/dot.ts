// The one inner loop worth handing to a platform: an int8 row dot product.
// Kernels that can phrase their work as sum(a[i] * b[i]) over contiguous rows call this, or, on
// Espruino, E.convolve on the row views the load-time plan made (plan.ts). Zero points are never
// folded in here; the plan's bias already holds `-zp_in * sum(weights)`, which keeps the hooked
// routine a plain dot product.
//
// Runtime rule: ES5 subset, no allocation.

/** sum over i < length of a[aOffset + i] * b[bOffset + i]; exact (|result| < 2^31 for any int8 row
 *  shorter than 2^17). Unrolled by four. */
export function dotInt8(a: Int8Array, aOffset: number, b: Int8Array, bOffset: number, length: number): number {
  var acc = 0;
  var i = 0;
  for (; i + 3 < length; i += 4) {
    acc += a[aOffset + i] * b[bOffset + i] + a[aOffset + i + 1] * b[bOffset + i + 1] +
      a[aOffset + i + 2] * b[bOffset + i + 2] + a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < length; i++) acc += a[aOffset + i] * b[bOffset + i];
  return acc;
}
