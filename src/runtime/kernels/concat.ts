// Concatenation along `axis` of the batch-less shape (TFLite CONCATENATION). Viewing every tensor
// as [outer, axisLength * inner], the output row k is the inputs' rows k laid side by side.
// An input with multiplier 0 already has the output's scale and zero point and is copied;
// otherwise each value is rescaled like requantize.ts (integer fixed point rather than TFLite's
// float rescale, so an input needing it may differ by one step from TFLite's uint8 kernel; the
// converter gives inputs the output's quantization whenever it can).
//
// Runtime rule: ES5 subset, no allocation.
import type { ConcatOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { requantizeValue } from './requantize.js';

export function concat(op: ConcatOp, inputs: Tensor[], output: Tensor): void {
  const shape = output.shape;
  const axis = op.axis;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const y = output.data;
  let dst = 0;
  for (let k = 0; k < outer; k++) {
    for (let t = 0; t < inputs.length; t++) {
      const input = inputs[t];
      const x = input.data;
      const rowLength = input.shape[axis] * inner;
      const src = k * rowLength;
      const multiplier = op.multiplier[t];
      if (multiplier === 0) {
        for (let i = 0; i < rowLength; i++) y[dst + i] = x[src + i];
      } else {
        const shift = op.shift[t];
        for (let i = 0; i < rowLength; i++) {
          y[dst + i] = requantizeValue(x[src + i], input.zeroPoint, output.zeroPoint, multiplier, shift);
        }
      }
      dst += rowLength;
    }
  }
}
