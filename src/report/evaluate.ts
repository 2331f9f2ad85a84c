// Runs the float reference executor and the int8 runtime over the same images and measures what the
// report shows: accuracy, agreement, flips, per-class accuracy, confusion, per-layer SQNR (int8
// tensors matched to float tensors by name: the converter gives a fused op the name of the last float
// op it absorbed), sizes, MACs, ms per inference, and one sample's feature maps.
import { performance } from 'node:perf_hooks';
import type { Dataset } from '../data/datasets.js';
import type { FloatModel, GraphNode } from '../graph/types.js';
import { createExecutor } from '../graph/execute.js';
import { countLayers } from '../graph/count.js';
// The SIMD build (same bytes as the plain runtime; falls back to the fast JS kernels without
// WebAssembly SIMD): the int8 time in the report is what a deployment that wants speed gets.
import { loadModel, type Model } from '../runtime/simd.js';
import type { Tensor } from '../runtime/tensor.js';
import { progressBar } from '../convert/progress.js';
import {
  accuracy, agreement, argmax, confusionMatrix, flippedIndices, median, newSqnrAccumulator, accumulateSqnr,
  perClassAccuracy, sqnrDb, type SqnrAccumulator,
} from './metrics.js';
import { normalizeToBytes } from './png.js';
import { checkDatasetFits, checkModelPair } from './pair.js';
import type { FeatureMapLayer, FeatureMaps, ImageData8, ReportData, SqnrRow } from './types.js';

export interface EvaluateOptions {
  floatPath?: string;
  int8Path?: string;
  title?: string;
  /** Evaluate only the first N images. */
  limit?: number;
  /** Images whose per-layer tensors are compared (default 8). */
  sqnrSamples?: number;
  /** Flipped images shown as thumbnails (default 16). */
  flippedShown?: number;
  /** Channels drawn per feature-map layer (default 16); 0 skips feature maps. */
  featureMapChannels?: number;
  /** Draw a progress bar on stderr when it is a terminal (default true). */
  progress?: boolean;
}

/** real = (pixel * pixelScale - mean[c]) / std[c], the graph's recorded preprocessing, computed in
 *  float32 like the trainer. mean/std may hold one value for all channels. */
export function preprocessInto(pixels: Uint8Array, channels: number, p: FloatModel['graph']['preprocess'], out: Float32Array): void {
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const mean = p.mean[p.mean.length === 1 ? 0 : c] ?? 0;
    const std = p.std[p.std.length === 1 ? 0 : c] ?? 1;
    scale[c] = p.pixelScale / std;
    shift[c] = mean / std;
  }
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * scale[i % channels] - shift[i % channels];
}

export function sampleImage(data: Dataset, index: number): ImageData8 {
  const size = data.height * data.width * data.channels;
  return {
    pixels: data.images.slice(index * size, (index + 1) * size),
    width: data.width,
    height: data.height,
    channels: data.channels === 3 ? 3 : 1,
  };
}

const FEATURE_OPS = new Set(['conv2d', 'maxPool', 'avgPool', 'relu', 'relu6', 'clip', 'leakyRelu', 'prelu', 'sigmoid', 'tanh', 'hardSwish', 'hardSigmoid']);
const FOLLOWERS = new Set(['batchnorm', 'relu', 'relu6', 'clip', 'leakyRelu', 'prelu', 'sigmoid', 'tanh', 'hardSwish', 'hardSigmoid']);

/** Nodes whose output is worth drawing: each conv/pool/activation, except a conv or activation whose
 *  only reader is a batchnorm or another activation (the block's final output is drawn instead). */
function featureNodes(nodes: GraphNode[]): GraphNode[] {
  return nodes.filter((node) => {
    if (!FEATURE_OPS.has(node.op)) return false;
    const readers = nodes.filter((n) => n.inputs.includes(node.output));
    return !(readers.length === 1 && FOLLOWERS.has(readers[0].op));
  });
}

/** The float nodes the converter fuses into the int8 op that writes `last`'s output: walking back
 *  through batchnorms and activations to the conv/dense they follow, as long as each link has a
 *  single reader (then the intermediate tensors exist only in the float graph). */
export function fusedChain(nodes: GraphNode[], last: GraphNode): GraphNode[] {
  const chain = [last];
  for (let node = last; FOLLOWERS.has(node.op) && node.inputs.length === 1;) {
    const producer = nodes.find((n) => n.output === node.inputs[0]);
    if (!producer || nodes.filter((n) => n.inputs.includes(producer.output)).length !== 1) break;
    chain.unshift(producer);
    node = producer;
  }
  return chain;
}

/** One channel of an HWC tensor as a normalised grayscale image. */
function channelImage(data: Float32Array, shape: number[], c: number): ImageData8 {
  const [h, w, channels] = shape;
  const plane = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) plane[i] = data[i * channels + c];
  return { pixels: normalizeToBytes(plane), width: w, height: h, channels: 1 };
}

export function evaluate(model: FloatModel, int8Bytes: Uint8Array, data: Dataset, options: EvaluateOptions = {}): ReportData {
  const graph = model.graph;
  const floatPath = options.floatPath ?? `${graph.name}.json`;
  const int8Path = options.int8Path ?? `${graph.name}.tcm`;
  const int8: Model = loadModel(int8Bytes);
  checkModelPair(graph, int8.spec, floatPath, int8Path);
  const outputSize = int8.outputShape.reduce((p, v) => p * v, 1);
  const count = Math.min(data.count, options.limit ?? data.count);
  checkDatasetFits(data, graph.input.shape, outputSize, count);

  const sqnrSamples = Math.min(count, options.sqnrSamples ?? 8);
  const pixelsPer = data.height * data.width * data.channels;
  const run = createExecutor(model);
  const input = new Float32Array(pixelsPer);
  const labels = data.labels.subarray(0, count);
  const floatPred = new Int32Array(count);
  const int8Pred = new Int32Array(count);
  const floatTimes: number[] = [];
  const int8Times: number[] = [];
  const sqnr: Record<string, SqnrAccumulator> = Object.create(null);
  const progress = options.progress === false ? () => {} : progressBar('evaluate');

  for (let i = 0; i < count; i++) {
    const pixels = data.images.subarray(i * pixelsPer, (i + 1) * pixelsPer);
    preprocessInto(pixels, data.channels, graph.preprocess, input);
    const floatTensors: Record<string, Float32Array> = Object.create(null);
    const keep = i < sqnrSamples;
    let t0 = performance.now();
    const out = run(input, keep ? (name, values) => { floatTensors[name] = values; } : undefined);
    floatTimes.push(performance.now() - t0);
    floatPred[i] = argmax(out);

    int8.setInput(pixels);
    t0 = performance.now();
    int8.run(keep ? (_op: number, t: Tensor) => compareTensor(t, floatTensors, sqnr) : undefined);
    int8Times.push(performance.now() - t0);
    int8Pred[i] = argmax(int8.output);
    progress(i + 1, count);
  }

  const classes = Math.max(data.classes.length, outputSize);
  const labelNames = graph.labels.length ? graph.labels : int8.labels.length ? int8.labels : data.classes;
  const cf = confusionMatrix(floatPred, labels, classes);
  const ci = confusionMatrix(int8Pred, labels, classes);
  const pf = perClassAccuracy(cf);
  const pi = perClassAccuracy(ci);
  const flips = flippedIndices(floatPred, int8Pred);
  const counts = countLayers(graph);
  const sqnrRows: SqnrRow[] = [];
  // In execution order of the float graph, so the chart reads top to bottom like the network.
  for (const n of graph.nodes) {
    const acc = sqnr[n.output];
    if (acc && acc.count > 0) {
      const chain = fusedChain(graph.nodes, n);
      sqnrRows.push({ tensor: n.output, layer: chain[0].name, op: chain.map((c) => c.op).join('+'), db: sqnrDb(acc) });
    }
  }
  return {
    title: options.title ?? `tinyconv report: ${graph.name}`,
    createdAt: new Date().toISOString(),
    models: { floatPath, int8Path, name: graph.name, inputShape: graph.input.shape.slice(), labels: labelNames.slice(0, classes) },
    dataset: { name: data.name, split: data.split, count, height: data.height, width: data.width, channels: data.channels },
    accuracy: { float: accuracy(floatPred, labels), int8: accuracy(int8Pred, labels), agreement: agreement(floatPred, int8Pred) },
    flipped: {
      total: flips.length,
      shown: flips.slice(0, options.flippedShown ?? 16).map((i) => ({
        index: i, label: labels[i], floatPredicted: floatPred[i], int8Predicted: int8Pred[i], image: sampleImage(data, i),
      })),
    },
    perClass: pf.map((p, c) => ({ label: labelNames[c] ?? String(c), float: p, int8: pi[c] })),
    confusion: { float: cf, int8: ci },
    sqnr: { samples: sqnrSamples, layers: sqnrRows },
    size: {
      modelBytes: int8.modelBytes,
      arenaBytes: int8.arenaBytes,
      params: counts.totalParams,
      macs: counts.totalMacs,
      layers: counts.layers.map((l) => ({ name: l.name, op: l.op, outputShape: l.outputShape, params: l.params, macs: l.macs })),
    },
    timing: { floatMs: median(floatTimes), int8Ms: median(int8Times), runs: count },
    featureMaps: (options.featureMapChannels ?? 16) > 0 && count > 0 ? featureMaps(model, data, 0, floatPred[0], options.featureMapChannels ?? 16) : undefined,
  };
}

function compareTensor(t: Tensor, floatTensors: Record<string, Float32Array>, sqnr: Record<string, SqnrAccumulator>): void {
  const name = t.name;
  if (!name) return;
  const x = floatTensors[name];
  if (!x || x.length !== t.data.length) return;
  const acc = sqnr[name] ?? (sqnr[name] = newSqnrAccumulator());
  accumulateSqnr(acc, x, t.data, t.scale, t.zeroPoint);
}

/** Float activations of sample `index` after each conv/pool/activation, first `maxChannels` channels. */
export function featureMaps(model: FloatModel, data: Dataset, index: number, predicted: number, maxChannels: number): FeatureMaps {
  const graph = model.graph;
  const image = sampleImage(data, index);
  const input = new Float32Array(image.pixels.length);
  preprocessInto(image.pixels, data.channels, graph.preprocess, input);
  const tensors: Record<string, { data: Float32Array; shape: number[] }> = Object.create(null);
  createExecutor(model)(input, (name, values, shape) => { tensors[name] = { data: values, shape }; });
  const layers: FeatureMapLayer[] = [];
  for (const node of featureNodes(graph.nodes)) {
    const t = tensors[node.output];
    if (!t || t.shape.length !== 3 || t.shape[0] * t.shape[1] < 4) continue;
    const shown = Math.min(maxChannels, t.shape[2]);
    const channels: ImageData8[] = [];
    for (let c = 0; c < shown; c++) channels.push(channelImage(t.data, t.shape, c));
    layers.push({ name: node.output, op: node.op, shape: t.shape, channelCount: t.shape[2], channels });
  }
  return { sampleIndex: index, label: data.labels[index], floatPredicted: predicted, image, layers };
}
