// int8 ModelSpec -> FloatNet with the dequantized weights, so the float peers run the very network
// our runtime runs. The .tcm keeps no weight scales, but they are recoverable from what it does keep:
// the requantization multiplier is M[c] = s_in * s_w[c] / s_out, stored as m * 2^(shift - 31), so
// s_w[c] = m * 2^(shift - 31) * s_out / s_in (exact to the 31-bit multiplier, far below float32 noise).
// Only chain-shaped networks of conv/depthwise/dense/pool/reshape/softmax are needed here.

import {
  type ModelSpec,
  type OpSpec,
  type Requant,
  type TensorSpec,
  OP_AVG_POOL,
  OP_CONV2D,
  OP_DENSE,
  OP_DEPTHWISE_CONV2D,
  OP_GLOBAL_AVG_POOL,
  OP_MAX_POOL,
  OP_RESHAPE,
  OP_SOFTMAX,
} from '../src/format/schema.js';
import type { Activation, FloatLayer, FloatNet, Window } from './float-net.js';

function channelScales(op: Requant, count: number, input: TensorSpec, output: TensorSpec): Float64Array {
  const scales = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    const i = op.multiplier.length === 1 ? 0 : c;
    const m = op.multiplier[i] * Math.pow(2, op.shift[i] - 31);
    scales[c] = (m * output.scale) / input.scale;
  }
  return scales;
}

/** The float activation that the int8 clamp [actMin, actMax] on `output` stands for, read at face
 *  value: a bound at the int8 limit is saturation, not an activation (so no bound); a lower bound at
 *  real 0 is a ReLU, and an upper bound within one step of 6 makes it a ReLU6. Anything else is an
 *  explicit clip. (A ReLU6 whose int8 range saturates below 6, like person_detect's last pointwise
 *  conv, reads as a ReLU: the int8 model cannot tell them apart, and both cost the same.) */
export function activationOf(actMin: number, actMax: number, output: TensorSpec): Activation {
  const s = output.scale;
  const lo = s * (actMin - output.zeroPoint);
  const hi = s * (actMax - output.zeroPoint);
  const lowerIsZero = Math.abs(lo) <= s / 2;
  const noLower = actMin === -128 && !lowerIsZero;
  const noUpper = actMax === 127;
  if (noLower && noUpper) return { kind: 'none' };
  if (lowerIsZero && Math.abs(hi - 6) <= s) return { kind: 'relu6' };
  if (lowerIsZero && noUpper) return { kind: 'relu' };
  return { kind: 'clip', min: noLower ? -Infinity : lo, max: noUpper ? Infinity : hi };
}

function windowOf(op: { kernelH: number; kernelW: number; strideH: number; strideW: number; padTop: number; padLeft: number; padBottom: number; padRight: number }): Window {
  return {
    kernelH: op.kernelH,
    kernelW: op.kernelW,
    strideH: op.strideH,
    strideW: op.strideW,
    pads: [op.padTop, op.padLeft, op.padBottom, op.padRight],
  };
}

function unsupported(op: OpSpec, index: number, why: string): Error {
  return new Error(`dequantize: op ${index} (type ${op.type}${op.name ? `, ${op.name}` : ''}): ${why}`);
}

export function dequantizeModel(model: ModelSpec): FloatNet {
  const inputTensor = model.tensors[model.input];
  if (inputTensor.shape.length !== 3) throw new Error(`dequantize: input shape [${inputTensor.shape}] is not [H, W, C]`);
  const layers: FloatLayer[] = [];
  let current = model.input;
  model.ops.forEach((op, index) => {
    if (op.inputs.length !== 1 || op.inputs[0] !== current) throw unsupported(op, index, 'the bench handles chain networks only');
    const input = model.tensors[op.inputs[0]];
    const output = model.tensors[op.outputs[0]];
    switch (op.type) {
      case OP_CONV2D: {
        if (op.groups !== 1 || op.dilationH !== 1 || op.dilationW !== 1) throw unsupported(op, index, 'grouped or dilated conv');
        const outC = output.shape[2];
        const inC = input.shape[2];
        const ws = channelScales(op, outC, input, output);
        const perChannel = op.kernelH * op.kernelW * inC;
        const weights = new Float32Array(op.weights.length);
        const bias = new Float32Array(outC);
        for (let c = 0; c < outC; c++) {
          for (let k = 0; k < perChannel; k++) weights[c * perChannel + k] = op.weights[c * perChannel + k] * ws[c];
          bias[c] = op.bias[c] * input.scale * ws[c];
        }
        layers.push({ kind: 'conv', ...windowOf(op), inC, outC, weights, bias, activation: activationOf(op.actMin, op.actMax, output) });
        break;
      }
      case OP_DEPTHWISE_CONV2D: {
        if (op.dilationH !== 1 || op.dilationW !== 1) throw unsupported(op, index, 'dilated depthwise conv');
        const outC = output.shape[2];
        const ws = channelScales(op, outC, input, output);
        const weights = new Float32Array(op.weights.length);
        const bias = new Float32Array(outC);
        for (let k = 0; k < weights.length; k++) weights[k] = op.weights[k] * ws[k % outC];
        for (let c = 0; c < outC; c++) bias[c] = op.bias[c] * input.scale * ws[c];
        layers.push({
          kind: 'depthwise',
          ...windowOf(op),
          inC: input.shape[2],
          depthMultiplier: op.depthMultiplier,
          weights,
          bias,
          activation: activationOf(op.actMin, op.actMax, output),
        });
        break;
      }
      case OP_DENSE: {
        const outN = output.shape[output.shape.length - 1];
        const inN = op.weights.length / outN;
        if (input.shape.length !== 1) layers.push({ kind: 'flatten' });
        const ws = channelScales(op, outN, input, output);
        const weights = new Float32Array(op.weights.length);
        const bias = new Float32Array(outN);
        for (let o = 0; o < outN; o++) {
          for (let i = 0; i < inN; i++) weights[o * inN + i] = op.weights[o * inN + i] * ws[o];
          bias[o] = op.bias[o] * input.scale * ws[o];
        }
        layers.push({ kind: 'dense', inN, outN, weights, bias, activation: activationOf(op.actMin, op.actMax, output) });
        break;
      }
      case OP_MAX_POOL:
      case OP_AVG_POOL:
        layers.push({ kind: op.type === OP_MAX_POOL ? 'maxPool' : 'avgPool', ...windowOf(op) });
        break;
      case OP_GLOBAL_AVG_POOL:
        layers.push({ kind: 'avgPool', kernelH: input.shape[0], kernelW: input.shape[1], strideH: 1, strideW: 1, pads: [0, 0, 0, 0] });
        break;
      case OP_RESHAPE:
        if (output.shape.length === 1) layers.push({ kind: 'flatten' });
        else if (output.shape.join() !== input.shape.join()) throw unsupported(op, index, `reshape to [${output.shape}]`);
        break;
      case OP_SOFTMAX:
        if (input.shape.length !== 1) layers.push({ kind: 'flatten' });
        layers.push({ kind: 'softmax' });
        break;
      default:
        throw unsupported(op, index, 'op not used by the benchmarked networks');
    }
    current = op.outputs[0];
  });
  if (current !== model.output) throw new Error(`dequantize: the chain ends at tensor ${current}, the model output is ${model.output}`);
  const [h, w, c] = inputTensor.shape;
  return { name: model.name || 'model', inputShape: [h, w, c], layers };
}

/** The real value of an int8 tensor: scale * (q - zeroPoint). */
export function dequantizeTensor(q: Int8Array, tensor: TensorSpec): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = tensor.scale * (q[i] - tensor.zeroPoint);
  return out;
}

/** Multiply-accumulates per inference, counted from the int8 ModelSpec (conv, depthwise, dense). */
export function countMacs(model: ModelSpec): number {
  let macs = 0;
  for (const op of model.ops) {
    const input = model.tensors[op.inputs[0]];
    const output = model.tensors[op.outputs[0]];
    const outElements = output.shape.reduce((a, b) => a * b, 1);
    if (op.type === OP_CONV2D) macs += outElements * op.kernelH * op.kernelW * (input.shape[2] / op.groups);
    else if (op.type === OP_DEPTHWISE_CONV2D) macs += outElements * op.kernelH * op.kernelW;
    else if (op.type === OP_DENSE) macs += op.weights.length;
  }
  return macs;
}
