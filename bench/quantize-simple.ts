// A deliberately simple post-training quantizer for the bench's chain FloatNets, used for LeNet-5
// only while src/convert has no whole-model entry point: min/max calibration on the given samples,
// TFLite's activation parameters (range widened to contain 0, zero point nudged to an integer),
// symmetric per-channel int8 weights, int32 bias at s_in * s_w, TFLite's multipliers and clamps,
// softmax scaling as TFLite's PreprocessSoftmaxScaling. It aims at a faithful int8 network to time,
// not at the best accuracy (that is src/convert's job).

import { f32, quantizeMultiplier } from '../src/format/multiplier.js';
import { planArena } from '../src/format/plan.js';
import {
  type ModelSpec,
  type OpSpec,
  type TensorSpec,
  OP_AVG_POOL,
  OP_CONV2D,
  OP_DENSE,
  OP_DEPTHWISE_CONV2D,
  OP_MAX_POOL,
  OP_RESHAPE,
  OP_SOFTMAX,
} from '../src/format/schema.js';
import type { Activation, FloatNet, Window } from './float-net.js';
import { layerShapes } from './float-net.js';
import { runFloatReference } from './float-reference.js';

interface Quant {
  scale: number;
  zeroPoint: number;
}

const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** TFLite ChooseQuantizationParams for int8 over [min, max] widened to contain 0. */
function chooseQuant(min: number, max: number): Quant {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0, lo + 1e-6);
  const scale = f32((hi - lo) / 255);
  const zp = -128 - lo / scale;
  return { scale, zeroPoint: Math.max(-128, Math.min(127, roundHalfAway(zp))) };
}

function clampOf(act: Activation, q: Quant): { actMin: number; actMax: number } {
  const quantize = (real: number) => q.zeroPoint + roundHalfAway(real / q.scale);
  switch (act.kind) {
    case 'none':
      return { actMin: -128, actMax: 127 };
    case 'relu':
      return { actMin: Math.max(-128, q.zeroPoint), actMax: 127 };
    case 'relu6':
      return { actMin: Math.max(-128, q.zeroPoint), actMax: Math.min(127, quantize(6)) };
    case 'clip':
      return { actMin: Math.max(-128, quantize(act.min)), actMax: Math.min(127, quantize(act.max)) };
  }
}

/** Symmetric int8 weights, one scale per output channel; channelOf maps a flat index to it. */
function quantizeWeights(w: Float32Array, channels: number, channelOf: (i: number) => number): { values: Int8Array; scales: Float64Array } {
  const scales = new Float64Array(channels);
  for (let i = 0; i < w.length; i++) scales[channelOf(i)] = Math.max(scales[channelOf(i)], Math.abs(w[i]));
  for (let c = 0; c < channels; c++) scales[c] = f32(scales[c] > 0 ? scales[c] / 127 : 1);
  const values = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) values[i] = Math.max(-127, Math.min(127, roundHalfAway(w[i] / scales[channelOf(i)])));
  return { values, scales };
}

function requant(inScale: number, wScales: Float64Array, outScale: number, bias: Float32Array) {
  const n = wScales.length;
  const multiplier = new Int32Array(n);
  const shift = new Int32Array(n);
  const qBias = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    const m = quantizeMultiplier((f32(inScale) * wScales[c]) / f32(outScale));
    multiplier[c] = m.multiplier;
    shift[c] = m.shift;
    qBias[c] = roundHalfAway(bias[c] / f32(f32(inScale) * wScales[c]));
  }
  return { multiplier, shift, bias: qBias };
}

function windowFields(w: Window) {
  return {
    kernelH: w.kernelH,
    kernelW: w.kernelW,
    strideH: w.strideH,
    strideW: w.strideW,
    padTop: w.pads[0],
    padLeft: w.pads[1],
    padBottom: w.pads[2],
    padRight: w.pads[3],
  };
}

/** TFLite PreprocessSoftmaxScaling(beta = 1, scale, kScaledDiffIntegerBits = 5) and diff_min. */
function softmaxParams(inputScale: number) {
  const real = Math.min(inputScale * Math.pow(2, 31 - 5), 2147483647);
  const m = quantizeMultiplier(real);
  const radius = Math.floor((31 * Math.pow(2, 31 - 5)) / Math.pow(2, m.shift));
  return { inputBetaMultiplier: m.multiplier, inputBetaLeftShift: m.shift, diffMin: -radius };
}

/** Quantize a chain FloatNet, calibrating activation ranges on `samples` (NHWC float inputs). */
export function quantizeSimple(net: FloatNet, samples: Float32Array[], preprocess: ModelSpec['preprocess']): ModelSpec {
  const shapes = layerShapes(net);
  const mins = new Float64Array(net.layers.length + 1).fill(Infinity);
  const maxs = new Float64Array(net.layers.length + 1).fill(-Infinity);
  const observe = (slot: number, x: Float32Array) => {
    for (let i = 0; i < x.length; i++) {
      if (x[i] < mins[slot]) mins[slot] = x[i];
      if (x[i] > maxs[slot]) maxs[slot] = x[i];
    }
  };
  for (const sample of samples) {
    observe(0, sample);
    runFloatReference(net, sample, (index, out) => observe(index + 1, out));
  }

  const tensors: TensorSpec[] = [];
  const ops: OpSpec[] = [];
  let quant = chooseQuant(mins[0], maxs[0]);
  tensors.push({ shape: shapes[0].slice(), scale: quant.scale, zeroPoint: quant.zeroPoint, offset: 0, name: 'input' });
  net.layers.forEach((layer, index) => {
    const input = tensors.length - 1;
    const inQuant = quant;
    // Pools and reshapes keep their input's quantization; softmax has TFLite's fixed output.
    if (layer.kind === 'softmax') quant = { scale: 1 / 256, zeroPoint: -128 };
    else if (layer.kind === 'conv' || layer.kind === 'depthwise' || layer.kind === 'dense') quant = chooseQuant(mins[index + 1], maxs[index + 1]);
    const name = `${layer.kind}_${index}`;
    tensors.push({ shape: shapes[index + 1].slice(), scale: quant.scale, zeroPoint: quant.zeroPoint, offset: 0, name });
    const io = { inputs: [input], outputs: [input + 1], name };
    switch (layer.kind) {
      case 'conv': {
        const perChannel = layer.kernelH * layer.kernelW * layer.inC;
        const w = quantizeWeights(layer.weights, layer.outC, (i) => Math.floor(i / perChannel));
        ops.push({
          type: OP_CONV2D, ...io, ...windowFields(layer), ...clampOf(layer.activation, quant),
          ...requant(inQuant.scale, w.scales, quant.scale, layer.bias),
          dilationH: 1, dilationW: 1, groups: 1, weights: w.values,
        });
        break;
      }
      case 'depthwise': {
        const outC = layer.inC * layer.depthMultiplier;
        const w = quantizeWeights(layer.weights, outC, (i) => i % outC);
        ops.push({
          type: OP_DEPTHWISE_CONV2D, ...io, ...windowFields(layer), ...clampOf(layer.activation, quant),
          ...requant(inQuant.scale, w.scales, quant.scale, layer.bias),
          dilationH: 1, dilationW: 1, depthMultiplier: layer.depthMultiplier, weights: w.values,
        });
        break;
      }
      case 'dense': {
        const w = quantizeWeights(layer.weights, layer.outN, (i) => Math.floor(i / layer.inN));
        ops.push({
          type: OP_DENSE, ...io, ...clampOf(layer.activation, quant),
          ...requant(inQuant.scale, w.scales, quant.scale, layer.bias), weights: w.values,
        });
        break;
      }
      case 'maxPool':
      case 'avgPool':
        ops.push({ type: layer.kind === 'maxPool' ? OP_MAX_POOL : OP_AVG_POOL, ...io, ...windowFields(layer), actMin: -128, actMax: 127 });
        break;
      case 'flatten':
        ops.push({ type: OP_RESHAPE, ...io });
        break;
      case 'softmax':
        ops.push({ type: OP_SOFTMAX, ...io, ...softmaxParams(inQuant.scale) });
        break;
    }
  });
  const spec: ModelSpec = {
    tensors,
    ops,
    input: 0,
    output: tensors.length - 1,
    arenaBytes: 0,
    preprocess,
    labels: [],
    name: net.name,
  };
  planArena(spec);
  return spec;
}
