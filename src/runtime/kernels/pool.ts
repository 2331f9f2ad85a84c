// Int8 pooling, TFLite's reference_integer_ops/pooling.h. Pooling keeps its input's scale and zero
// point, so no requantization: max pool takes the largest int8 in the window, average pool rounds
// the mean of the raw int8 values the way TFLite does,
//   mean = sum > 0 ? (sum + count/2) / count : (sum - count/2) / count
// with C's truncating integer division (so ties go away from zero). Taps in the padding are
// excluded from both the maximum and the count. The fused activation clamp comes last.
//
// Runtime rule: ES5 subset, no allocation.
import type { GlobalAvgPoolOp, PoolOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { endTap, firstTap } from './window.js';

/** TFLite's rounded integer mean (see above). count > 0. */
function roundedMean(sum: number, count: number): number {
  const half = count >> 1;
  return sum > 0 ? Math.floor((sum + half) / count) : Math.ceil((sum - half) / count);
}

export function maxPool(op: PoolOp, input: Tensor, output: Tensor): void {
  pool2d(op, input, output, false);
}

export function avgPool(op: PoolOp, input: Tensor, output: Tensor): void {
  pool2d(op, input, output, true);
}

/** TFLM's window walk shared by both pools: the window is clipped to the image once per pixel. */
function pool2d(op: PoolOp, input: Tensor, output: Tensor, average: boolean): void {
  const inH = input.shape[0];
  const inW = input.shape[1];
  const channels = input.shape[2];
  const outH = output.shape[0];
  const outW = output.shape[1];
  const x = input.data;
  const y = output.data;
  for (let oy = 0; oy < outH; oy++) {
    const inY0 = oy * op.strideH - op.padTop;
    const kyStart = firstTap(inY0, 1);
    const kyEnd = endTap(inY0, 1, inH, op.kernelH);
    for (let ox = 0; ox < outW; ox++) {
      const inX0 = ox * op.strideW - op.padLeft;
      const kxStart = firstTap(inX0, 1);
      const kxEnd = endTap(inX0, 1, inW, op.kernelW);
      // At least one tap: validate.ts keeps every pad below its kernel size.
      const count = (kyEnd - kyStart) * (kxEnd - kxStart);
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        let best = -128;
        for (let ky = kyStart; ky < kyEnd; ky++) {
          for (let kx = kxStart; kx < kxEnd; kx++) {
            const v = x[((inY0 + ky) * inW + inX0 + kx) * channels + c];
            sum += v;
            if (v > best) best = v;
          }
        }
        let out = average ? roundedMean(sum, count) : best;
        if (out < op.actMin) out = op.actMin;
        if (out > op.actMax) out = op.actMax;
        y[(oy * outW + ox) * channels + c] = out;
      }
    }
  }
}

/** Mean over H and W of an [H, W, C] map into [C] (or [1, 1, C]): TFLite AVERAGE_POOL_2D with a
 *  window covering the whole map, so the same rounding as avgPool on the raw int8 values.
 *  (TFLite's MEAN subtracts the zero point before rounding; the two differ only on exact ties
 *  whose sign flips with the zero point.) */
export function globalAvgPool(op: GlobalAvgPoolOp, input: Tensor, output: Tensor): void {
  const pixels = input.shape[0] * input.shape[1];
  const channels = input.shape[2];
  const x = input.data;
  const y = output.data;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let p = 0; p < pixels; p++) sum += x[p * channels + c];
    let mean = roundedMean(sum, pixels);
    if (mean < op.actMin) mean = op.actMin;
    if (mean > op.actMax) mean = op.actMax;
    y[c] = mean;
  }
}
