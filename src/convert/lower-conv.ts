// Lowering of the ops with weights: conv2d (plain, grouped, depthwise), dense, and PReLU with one
// slope per channel (which has no single lookup table, see lowerPerChannelPrelu).
import { OP_ADD, OP_CONV2D, OP_DENSE, OP_DEPTHWISE_CONV2D, type Window2D } from '../format/schema.js';
import { readAttrs, type ConvAttrs } from '../graph/attrs.js';
import type { GraphNode } from '../graph/types.js';
import { fusedInterval, type RealInterval } from './fuse-activations.js';
import { Lowering, unsupported } from './lowering.js';
import { addParams } from './lower-ops.js';
import { activationClamp, chooseActivationQuant, dequantize, type ActivationQuant } from './quant-params.js';
import { biasScaleFloor, quantizeBias, quantizeWeights, requantMultipliers } from './quantize-weights.js';
import { readOptionalParam, readParam } from './weights.js';

const NO_CLAMP: RealInterval = { min: -Infinity, max: Infinity };

function window(a: ConvAttrs): Window2D {
  return {
    kernelH: a.kernel[0], kernelW: a.kernel[1], strideH: a.stride[0], strideW: a.stride[1],
    padTop: a.padding[0], padLeft: a.padding[1], padBottom: a.padding[2], padRight: a.padding[3],
  };
}

interface DepthwiseArgs {
  name: string;
  input: number;
  output: number;
  inQuant: ActivationQuant;
  outQuant: ActivationQuant;
  /** Float weights already in the runtime's [kH][kW][outC] layout. */
  weightsHWO: ArrayLike<number>;
  bias: ArrayLike<number> | null;
  outC: number;
  win: Window2D;
  dilation: [number, number];
  depthMultiplier: number;
  interval: RealInterval;
}

function emitDepthwise(ctx: Lowering, d: DepthwiseArgs): void {
  const w = quantizeWeights(d.weightsHWO, d.outC, (i) => i % d.outC, ctx.options.perChannel, biasScaleFloor(d.bias, d.outC, d.inQuant.scale));
  ctx.emit({
    type: OP_DEPTHWISE_CONV2D, name: d.name, inputs: [d.input], outputs: [d.output], ...d.win,
    dilationH: d.dilation[0], dilationW: d.dilation[1], depthMultiplier: d.depthMultiplier,
    ...activationClamp(d.outQuant, d.interval),
    weights: w.values,
    bias: quantizeBias(d.bias, d.outC, d.inQuant.scale, w, `node '${d.name}'`),
    ...requantMultipliers(d.inQuant.scale, w, d.outQuant.scale),
  });
}

export function lowerConv(ctx: Lowering, node: GraphNode): void {
  const a = readAttrs(node) as ConvAttrs;
  const inName = node.inputs[0];
  const inC = ctx.shapeOf(inName)[2];
  const wShape = node.params.weight.shape;
  const outC = wShape[0];
  const w = readParam(ctx.model, node, 'weight');
  const bias = readOptionalParam(ctx.model, node, 'bias');
  const inQuant = ctx.quantOf(inName);
  const outQuant = ctx.quantOf(node.output);
  const input = ctx.tensor(inName);
  const output = ctx.tensor(node.output);
  const interval = fusedInterval(node);
  if (a.groups > 1 && a.groups === inC) {
    // OHWI with I = 1 -> HWO: output channel o's tap (ky, kx) moves to (ky * kW + kx) * outC + o.
    const taps = a.kernel[0] * a.kernel[1];
    const hwo = new Float32Array(w.length);
    for (let o = 0; o < outC; o++) for (let t = 0; t < taps; t++) hwo[t * outC + o] = w[o * taps + t];
    emitDepthwise(ctx, {
      name: node.name, input, output, inQuant, outQuant, weightsHWO: hwo, bias, outC,
      win: window(a), dilation: a.dilation, depthMultiplier: outC / inC, interval,
    });
    return;
  }
  const perOut = w.length / outC;
  const q = quantizeWeights(w, outC, (i) => Math.floor(i / perOut), ctx.options.perChannel, biasScaleFloor(bias, outC, inQuant.scale));
  ctx.emit({
    type: OP_CONV2D, name: node.name, inputs: [input], outputs: [output], ...window(a),
    dilationH: a.dilation[0], dilationW: a.dilation[1], groups: a.groups,
    ...activationClamp(outQuant, interval),
    weights: q.values,
    bias: quantizeBias(bias, outC, inQuant.scale, q, `node '${node.name}'`),
    ...requantMultipliers(inQuant.scale, q, outQuant.scale),
  });
}

export function lowerDense(ctx: Lowering, node: GraphNode): void {
  const w = readParam(ctx.model, node, 'weight');
  const bias = readOptionalParam(ctx.model, node, 'bias');
  const units = node.params.weight.shape[0];
  const perOut = w.length / units;
  const inQuant = ctx.quantOf(node.inputs[0]);
  const outQuant = ctx.quantOf(node.output);
  const q = quantizeWeights(w, units, (i) => Math.floor(i / perOut), ctx.options.perChannel, biasScaleFloor(bias, units, inQuant.scale));
  ctx.emit({
    type: OP_DENSE, name: node.name, inputs: [ctx.tensor(node.inputs[0])], outputs: [ctx.tensor(node.output)],
    ...activationClamp(outQuant, fusedInterval(node)),
    weights: q.values,
    bias: quantizeBias(bias, units, inQuant.scale, q, `node '${node.name}'`),
    ...requantMultipliers(inQuant.scale, q, outQuant.scale),
  });
}

/** PReLU with slope[c] per channel: y = relu(x) + slope[c] * min(x, 0). Each term is a 1x1
 *  depthwise conv with a fused clamp (weight 1 clamped to >= 0; weight slope[c] clamped to <= 0,
 *  which equals slope[c] * min(x, 0) only when slope[c] >= 0), and an int8 add joins them.
 *  Negative per-channel slopes are refused; a single slope of any sign is a lookup table instead. */
export function lowerPerChannelPrelu(ctx: Lowering, node: GraphNode, slope: Float32Array): void {
  let maxSlope = 0;
  for (let c = 0; c < slope.length; c++) {
    if (slope[c] < 0) throw unsupported(node, `slope[${c}] = ${slope[c]} is negative; per-channel PReLU needs slopes >= 0`);
    maxSlope = Math.max(maxSlope, slope[c]);
  }
  const inName = node.inputs[0];
  const shape = ctx.shapeOf(inName);
  if (shape.length !== 3) throw unsupported(node, `per-channel PReLU needs an [H, W, C] input, got [${shape.join(', ')}]`);
  const c = shape[2];
  const inQuant = ctx.quantOf(inName);
  const lo = dequantize(inQuant, -128);
  const hi = dequantize(inQuant, 127);
  const posQuant = chooseActivationQuant(0, hi);
  const negQuant = chooseActivationQuant(maxSlope * lo, 0);
  const input = ctx.tensor(inName);
  const pos = ctx.synthetic(`${node.output}/positive`, shape, posQuant);
  const neg = ctx.synthetic(`${node.output}/negative`, shape, negQuant);
  const pointwise: Window2D = { kernelH: 1, kernelW: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0 };
  const common = { inQuant, bias: null, outC: c, win: pointwise, dilation: [1, 1] as [number, number], depthMultiplier: 1 };
  emitDepthwise(ctx, { ...common, name: `${node.name}/positive`, input, output: pos, outQuant: posQuant,
    weightsHWO: new Float32Array(c).fill(1), interval: { min: 0, max: Infinity } });
  emitDepthwise(ctx, { ...common, name: `${node.name}/negative`, input, output: neg, outQuant: negQuant,
    weightsHWO: slope, interval: { min: -Infinity, max: 0 } });
  const output = ctx.tensor(node.output);
  ctx.emit({
    type: OP_ADD, name: node.name, inputs: [pos, neg], outputs: [output],
    ...addParams(posQuant, negQuant, ctx.quantOf(node.output)),
    ...activationClamp(ctx.quantOf(node.output), NO_CLAMP),
  });
}
