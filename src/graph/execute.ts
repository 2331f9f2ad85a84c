// The float reference executor. `createExecutor` does the per-model work once (shape inference,
// attribute defaults, weight views, batchnorm scale/shift) and returns a function that runs one
// input; `executeFloat` is the one-shot convenience. Calibration runs hundreds of samples through
// the same executor, so nothing model-dependent is recomputed per call.
import { TinyconvError } from '../format/errors.js';
import type { FloatModel, GraphNode } from './types.js';
import { inferShapes, elementCount, concatAxis } from './shapes.js';
import { readAttrs, numberAttr, type ConvAttrs, type PoolAttrs } from './attrs.js';
import { activationFunction } from './activations.js';
import * as ops from './float-ops.js';

/** Called with the graph input first, then every node's output, in execution order. The arrays
 *  are fresh per run and not reused, so a callback may keep them. */
export type TensorCallback = (name: string, data: Float32Array, shape: number[]) => void;

export type FloatExecutor = (input: Float32Array, onTensor?: TensorCallback) => Float32Array;

type Step = (inputs: Float32Array[]) => Float32Array;

function weightView(model: FloatModel, node: GraphNode, key: string): Float32Array | null {
  const p = node.params[key];
  if (!p) return null;
  return model.weights.subarray(p.offset, p.offset + elementCount(p.shape));
}

function planNode(model: FloatModel, node: GraphNode, inShapes: number[][], outShape: number[]): Step {
  const x = inShapes[0];
  const act = activationFunction(node);
  if (act) return (xs) => ops.map(xs[0], act);
  switch (node.op) {
    case 'conv2d': {
      const a = readAttrs(node) as ConvAttrs;
      const w = weightView(model, node, 'weight') as Float32Array;
      const b = weightView(model, node, 'bias');
      return (xs) => ops.conv2d(xs[0], x, outShape, a, w, b);
    }
    case 'maxPool':
    case 'avgPool': {
      const a = readAttrs(node) as PoolAttrs;
      const kind = node.op === 'maxPool' ? 'max' : 'avg';
      return (xs) => ops.pool2d(kind, xs[0], x, outShape, a);
    }
    case 'globalAvgPool':
      return (xs) => ops.globalAvgPool(xs[0], x);
    case 'batchnorm': {
      const eps = numberAttr(node, 'eps', 1e-5);
      const gamma = weightView(model, node, 'gamma') as Float32Array;
      const beta = weightView(model, node, 'beta') as Float32Array;
      const mean = weightView(model, node, 'mean') as Float32Array;
      const variance = weightView(model, node, 'variance') as Float32Array;
      const scale = new Float64Array(gamma.length);
      const shift = new Float64Array(gamma.length);
      for (let c = 0; c < gamma.length; c++) {
        if (variance[c] + eps <= 0) {
          throw new TinyconvError('BAD_PARAM', `node '${node.name}' (batchnorm): variance[${c}] + eps = ${variance[c] + eps} is not positive`);
        }
        scale[c] = gamma[c] / Math.sqrt(variance[c] + eps);
        shift[c] = beta[c] - mean[c] * scale[c];
      }
      return (xs) => ops.channelAffine(xs[0], scale, shift);
    }
    case 'prelu': {
      const slope = weightView(model, node, 'slope') as Float32Array;
      return (xs) => ops.prelu(xs[0], slope);
    }
    case 'dense': {
      const w = weightView(model, node, 'weight') as Float32Array;
      const b = weightView(model, node, 'bias');
      return (xs) => ops.dense(xs[0], w, b, outShape[0]);
    }
    case 'add':
      return (xs) => ops.add(xs[0], xs[1]);
    case 'mul':
      return (xs) => ops.mul(xs[0], xs[1]);
    case 'concat': {
      const axis = concatAxis(node, outShape.length);
      return (xs) => ops.concat(xs, inShapes, axis, outShape);
    }
    case 'flatten':
    case 'reshape':
      // NHWC data is already in the flattened order; only the shape changes.
      return (xs) => xs[0];
    case 'softmax':
    case 'logSoftmax': {
      const last = x[x.length - 1];
      const log = node.op === 'logSoftmax';
      return (xs) => ops.softmax(xs[0], last, log);
    }
    default:
      throw new TinyconvError('UNKNOWN_OP', `node '${node.name}' has unknown op '${String(node.op)}'`);
  }
}

/** Prepares `model` once and returns a function that runs one input (NHWC, batch omitted). */
export function createExecutor(model: FloatModel): FloatExecutor {
  const graph = model.graph;
  const shapes = inferShapes(graph);
  const inputName = graph.input.name;
  const inputSize = elementCount(graph.input.shape);
  const steps = graph.nodes.map((node) => ({
    node,
    shape: shapes[node.output],
    run: planNode(model, node, node.inputs.map((t) => shapes[t]), shapes[node.output]),
  }));
  return (input, onTensor) => {
    if (input.length !== inputSize) {
      throw new TinyconvError('BAD_INPUT', `graph '${graph.name}' expects ${inputSize} input values (shape [${graph.input.shape.join(', ')}]), got ${input.length}`);
    }
    const values: Record<string, Float32Array> = Object.create(null);
    values[inputName] = input;
    if (onTensor) onTensor(inputName, input, graph.input.shape.slice());
    for (const step of steps) {
      const out = step.run(step.node.inputs.map((t) => values[t]));
      values[step.node.output] = out;
      if (onTensor) onTensor(step.node.output, out, step.shape.slice());
    }
    return values[graph.output];
  };
}

/** Runs `model` on one input. For many inputs, create the executor once with createExecutor. */
export function executeFloat(model: FloatModel, input: Float32Array, onTensor?: TensorCallback): Float32Array {
  return createExecutor(model)(input, onTensor);
}
