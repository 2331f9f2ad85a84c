// Lowering of the ops without weights: pools, add, mul, concat, reshape/flatten, softmax,
// log-softmax and every elementwise activation that becomes a lookup table.
import {
  OP_ADD, OP_AVG_POOL, OP_CONCAT, OP_GLOBAL_AVG_POOL, OP_LUT, OP_MAX_POOL, OP_MUL, OP_PAD, OP_RESHAPE, OP_SOFTMAX,
} from '../format/schema.js';
import { f32, quantizeMultiplier } from '../format/multiplier.js';
import { readAttrs, type PoolAttrs } from '../graph/attrs.js';
import { concatAxis } from '../graph/shapes.js';
import type { GraphNode } from '../graph/types.js';
import { fusedInterval } from './fuse-activations.js';
import { Lowering } from './lowering.js';
import { buildLookupTable, elementwiseFunction, type ElementwiseFunction } from './lut.js';
import { activationClamp, type ActivationQuant } from './quant-params.js';
import { softmaxParams, SOFTMAX_OUTPUT_QUANT } from './softmax-quant.js';

/** Max and average pooling. PyTorch's ceil mode adds windows that overhang the bottom/right edge;
 *  they become extra bottom/right padding, whose taps the int8 kernel excludes (from the max and
 *  from the average's count), exactly as the float op treats the overhang. An average that counts
 *  its declared padding (countIncludePad) first pads with real zeros (the zero point) via a PAD op. */
export function lowerPool(ctx: Lowering, node: GraphNode): void {
  const a = readAttrs(node) as PoolAttrs;
  const q = ctx.quantOf(node.inputs[0]);
  let input = ctx.tensor(node.inputs[0]);
  let [h, w, c] = ctx.shapeOf(node.inputs[0]);
  const out = ctx.shapeOf(node.output);
  let [pt, pl, pb, pr] = a.padding;
  if (node.op === 'avgPool' && a.countIncludePad && pt + pl + pb + pr > 0) {
    const padded = [h + pt + pb, w + pl + pr, c];
    const t = ctx.synthetic(`${node.output}/padded`, padded, q);
    ctx.emit({ type: OP_PAD, name: `${node.name}/pad`, inputs: [input], outputs: [t], padTop: pt, padLeft: pl, padBottom: pb, padRight: pr });
    input = t;
    [h, w] = padded;
    pt = pl = pb = pr = 0;
  }
  pb += Math.max(0, (out[0] - 1) * a.stride[0] + a.kernel[0] - (h + pt + pb));
  pr += Math.max(0, (out[1] - 1) * a.stride[1] + a.kernel[1] - (w + pl + pr));
  ctx.emit({
    type: node.op === 'maxPool' ? OP_MAX_POOL : OP_AVG_POOL, name: node.name, inputs: [input], outputs: [ctx.tensor(node.output)],
    kernelH: a.kernel[0], kernelW: a.kernel[1], strideH: a.stride[0], strideW: a.stride[1],
    padTop: pt, padLeft: pl, padBottom: pb, padRight: pr,
    ...activationClamp(q, fusedInterval(node)),
  });
}

export function lowerGlobalAvgPool(ctx: Lowering, node: GraphNode): void {
  ctx.emit({
    type: OP_GLOBAL_AVG_POOL, name: node.name, inputs: [ctx.tensor(node.inputs[0])], outputs: [ctx.tensor(node.output)],
    ...activationClamp(ctx.quantOf(node.output), fusedInterval(node)),
  });
}

/** TFLite's int8 ADD parameters (tflite::PrepareGeneralSubOp / TFLM add.cc): both inputs are
 *  rescaled to a common scale twice the larger input scale, with 20 extra bits of headroom, summed,
 *  then rescaled to the output. All from the float32 scales widened to double. */
export function addParams(in1: ActivationQuant, in2: ActivationQuant, out: ActivationQuant) {
  const leftShift = 20;
  const s1 = f32(in1.scale);
  const s2 = f32(in2.scale);
  const twiceMaxInputScale = 2 * Math.max(s1, s2);
  const m1 = quantizeMultiplier(s1 / twiceMaxInputScale);
  const m2 = quantizeMultiplier(s2 / twiceMaxInputScale);
  const mo = quantizeMultiplier(twiceMaxInputScale / ((1 << leftShift) * f32(out.scale)));
  return {
    leftShift,
    input1Multiplier: m1.multiplier, input1Shift: m1.shift,
    input2Multiplier: m2.multiplier, input2Shift: m2.shift,
    outputMultiplier: mo.multiplier, outputShift: mo.shift,
  };
}

export function lowerAdd(ctx: Lowering, node: GraphNode): void {
  const out = ctx.quantOf(node.output);
  ctx.emit({
    type: OP_ADD, name: node.name, inputs: node.inputs.map((t) => ctx.tensor(t)), outputs: [ctx.tensor(node.output)],
    ...addParams(ctx.quantOf(node.inputs[0]), ctx.quantOf(node.inputs[1]), out),
    ...activationClamp(out, fusedInterval(node)),
  });
}

/** TFLite's int8 MUL: real multiplier s1 * s2 / s_out. */
export function lowerMul(ctx: Lowering, node: GraphNode): void {
  const out = ctx.quantOf(node.output);
  const m = quantizeMultiplier((f32(ctx.quantOf(node.inputs[0]).scale) * f32(ctx.quantOf(node.inputs[1]).scale)) / f32(out.scale));
  ctx.emit({
    type: OP_MUL, name: node.name, inputs: node.inputs.map((t) => ctx.tensor(t)), outputs: [ctx.tensor(node.output)],
    outputMultiplier: m.multiplier, outputShift: m.shift,
    ...activationClamp(out, fusedInterval(node)),
  });
}

/** Inputs quantized like the output are copied (multiplier 0); any other (an input whose
 *  quantization is fixed by its op, see share-quantization.ts) is requantized by s_in / s_out. */
export function lowerConcat(ctx: Lowering, node: GraphNode): void {
  const out = ctx.quantOf(node.output);
  const n = node.inputs.length;
  const multiplier = new Int32Array(n);
  const shift = new Int32Array(n);
  node.inputs.forEach((t, k) => {
    const q = ctx.quantOf(t);
    if (f32(q.scale) === f32(out.scale) && q.zeroPoint === out.zeroPoint) return;
    const m = quantizeMultiplier(f32(q.scale) / f32(out.scale));
    multiplier[k] = m.multiplier;
    shift[k] = m.shift;
  });
  const axis = concatAxis(node, ctx.shapeOf(node.output).length);
  ctx.emit({
    type: OP_CONCAT, name: node.name, inputs: node.inputs.map((t) => ctx.tensor(t)), outputs: [ctx.tensor(node.output)],
    axis, multiplier, shift,
  });
}

export function lowerReshape(ctx: Lowering, node: GraphNode): void {
  ctx.emit({ type: OP_RESHAPE, name: node.name, inputs: [ctx.tensor(node.inputs[0])], outputs: [ctx.tensor(node.output)] });
}

function emitSoftmax(ctx: Lowering, node: GraphNode, input: string, output: number): void {
  ctx.emit({
    type: OP_SOFTMAX, name: node.name, inputs: [ctx.tensor(input)], outputs: [output],
    ...softmaxParams(ctx.quantOf(input).scale),
  });
}

export function lowerSoftmax(ctx: Lowering, node: GraphNode): void {
  emitSoftmax(ctx, node, node.inputs[0], ctx.tensor(node.output));
}

/** Smallest probability the log-softmax table distinguishes: half of the softmax output's step. */
export const LOG_SOFTMAX_FLOOR = 1 / 512;

/** log-softmax = log(softmax): the int8 softmax (output step 1/256), then a table of log over its
 *  256 possible outputs. Entry q holds log((q + 128) / 256), with the q = -128 bin (p < 1/512)
 *  mapped to log(1/512) = -6.24; the output range is fixed to [log(1/512), 0] (zero point 127, 0
 *  exact). So log-probabilities above about -5.5 are within a table step and the argmax is the
 *  softmax's, while anything less likely than 1/512 reads as -6.24. */
export function lowerLogSoftmax(ctx: Lowering, node: GraphNode): void {
  const probs = ctx.synthetic(`${node.output}/softmax`, ctx.shapeOf(node.output), SOFTMAX_OUTPUT_QUANT);
  emitSoftmax(ctx, node, node.inputs[0], probs);
  const log: ElementwiseFunction = (p) => Math.log(Math.max(p, LOG_SOFTMAX_FLOOR));
  ctx.emit({
    type: OP_LUT, name: `${node.name}/log`, inputs: [probs], outputs: [ctx.tensor(node.output)],
    table: buildLookupTable(log, SOFTMAX_OUTPUT_QUANT, ctx.quantOf(node.output)),
  });
}

export function lowerLookupTable(ctx: Lowering, node: GraphNode, slope?: number): void {
  ctx.emit({
    type: OP_LUT, name: node.name, inputs: [ctx.tensor(node.inputs[0])], outputs: [ctx.tensor(node.output)],
    table: buildLookupTable(elementwiseFunction(node, slope), ctx.quantOf(node.inputs[0]), ctx.quantOf(node.output)),
  });
}
