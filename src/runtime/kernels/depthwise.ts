// Int8 depthwise convolution, TFLite's DepthwiseConvPerChannel (reference_integer_ops/depthwise_conv.h).
//
// Each input channel ic feeds depthMultiplier output channels oc = ic * depthMultiplier + m, each
// with its own kH x kW filter stored as weights[ky][kx][oc] (TFLite's 1HWO). The accumulator and
// requantization are those of conv.ts: acc = bias[oc] + sum_taps (x - zp_in) * w, then
// y = zp_out + acc * (s_in * s_w[oc] / s_out) in fixed point, clamped. Padded taps are skipped
// (the window is clipped once per output position, window.ts).
// With a load-time plan (fast bundle), 3x3 undilated filters go to depthwise3x3.ts.
//
// Runtime rule: ES5 subset, no allocation.
import type { DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { requantizeOutput } from './requantize-output.js';
import { endTap, firstTap } from './window.js';
import type { PlannedOp } from '../plan.js';

/** Dispatcher: the fast kernel a load-time plan chose (plan.ts, fast bundle), else the generic loop. */
export function depthwiseConv2d(op: DepthwiseOp, input: Tensor, output: Tensor): void {
  var plan = (op as PlannedOp).plan;
  if (plan) plan.kernel(op, input, output, plan);
  else depthwiseConv2dGeneric(op, input, output);
}

/** Any kernel size, stride, dilation, asymmetric padding and channel multiplier. */
export function depthwiseConv2dGeneric(op: DepthwiseOp, input: Tensor, output: Tensor): void {
  const inH = input.shape[0];
  const inW = input.shape[1];
  const inC = input.shape[2];
  const outH = output.shape[0];
  const outW = output.shape[1];
  const outC = output.shape[2];
  const kernelH = op.kernelH;
  const kernelW = op.kernelW;
  const depthMultiplier = op.depthMultiplier;
  const inputOffset = -input.zeroPoint;
  const outputOffset = output.zeroPoint;
  const x = input.data;
  const w = op.weights;
  const y = output.data;
  for (let oy = 0; oy < outH; oy++) {
    const inY0 = oy * op.strideH - op.padTop;
    const kyStart = firstTap(inY0, op.dilationH);
    const kyEnd = endTap(inY0, op.dilationH, inH, kernelH);
    for (let ox = 0; ox < outW; ox++) {
      const inX0 = ox * op.strideW - op.padLeft;
      const kxStart = firstTap(inX0, op.dilationW);
      const kxEnd = endTap(inX0, op.dilationW, inW, kernelW);
      for (let ic = 0; ic < inC; ic++) {
        for (let dm = 0; dm < depthMultiplier; dm++) {
          const oc = ic * depthMultiplier + dm;
          let acc = 0;
          for (let ky = kyStart; ky < kyEnd; ky++) {
            const iy = inY0 + op.dilationH * ky;
            for (let kx = kxStart; kx < kxEnd; kx++) {
              const ix = inX0 + op.dilationW * kx;
              acc += w[(ky * kernelW + kx) * outC + oc] * (x[(iy * inW + ix) * inC + ic] + inputOffset);
            }
          }
          acc += op.bias[oc];
          y[(oy * outW + ox) * outC + oc] = requantizeOutput(acc, op, oc, outputOffset);
        }
      }
    }
  }
}
