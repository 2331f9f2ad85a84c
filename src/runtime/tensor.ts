import type { TensorSpec } from '../format/schema.js';

/** A tensor bound to its arena slot at load time: `data` is an Int8Array view of the arena,
 *  so kernels read and write activations without allocating. */
export interface Tensor extends TensorSpec {
  data: Int8Array;
}
