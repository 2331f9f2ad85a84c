// foldBatchNorm: remove every batchnorm from the float graph without changing what it computes.
//
// A batchnorm is y = gamma * (x - mean) / sqrt(variance + eps) + beta, i.e. per channel
// y = k[c] * x + (beta[c] - k[c] * mean[c]) with k = gamma / sqrt(variance + eps).
// - After a conv2d or dense whose output nobody else reads, the affine map folds into the producer:
//   output channel c's weights are multiplied by k[c] and its bias becomes k[c] * (b[c] - mean[c]) + beta[c].
//   (Both conv OHWI and dense [out][in] keep output channel c's weights contiguous, groups or not.)
// - Anywhere else (after a pool, an add, the graph input, a conv with a second reader) it becomes a
//   1x1 depthwise conv2d (groups = C) with weight k and bias beta - k * mean: the int8 runtime then
//   needs no extra op for it. A vector ([N]) input is viewed as [1, 1, N] around that conv.
// The folded values are computed in double and stored as float32.
import { TinyconvError } from '../format/errors.js';
import { inferShapes } from '../graph/shapes.js';
import type { FloatModel, GraphNode } from '../graph/types.js';
import { WeightBuilder, cloneNode, readOptionalParam, readParam, readerCounts } from './weights.js';

interface ChannelAffine {
  scale: Float64Array;
  shift: Float64Array;
}

function batchnormAffine(model: FloatModel, bn: GraphNode): ChannelAffine {
  const gamma = readParam(model, bn, 'gamma');
  const beta = readParam(model, bn, 'beta');
  const mean = readParam(model, bn, 'mean');
  const variance = readParam(model, bn, 'variance');
  const eps = bn.attrs.eps === undefined ? 1e-5 : Number(bn.attrs.eps);
  const c = gamma.length;
  if (beta.length !== c || mean.length !== c || variance.length !== c) {
    throw new TinyconvError('SHAPE_MISMATCH', `node '${bn.name}' (batchnorm): gamma, beta, mean and variance must have the same length (${gamma.length}, ${beta.length}, ${mean.length}, ${variance.length})`);
  }
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    const denom = variance[i] + eps;
    if (!(denom > 0)) throw new TinyconvError('BAD_PARAM', `node '${bn.name}' (batchnorm): variance + eps = ${denom} at channel ${i} is not positive`);
    scale[i] = gamma[i] / Math.sqrt(denom);
    shift[i] = beta[i] - scale[i] * mean[i];
  }
  return { scale, shift };
}

function foldIntoProducer(model: FloatModel, producer: GraphNode, bn: GraphNode, affine: ChannelAffine, blob: WeightBuilder): GraphNode {
  const w = readParam(model, producer, 'weight');
  const b = readOptionalParam(model, producer, 'bias');
  const outC = producer.params.weight.shape[0];
  if (outC !== affine.scale.length) {
    throw new TinyconvError('SHAPE_MISMATCH', `node '${bn.name}' (batchnorm) has ${affine.scale.length} channels but its producer '${producer.name}' (${producer.op}) has ${outC}`);
  }
  const perChannel = w.length / outC;
  const folded = new Float32Array(w.length);
  const bias = new Float32Array(outC);
  for (let c = 0; c < outC; c++) {
    for (let i = 0; i < perChannel; i++) folded[c * perChannel + i] = w[c * perChannel + i] * affine.scale[c];
    bias[c] = affine.scale[c] * (b ? b[c] : 0) + affine.shift[c];
  }
  const out = cloneNode(producer);
  out.params.weight = blob.append(folded, producer.params.weight.shape);
  out.params.bias = blob.append(bias, [outC]);
  out.output = bn.output;
  return out;
}

function asDepthwise(bn: GraphNode, input: string, output: string, affine: ChannelAffine, blob: WeightBuilder): GraphNode {
  const c = affine.scale.length;
  return {
    name: bn.name,
    op: 'conv2d',
    inputs: [input],
    output,
    attrs: { kernel: [1, 1], stride: [1, 1], groups: c, outChannels: c },
    params: {
      weight: blob.append(Float32Array.from(affine.scale), [c, 1, 1, 1]),
      bias: blob.append(Float32Array.from(affine.shift), [c]),
    },
  };
}

export function foldBatchNorm(model: FloatModel): FloatModel {
  const graph = model.graph;
  if (!graph.nodes.some((n) => n.op === 'batchnorm')) return model;
  const shapes = inferShapes(graph);
  const readers = readerCounts(model);
  const blob = new WeightBuilder(model.weights);
  const nodes: GraphNode[] = [];
  // Index in `nodes` of the node that produced each tensor, so a batchnorm can replace its producer.
  const producerAt: Record<string, number> = Object.create(null);
  for (const node of graph.nodes) {
    if (node.op !== 'batchnorm') {
      producerAt[node.output] = nodes.length;
      nodes.push(node);
      continue;
    }
    const affine = batchnormAffine(model, node);
    const input = node.inputs[0];
    const at = producerAt[input];
    const producer = at === undefined ? undefined : nodes[at];
    if (producer && (producer.op === 'conv2d' || producer.op === 'dense') && readers[input] === 1) {
      nodes[at] = foldIntoProducer(model, producer, node, affine, blob);
      delete producerAt[input];
      producerAt[node.output] = at;
      continue;
    }
    const shape = shapes[input];
    if (shape.length === 3) {
      nodes.push(asDepthwise(node, input, node.output, affine, blob));
    } else {
      const n = affine.scale.length;
      const viewIn = `${node.name}/as_hwc`;
      const viewOut = `${node.name}/affine_hwc`;
      nodes.push({ name: viewIn, op: 'reshape', inputs: [input], output: viewIn, attrs: { shape: [1, 1, n] }, params: {} });
      nodes.push(asDepthwise(node, viewIn, viewOut, affine, blob));
      nodes.push({ name: `${node.name}/as_vector`, op: 'reshape', inputs: [viewOut], output: node.output, attrs: { shape: shape.slice() }, params: {} });
    }
    producerAt[node.output] = nodes.length - 1;
  }
  return { graph: { ...graph, nodes }, weights: blob.build() };
}
