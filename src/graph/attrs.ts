// Node attributes with their documented defaults filled in and their types checked, so shape
// inference, counting and the executor all read the same values. Defaults: docs/float-format.md.
import { TinyconvError } from '../format/errors.js';
import type { GraphNode } from './types.js';

export interface WindowAttrs {
  kernel: [number, number];
  stride: [number, number];
  /** [top, left, bottom, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
}
export interface ConvAttrs extends WindowAttrs { groups: number }
export interface PoolAttrs extends WindowAttrs { ceilMode: boolean; countIncludePad: boolean }

function bad(node: GraphNode, key: string, why: string): never {
  throw new TinyconvError('BAD_ATTRIBUTE', `node '${node.name}' (${node.op}): attribute ${key} ${why}`);
}

function intList(node: GraphNode, key: string, length: number, fallback: number[] | undefined, min: number): number[] {
  const v = node.attrs[key];
  if (v === undefined) {
    if (!fallback) bad(node, key, 'is required');
    return fallback;
  }
  const list = typeof v === 'number' ? new Array<number>(length).fill(v) : v;
  if (!Array.isArray(list) || list.length !== length || !list.every((d) => Number.isInteger(d) && d >= min)) {
    bad(node, key, `must be ${length} integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return list.slice();
}

export function numberAttr(node: GraphNode, key: string, fallback: number): number {
  const v = node.attrs[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v)) bad(node, key, `must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function boolAttr(node: GraphNode, key: string): boolean {
  const v = node.attrs[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') bad(node, key, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function windowAttrs(node: GraphNode, kernelFallback: number[] | undefined): WindowAttrs {
  const kernel = intList(node, 'kernel', 2, kernelFallback, 1);
  return {
    kernel: kernel as [number, number],
    stride: intList(node, 'stride', 2, node.op === 'conv2d' ? [1, 1] : kernel, 1) as [number, number],
    padding: intList(node, 'padding', 4, [0, 0, 0, 0], 0) as [number, number, number, number],
    dilation: intList(node, 'dilation', 2, [1, 1], 1) as [number, number],
  };
}

/** Normalised attributes of a conv2d, maxPool or avgPool node. */
export function readAttrs(node: GraphNode): ConvAttrs | PoolAttrs {
  if (node.op === 'conv2d') {
    const w = node.params.weight;
    const fromWeight = w && w.shape.length === 4 ? [w.shape[1], w.shape[2]] : undefined;
    const groups = numberAttr(node, 'groups', 1);
    if (!Number.isInteger(groups) || groups < 1) bad(node, 'groups', `must be a positive integer, got ${groups}`);
    return { ...windowAttrs(node, fromWeight), groups };
  }
  const a = windowAttrs(node, undefined);
  if (a.dilation[0] !== 1 || a.dilation[1] !== 1) bad(node, 'dilation', 'is not supported for pooling');
  if (a.padding[0] >= a.kernel[0] || a.padding[2] >= a.kernel[0] || a.padding[1] >= a.kernel[1] || a.padding[3] >= a.kernel[1]) {
    bad(node, 'padding', `${JSON.stringify(a.padding)} must be smaller than the kernel ${JSON.stringify(a.kernel)}`);
  }
  return { ...a, ceilMode: boolAttr(node, 'ceilMode'), countIncludePad: boolAttr(node, 'countIncludePad') };
}
