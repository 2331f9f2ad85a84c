// Int8 2-D convolution, TFLite's ConvPerChannel (reference_integer_ops/conv.h).
//
// Math: with real = s * (q - zp), one output is
//   y_real[oc] = sum_taps x_real * w_real + b_real
//              = s_in * s_w[oc] * ( sum_taps (x - zp_in) * w + bias[oc] )      (w has zero point 0,
//                                                                               bias scale s_in*s_w)
// so the int32 accumulator acc = bias + sum (x - zp_in) * w is exact, and
//   y = zp_out + acc * (s_in * s_w[oc] / s_out)
// where the real multiplier is applied in fixed point (requant.ts). Padded taps are skipped (window.ts): they
// stand for real 0, i.e. q = zp_in, which contributes (zp_in - zp_in) * w = 0.
// Shapes come from the tensors: input [inH, inW, inC], output [outH, outW, outC]; padBottom and
// padRight only decided outH/outW when the converter planned the op.
//
// Runtime rule: ES5 subset, no allocation.
import { OP_DEPTHWISE_CONV2D, ConvOp, DepthwiseOp } from '../../format/schema.js';
import type { Tensor } from '../tensor.js';
import { requantizeOutput } from './requantize-output.js';
import { endTap, firstTap } from './window.js';
import type { PlannedOp } from '../plan.js';

/** Dispatcher: the fast kernel a load-time plan chose (plan.ts, fast bundle), else the generic loop. */
export function conv2d(op: ConvOp, input: Tensor, output: Tensor): void {
  var plan = (op as PlannedOp).plan;
  if (plan) plan.kernel(op, input, output, plan);
  else conv2dGeneric(op, input, output);
}

/** Any kernel size, stride, dilation, asymmetric padding and group count; also depthwise convolution
 *  (depthwise.ts), which is the grouped convolution with one input channel per group and
 *  depthMultiplier output channels per group, its weights stored [ky][kx][oc] instead of
 *  [oc][ky][kx][ic]: only the weight strides differ. */
export function conv2dGeneric(op: ConvOp | DepthwiseOp, input: Tensor, output: Tensor): void {
  const inH = input.shape[0];
  const inW = input.shape[1];
  const inC = input.shape[2];
  const outH = output.shape[0];
  const outW = output.shape[1];
  const outC = output.shape[2];
  const kernelH = op.kernelH;
  const kernelW = op.kernelW;
  const depthwise = op.type === OP_DEPTHWISE_CONV2D;
  const groups = depthwise ? inC : (op as ConvOp).groups;
  const groupInC = inC / groups;
  const groupOutC = outC / groups;
  // Weight index of (oc, ky, kx, ic) = oc * ocStride + (ky * kernelW + kx) * tapStride + ic.
  const tapStride = depthwise ? outC : groupInC;
  const ocStride = depthwise ? 1 : kernelH * kernelW * groupInC;
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
      for (let oc = 0; oc < outC; oc++) {
        const inCBase = Math.floor(oc / groupOutC) * groupInC;
        let acc = 0;
        for (let ky = kyStart; ky < kyEnd; ky++) {
          const iy = inY0 + op.dilationH * ky;
          for (let kx = kxStart; kx < kxEnd; kx++) {
            const ix = inX0 + op.dilationW * kx;
            const xBase = (iy * inW + ix) * inC + inCBase;
            const wBase = oc * ocStride + (ky * kernelW + kx) * tapStride;
            for (let ic = 0; ic < groupInC; ic++) acc += w[wBase + ic] * (x[xBase + ic] + inputOffset);
          }
        }
        acc += op.bias[oc];
        y[(oy * outW + ox) * outC + oc] = requantizeOutput(acc, op, oc, outputOffset);
      }
    }
  }
}
