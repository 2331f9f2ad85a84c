// The one inner loop worth handing to a platform: an int8 row dot product.
// Kernels that can phrase their work as sum(a[i] * b[i]) over contiguous rows call this, so a port
// can swap in a native routine (Espruino's E.convolve, a WASM SIMD loop) without touching the
// kernels. Zero points are never folded in here; callers add `inputOffset * sum(weights)` instead,
// which keeps the hooked routine a plain dot product.
//
// Runtime rule: ES5 subset, no allocation.

/** sum over i < length of a[aOffset + i] * b[bOffset + i]; exact (|result| < 2^31 for any int8 row
 *  shorter than 2^17). */
export function dotInt8(a: Int8Array, aOffset: number, b: Int8Array, bOffset: number, length: number): number {
  let acc = 0;
  for (let i = 0; i < length; i++) acc += a[aOffset + i] * b[bOffset + i];
  return acc;
}
