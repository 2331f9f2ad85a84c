// Elementwise activations as 256-entry int8 tables (the runtime's LUT op: out = table[in + 128]).
//
// An int8 input takes only 256 values, so any function f of one element is exact up to the output
// rounding: entry q holds quantize_out(f(dequantize_in(q))), computed in double with C rounding
// (TFLite's LUT-populating kernels do the same in float). The tables cover sigmoid, tanh,
// hard-swish, hard-sigmoid, leaky ReLU, PReLU with a single slope, and any relu/relu6/clip that
// could not be fused into a producer. PReLU with one slope per channel is not one table: see
// quantize.ts (it becomes relu(x) + slope[c] * min(x, 0) with two 1x1 depthwise convs and an add).
import { TinyconvError } from '../format/errors.js';
import type { GraphNode } from '../graph/types.js';
import { activationFunction } from '../graph/activations.js';
import { clampInt8, roundHalfAway, type ActivationQuant } from './quant-params.js';

export type ElementwiseFunction = (x: number) => number;

/** The float function of an elementwise node that one table can represent (the float executor's
 *  own definition, so the table and the reference cannot disagree); `slope` is a PReLU's single
 *  slope, read by the caller from the weights. Throws for any other op. */
export function elementwiseFunction(node: GraphNode, slope?: number): ElementwiseFunction {
  if (node.op === 'prelu') {
    if (slope === undefined) throw new TinyconvError('UNSUPPORTED_OP', `node '${node.name}' (prelu): a lookup table needs a single slope`);
    return (x) => (x >= 0 ? x : slope * x);
  }
  const f = activationFunction(node);
  if (!f) throw new TinyconvError('UNSUPPORTED_OP', `node '${node.name}': op '${node.op}' is not an elementwise function`);
  return f;
}

export function buildLookupTable(f: ElementwiseFunction, input: ActivationQuant, output: ActivationQuant): Int8Array {
  const table = new Int8Array(256);
  for (let q = -128; q <= 127; q++) {
    const y = f(input.scale * (q - input.zeroPoint));
    table[q + 128] = clampInt8(output.zeroPoint + roundHalfAway(y / output.scale));
  }
  return table;
}
