// Elementwise activations as plain number -> number functions: the float executor maps them over
// tensors and the converter samples them to build the runtime's 256-entry lookup tables, so both
// use exactly the same definition.
import type { GraphNode } from './types.js';
import { numberAttr } from './attrs.js';

export type Activation = (v: number) => number;

const relu6 = (v: number): number => Math.min(Math.max(v, 0), 6);

/** The function a one-input elementwise node computes, or null if the op is not elementwise. */
export function activationFunction(node: GraphNode): Activation | null {
  switch (node.op) {
    case 'relu':
      return (v) => (v > 0 ? v : 0);
    case 'relu6':
      return relu6;
    case 'clip': {
      // An absent bound means unbounded on that side (JSON has no Infinity).
      const lo = numberAttr(node, 'min', -Infinity);
      const hi = numberAttr(node, 'max', Infinity);
      return (v) => Math.min(Math.max(v, lo), hi);
    }
    case 'leakyRelu': {
      const alpha = numberAttr(node, 'alpha', 0.01);
      return (v) => (v >= 0 ? v : v * alpha);
    }
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh;
    case 'hardSwish':
      return (v) => (v * relu6(v + 3)) / 6;
    case 'hardSigmoid': {
      const alpha = numberAttr(node, 'alpha', 1 / 6);
      const beta = numberAttr(node, 'beta', 0.5);
      return (v) => Math.min(Math.max(alpha * v + beta, 0), 1);
    }
    case 'dropout':
      return (v) => v;
    default:
      return null;
  }
}
