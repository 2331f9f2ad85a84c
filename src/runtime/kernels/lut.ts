// Any elementwise int8 -> int8 function as a 256-entry table the converter filled by evaluating
// the float function on every dequantized input and quantizing the result: out = table[in + 128].
// Reads in[i] before writing out[i], so the output may share memory with the input.
//
// Runtime rule: ES5 subset, no allocation.
import type { LutOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { shapeSize } from '../../format/validate.js';

export function lut(op: LutOp, input: Tensor, output: Tensor): void {
  const n = shapeSize(output.shape);
  const table = op.table;
  const x = input.data;
  const y = output.data;
  for (let i = 0; i < n; i++) y[i] = table[x[i] + 128];
}
