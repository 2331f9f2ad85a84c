// Depthwise 3x3, multiplier 1, no dilation: the generic kernel's math (depthwise.ts) with the
// bounds checks hoisted out of the tap loops. For each output pixel the valid tap rectangle is
// computed once; interior pixels (all nine taps inside the image) take an unrolled nine-term sum
// with fixed offsets, border pixels loop over the clipped rectangle.
// Dispatched from depthwiseConv2d by shape; tested against the generic loop on random shapes.
//
// Runtime rule: ES5 subset, no allocation.
import type { DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { requantizeOutput } from './requantize-output.js';
import { endTap, firstTap } from './window.js';

export function depthwiseConv3x3(op: DepthwiseOp, input: Tensor, output: Tensor): void {
  const inH = input.shape[0];
  const inW = input.shape[1];
  const channels = input.shape[2];
  const outH = output.shape[0];
  const outW = output.shape[1];
  const rowStride = inW * channels;
  const inputOffset = -input.zeroPoint;
  const outputOffset = output.zeroPoint;
  const x = input.data;
  const w = op.weights;
  const y = output.data;
  const c2 = 2 * channels;
  const w3 = 3 * channels;
  for (let oy = 0; oy < outH; oy++) {
    const inY0 = oy * op.strideH - op.padTop;
    const kyStart = firstTap(inY0, 1);
    const kyEnd = endTap(inY0, 1, inH, 3);
    for (let ox = 0; ox < outW; ox++) {
      const inX0 = ox * op.strideW - op.padLeft;
      const kxStart = firstTap(inX0, 1);
      const kxEnd = endTap(inX0, 1, inW, 3);
      const interior = kyStart === 0 && kxStart === 0 && kyEnd === 3 && kxEnd === 3;
      const outBase = (oy * outW + ox) * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        if (interior) {
          const r0 = (inY0 * inW + inX0) * channels + c;
          const r1 = r0 + rowStride;
          const r2 = r1 + rowStride;
          acc = w[c] * (x[r0] + inputOffset) +
            w[channels + c] * (x[r0 + channels] + inputOffset) +
            w[c2 + c] * (x[r0 + c2] + inputOffset) +
            w[w3 + c] * (x[r1] + inputOffset) +
            w[w3 + channels + c] * (x[r1 + channels] + inputOffset) +
            w[w3 + c2 + c] * (x[r1 + c2] + inputOffset) +
            w[2 * w3 + c] * (x[r2] + inputOffset) +
            w[2 * w3 + channels + c] * (x[r2 + channels] + inputOffset) +
            w[2 * w3 + c2 + c] * (x[r2 + c2] + inputOffset);
        } else {
          for (let ky = kyStart; ky < kyEnd; ky++) {
            for (let kx = kxStart; kx < kxEnd; kx++) {
              acc += w[(ky * 3 + kx) * channels + c] *
                (x[((inY0 + ky) * inW + inX0 + kx) * channels + c] + inputOffset);
            }
          }
        }
        acc += op.bias[c];
        y[outBase + c] = requantizeOutput(acc, op, c, outputOffset);
      }
    }
  }
}
