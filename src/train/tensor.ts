// Parameters and scratch buffers shared by the layers.
import type { Rng } from '../data/random.js';

/** A trainable tensor. `data` and `grad` are views into the model's flat buffers once the model is
 *  finalised (so optimisers and worker threads see one contiguous array). */
export interface Param {
  name: string;
  shape: number[];
  data: Float32Array;
  grad: Float32Array;
}

export function newParam(name: string, shape: number[]): Param {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: new Float32Array(n), grad: new Float32Array(n) };
}

/** PyTorch's default for conv and linear layers (kaiming_uniform with a = sqrt(5)): U(-b, b),
 *  b = 1 / sqrt(fanIn), for weights and biases alike. Matching it keeps accuracy comparable. */
export function initUniform(p: Param, fanIn: number, rng: Rng): void {
  const b = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < p.data.length; i++) p.data[i] = (2 * rng.next() - 1) * b;
}

/** A growable scratch buffer: returns a view of exactly `n` elements, reallocating only when a
 *  larger batch than ever before arrives (the last, smaller batch of an epoch reuses the memory). */
export class Scratch {
  private buf: Float32Array = new Float32Array(0);
  get(n: number): Float32Array {
    if (this.buf.length < n) this.buf = new Float32Array(n);
    return this.buf.subarray(0, n);
  }
  zeroed(n: number): Float32Array {
    const v = this.get(n);
    v.fill(0);
    return v;
  }
}

export function sizeOf(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
