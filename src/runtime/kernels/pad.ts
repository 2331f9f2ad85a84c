// Spatial padding of an [H, W, C] map (TFLite PAD with constant 0): the border is filled with the
// input zero point, which is how int8 spells real 0; the interior is copied.
//
// Runtime rule: ES5 subset, no allocation.
import type { PadOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';

export function pad(op: PadOp, input: Tensor, output: Tensor): void {
  const inH = input.shape[0];
  const inW = input.shape[1];
  const channels = input.shape[2];
  const outH = output.shape[0];
  const outW = output.shape[1];
  const zero = input.zeroPoint;
  const x = input.data;
  const y = output.data;
  for (let oy = 0; oy < outH; oy++) {
    const iy = oy - op.padTop;
    for (let ox = 0; ox < outW; ox++) {
      const ix = ox - op.padLeft;
      const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
      const src = (iy * inW + ix) * channels;
      const dst = (oy * outW + ox) * channels;
      for (let c = 0; c < channels; c++) y[dst + c] = inside ? x[src + c] : zero;
    }
  }
}
