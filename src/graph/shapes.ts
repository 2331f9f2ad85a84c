// Shape inference for the float graph. Every node's output shape follows from its input shapes,
// attributes and parameter shapes; any disagreement is reported naming the node and both shapes.
// Shapes omit the batch dimension: [H, W, C] for feature maps, [N] for vectors (see types.ts).
import { TinyconvError } from '../format/errors.js';
import type { FloatGraph, GraphNode } from './types.js';
import { readAttrs, type ConvAttrs, type PoolAttrs } from './attrs.js';

export function elementCount(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function fmt(shape: number[] | undefined): string {
  return shape ? `[${shape.join(', ')}]` : '(none)';
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fail(node: GraphNode, message: string): never {
  throw new TinyconvError('SHAPE_MISMATCH', `node '${node.name}' (${node.op}): ${message}`);
}

function expectShape(node: GraphNode, what: string, actual: number[] | undefined, expected: number[]): void {
  if (!actual || !sameShape(actual, expected)) fail(node, `${what} has shape ${fmt(actual)}, expected ${fmt(expected)}`);
}

function expectRank(node: GraphNode, shape: number[], rank: number): void {
  if (shape.length !== rank) fail(node, `input has shape ${fmt(shape)}, expected rank ${rank}${rank === 3 ? ' [H, W, C]' : ''}`);
}

/** Output length of a sliding window along one axis (conv and pools share it).
 *  ceil mode follows PyTorch/ONNX: round up, but the last window must start inside the input or
 *  the leading padding (never entirely in the trailing padding). */
export function windowOutputSize(inSize: number, kernel: number, stride: number, padBefore: number,
  padAfter: number, dilation: number, ceilMode: boolean): number {
  const span = inSize + padBefore + padAfter - (dilation * (kernel - 1) + 1);
  if (span < 0) return 0;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padBefore) out--;
  return out;
}

function windowShape(node: GraphNode, input: number[], a: ConvAttrs | PoolAttrs, channels: number): number[] {
  expectRank(node, input, 3);
  const ceil = 'ceilMode' in a ? a.ceilMode : false;
  const oh = windowOutputSize(input[0], a.kernel[0], a.stride[0], a.padding[0], a.padding[2], a.dilation[0], ceil);
  const ow = windowOutputSize(input[1], a.kernel[1], a.stride[1], a.padding[1], a.padding[3], a.dilation[1], ceil);
  if (oh <= 0 || ow <= 0) fail(node, `kernel ${fmt(a.kernel)} with padding ${fmt(a.padding)} does not fit input ${fmt(input)}`);
  return [oh, ow, channels];
}

function paramShape(node: GraphNode, key: string): number[] | undefined {
  const p = node.params[key];
  return p ? p.shape : undefined;
}

function requireParam(node: GraphNode, key: string): number[] {
  const s = paramShape(node, key);
  if (!s) throw new TinyconvError('MISSING_PARAM', `node '${node.name}' (${node.op}) has no '${key}' parameter`);
  return s;
}

/** The output shape of one node given its input shapes. */
export function nodeOutputShape(node: GraphNode, inputs: number[][]): number[] {
  const x = inputs[0];
  switch (node.op) {
    case 'conv2d': {
      const a = readAttrs(node) as ConvAttrs;
      const w = requireParam(node, 'weight');
      expectRank(node, x, 3);
      if (x[2] % a.groups !== 0) fail(node, `input channels ${x[2]} (input ${fmt(x)}) not divisible by groups ${a.groups}`);
      if (w.length !== 4) fail(node, `weight has shape ${fmt(w)}, expected [outC, kH, kW, inC/groups]`);
      expectShape(node, 'weight', w, [w[0], a.kernel[0], a.kernel[1], x[2] / a.groups]);
      if (w[0] % a.groups !== 0) fail(node, `output channels ${w[0]} not divisible by groups ${a.groups}`);
      if (node.attrs.outChannels !== undefined && node.attrs.outChannels !== w[0]) {
        fail(node, `attribute outChannels ${String(node.attrs.outChannels)} but weight has shape ${fmt(w)}`);
      }
      if (node.params.bias) expectShape(node, 'bias', node.params.bias.shape, [w[0]]);
      return windowShape(node, x, a, w[0]);
    }
    case 'maxPool':
    case 'avgPool':
      return windowShape(node, x, readAttrs(node) as PoolAttrs, x[2]);
    case 'globalAvgPool':
      expectRank(node, x, 3);
      return [1, 1, x[2]];
    case 'batchnorm': {
      const c = x[x.length - 1];
      for (const k of ['gamma', 'beta', 'mean', 'variance']) expectShape(node, k, requireParam(node, k), [c]);
      return x.slice();
    }
    case 'prelu': {
      const s = requireParam(node, 'slope');
      const c = x[x.length - 1];
      if (!(s.length === 1 && (s[0] === 1 || s[0] === c))) fail(node, `slope has shape ${fmt(s)}, expected [1] or [${c}] for input ${fmt(x)}`);
      return x.slice();
    }
    case 'relu': case 'relu6': case 'clip': case 'leakyRelu': case 'sigmoid': case 'tanh':
    case 'hardSwish': case 'hardSigmoid': case 'dropout': case 'softmax': case 'logSoftmax':
      return x.slice();
    case 'dense': {
      const w = requireParam(node, 'weight');
      const n = elementCount(x);
      if (w.length !== 2 || w[1] !== n) fail(node, `weight has shape ${fmt(w)}, expected [${w.length === 2 ? w[0] : 'units'}, ${n}] for input ${fmt(x)}`);
      if (node.attrs.units !== undefined && node.attrs.units !== w[0]) fail(node, `attribute units ${String(node.attrs.units)} but weight has shape ${fmt(w)}`);
      if (node.params.bias) expectShape(node, 'bias', node.params.bias.shape, [w[0]]);
      return [w[0]];
    }
    case 'add':
      if (inputs.length !== 2) fail(node, `expects 2 inputs, got ${inputs.length}`);
      if (!sameShape(x, inputs[1])) fail(node, `input shapes differ: ${fmt(x)} and ${fmt(inputs[1])}`);
      return x.slice();
    case 'mul': {
      if (inputs.length !== 2) fail(node, `expects 2 inputs, got ${inputs.length}`);
      const y = inputs[1];
      const c = x[x.length - 1];
      const broadcast = (y.length === 1 && y[0] === c) || (y.length === 3 && y[0] === 1 && y[1] === 1 && y[2] === c);
      if (!sameShape(x, y) && !broadcast) fail(node, `second input ${fmt(y)} neither matches ${fmt(x)} nor broadcasts as [1, 1, ${c}] or [${c}]`);
      return x.slice();
    }
    case 'concat': {
      if (inputs.length < 1) fail(node, 'expects at least one input');
      const axis = concatAxis(node, x.length);
      const out = x.slice();
      for (let i = 1; i < inputs.length; i++) {
        const y = inputs[i];
        const ok = y.length === x.length && y.every((d, j) => j === axis || d === x[j]);
        if (!ok) fail(node, `input ${i} has shape ${fmt(y)}, incompatible with ${fmt(x)} along axis ${axis}`);
        out[axis] += y[axis];
      }
      return out;
    }
    case 'flatten':
      return [elementCount(x)];
    case 'reshape':
      return reshapeTarget(node, x);
    default:
      throw new TinyconvError('UNKNOWN_OP', `node '${node.name}' has unknown op '${String((node as { op: unknown }).op)}'`);
  }
}

export function concatAxis(node: GraphNode, rank: number): number {
  const raw = node.attrs.axis === undefined ? -1 : Number(node.attrs.axis);
  const axis = raw < 0 ? raw + rank : raw;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) fail(node, `axis ${raw} out of range for rank ${rank}`);
  return axis;
}

function reshapeTarget(node: GraphNode, x: number[]): number[] {
  const target = node.attrs.shape;
  if (!Array.isArray(target) || target.length === 0) fail(node, 'attribute shape must be a non-empty array');
  const n = elementCount(x);
  let known = 1;
  let wildcard = -1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i];
    if (d === -1 && wildcard < 0) wildcard = i;
    else if (Number.isInteger(d) && d > 0) known *= d;
    else fail(node, `attribute shape ${fmt(target)} has an invalid entry ${d}`);
  }
  const out = target.slice();
  if (wildcard >= 0) {
    if (n % known !== 0) fail(node, `cannot reshape ${fmt(x)} to ${fmt(target)}`);
    out[wildcard] = n / known;
  }
  if (elementCount(out) !== n) fail(node, `cannot reshape ${fmt(x)} (${n} elements) to ${fmt(target)}`);
  return out;
}

/** Far beyond any model this toolkit targets; a larger tensor means a corrupt or mistaken shape,
 *  refused here rather than as an out-of-memory crash in the executor. */
export const MAX_TENSOR_ELEMENTS = 1 << 26;

function checkSize(name: string, shape: number[]): void {
  if (elementCount(shape) > MAX_TENSOR_ELEMENTS) {
    throw new TinyconvError('SHAPE_TOO_LARGE', `tensor '${name}' of shape ${fmt(shape)} has ${elementCount(shape)} elements, more than the ${MAX_TENSOR_ELEMENTS} supported`);
  }
}

/** Shapes of every tensor in the graph (the input and each node's output), by tensor name.
 *  Also checks that each node reads only tensors defined earlier and that names are unique. */
export function inferShapes(graph: FloatGraph): Record<string, number[]> {
  const shapes: Record<string, number[]> = Object.create(null);
  const inShape = graph.input.shape;
  if (!Array.isArray(inShape) || inShape.length === 0 || !inShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new TinyconvError('BAD_GRAPH', `graph input '${graph.input.name}' has invalid shape ${fmt(inShape)}`);
  }
  checkSize(graph.input.name, inShape);
  shapes[graph.input.name] = inShape.slice();
  for (const node of graph.nodes) {
    if (!Array.isArray(node.inputs) || node.inputs.length === 0) {
      throw new TinyconvError('BAD_GRAPH', `node '${node.name}' (${node.op}) has no inputs`);
    }
    const ins = node.inputs.map((t) => {
      const s = shapes[t];
      if (!s) throw new TinyconvError('BAD_GRAPH', `node '${node.name}' (${node.op}) reads tensor '${t}', which is not defined before it`);
      return s;
    });
    if (shapes[node.output]) throw new TinyconvError('BAD_GRAPH', `node '${node.name}' writes tensor '${node.output}', which is already defined`);
    shapes[node.output] = nodeOutputShape(node, ins);
    checkSize(node.output, shapes[node.output]);
  }
  if (!shapes[graph.output]) throw new TinyconvError('BAD_GRAPH', `graph output '${graph.output}' is not produced by any node`);
  return shapes;
}
