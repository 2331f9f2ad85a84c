// A per-layer description of an int8 ModelSpec: op, output shape, parameters, multiply-accumulates,
// quantization, arena slot, plus totals. `tinyconv inspect` prints it; reports reuse it.
//
// Counting conventions (the same as src/graph/count.ts for float graphs, so the two compare):
// params are stored weights + biases; MACs count conv, depthwise and dense only, one per weight use.
// Tool side (not imported by the runtime).

import { OP_NAMES } from './layout.js';
import { tensorBytes } from './plan.js';
import {
  OP_ADD, OP_AVG_POOL, OP_CONCAT, OP_CONV2D, OP_DENSE, OP_DEPTHWISE_CONV2D, OP_GLOBAL_AVG_POOL, OP_LUT,
  OP_MAX_POOL, OP_MUL, OP_PAD, OP_REQUANTIZE, OP_RESHAPE, OP_SOFTMAX,
} from './schema.js';
import type { Clamp, ModelSpec, OpSpec, TensorSpec, Window2D } from './schema.js';

export interface TensorDescription {
  index: number;
  name: string;
  shape: number[];
  scale: number;
  zeroPoint: number;
  /** The real values int8 can represent: [scale * (-128 - zp), scale * (127 - zp)]. */
  range: [number, number];
  offset: number;
  bytes: number;
}

export interface LayerDescription {
  index: number;
  op: string;
  name: string;
  /** Human-readable op parameters, e.g. '3x3 /2 pad 0,0,1,1 dm 8 clamp [-128, 127]'. */
  detail: string;
  params: number;
  macs: number;
  output: TensorDescription;
}

export interface ModelDescription {
  name: string;
  labels: string[];
  input: TensorDescription;
  output: TensorDescription;
  layers: LayerDescription[];
  totalParams: number;
  totalMacs: number;
  arenaBytes: number;
  /** Bytes of the serialised model, when known. */
  modelBytes?: number;
}

function describeTensor(spec: ModelSpec, index: number): TensorDescription {
  const t: TensorSpec = spec.tensors[index];
  return {
    index,
    name: t.name ?? '',
    shape: t.shape.slice(),
    scale: t.scale,
    zeroPoint: t.zeroPoint,
    range: [t.scale * (-128 - t.zeroPoint), t.scale * (127 - t.zeroPoint)],
    offset: t.offset,
    bytes: tensorBytes(t),
  };
}

function windowText(w: Window2D): string {
  const pads = w.padTop || w.padLeft || w.padBottom || w.padRight ? ` pad ${w.padTop},${w.padLeft},${w.padBottom},${w.padRight}` : '';
  const stride = w.strideH === w.strideW ? `/${w.strideH}` : `/${w.strideH}x${w.strideW}`;
  return `${w.kernelH}x${w.kernelW} ${stride}${pads}`;
}

function clampText(c: Clamp): string {
  return c.actMin === -128 && c.actMax === 127 ? '' : ` clamp [${c.actMin}, ${c.actMax}]`;
}

function perChannel(multiplier: Int32Array): string {
  return multiplier.length > 1 ? ` per-channel(${multiplier.length})` : ' per-tensor';
}

/** Parameters, MACs and a one-line parameter summary of one op. */
export function describeOp(spec: ModelSpec, op: OpSpec): { params: number; macs: number; detail: string } {
  const out = spec.tensors[op.outputs[0]];
  const outElems = tensorBytes(out);
  switch (op.type) {
    case OP_CONV2D: {
      const dil = op.dilationH !== 1 || op.dilationW !== 1 ? ` dil ${op.dilationH}x${op.dilationW}` : '';
      const groups = op.groups !== 1 ? ` groups ${op.groups}` : '';
      const perOut = op.weights.length / op.bias.length;
      return {
        params: op.weights.length + op.bias.length,
        macs: outElems * perOut,
        detail: `${windowText(op)}${dil}${groups}${perChannel(op.multiplier)}${clampText(op)}`,
      };
    }
    case OP_DEPTHWISE_CONV2D: {
      const dil = op.dilationH !== 1 || op.dilationW !== 1 ? ` dil ${op.dilationH}x${op.dilationW}` : '';
      const dm = op.depthMultiplier !== 1 ? ` dm ${op.depthMultiplier}` : '';
      return {
        params: op.weights.length + op.bias.length,
        macs: outElems * op.kernelH * op.kernelW,
        detail: `${windowText(op)}${dil}${dm}${perChannel(op.multiplier)}${clampText(op)}`,
      };
    }
    case OP_DENSE:
      return {
        params: op.weights.length + op.bias.length,
        macs: op.weights.length,
        detail: `${op.weights.length / op.bias.length} -> ${op.bias.length}${perChannel(op.multiplier)}${clampText(op)}`,
      };
    case OP_MAX_POOL:
    case OP_AVG_POOL:
      return { params: 0, macs: 0, detail: `${windowText(op)}${clampText(op)}` };
    case OP_GLOBAL_AVG_POOL:
      return { params: 0, macs: 0, detail: `mean over HxW${clampText(op)}` };
    case OP_ADD:
    case OP_MUL:
      return { params: 0, macs: 0, detail: `${op.inputs.length} inputs${clampText(op)}` };
    case OP_CONCAT:
      return { params: 0, macs: 0, detail: `${op.inputs.length} inputs, axis ${op.axis}` };
    case OP_RESHAPE: {
      const inp = spec.tensors[op.inputs[0]];
      return { params: 0, macs: 0, detail: `from [${inp.shape.join(',')}]${inp.offset === out.offset ? ' (in place)' : ''}` };
    }
    case OP_PAD:
      return { params: 0, macs: 0, detail: `pad ${op.padTop},${op.padLeft},${op.padBottom},${op.padRight}` };
    case OP_LUT:
      return { params: 0, macs: 0, detail: '256-entry table' };
    case OP_SOFTMAX:
      return { params: 0, macs: 0, detail: `beta multiplier ${op.inputBetaMultiplier} << ${op.inputBetaLeftShift}` };
    case OP_REQUANTIZE:
      return { params: 0, macs: 0, detail: `x ${op.multiplier} * 2^${op.shift - 31}` };
  }
  return { params: 0, macs: 0, detail: '' };
}

export function describeModel(spec: ModelSpec, modelBytes?: number): ModelDescription {
  const layers = spec.ops.map((op, index): LayerDescription => {
    const d = describeOp(spec, op);
    return { index, op: OP_NAMES[op.type] ?? `op ${op.type}`, name: op.name ?? '', ...d, output: describeTensor(spec, op.outputs[0]) };
  });
  const description: ModelDescription = {
    name: spec.name,
    labels: spec.labels.slice(),
    input: describeTensor(spec, spec.input),
    output: describeTensor(spec, spec.output),
    layers,
    totalParams: layers.reduce((s, l) => s + l.params, 0),
    totalMacs: layers.reduce((s, l) => s + l.macs, 0),
    arenaBytes: spec.arenaBytes,
  };
  if (modelBytes !== undefined) description.modelBytes = modelBytes;
  return description;
}
