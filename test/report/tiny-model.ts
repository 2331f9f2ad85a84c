// A tiny float network (8x8x1 -> 4 classes) with seeded weights, its int8 form, and a matching
// IDX dataset on disk, for end-to-end report tests that need no training.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FloatModel, GraphNode, ParamRef } from '../../src/graph/types.js';
import { writeFloatModel } from '../../src/graph/io.js';
import { createExecutor } from '../../src/graph/execute.js';
import { convertToInt8 } from '../../src/convert/index.js';
import { writeModel } from '../../src/format/writer.js';
import { encodeIdx } from '../../src/data/idx.js';
import { argmax } from '../../src/report/metrics.js';
import { preprocessInto } from '../../src/report/evaluate.js';

export const TINY_LABELS = ['zero', 'one', 'two', 'three'];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** conv3x3(4)+bn+relu -> maxpool -> conv3x3(6)+relu6 -> flatten -> dense(4) -> softmax. */
export function tinyFloatModel(side = 8, seed = 7): FloatModel {
  const random = lcg(seed);
  const weights: number[] = [];
  const param = (shape: number[], lo: number, hi: number): ParamRef => {
    const ref = { offset: weights.length, shape };
    const n = shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) weights.push(lo + (hi - lo) * random());
    return ref;
  };
  const half = side / 2;
  const nodes: GraphNode[] = [
    { name: 'conv1', op: 'conv2d', inputs: ['input'], output: 'conv1', attrs: { kernel: [3, 3], padding: [1, 1, 1, 1], outChannels: 4 }, params: { weight: param([4, 3, 3, 1], -1, 1), bias: param([4], -0.1, 0.1) } },
    { name: 'bn1', op: 'batchnorm', inputs: ['conv1'], output: 'bn1', attrs: {}, params: { gamma: param([4], 0.8, 1.2), beta: param([4], -0.1, 0.1), mean: param([4], -0.1, 0.1), variance: param([4], 0.5, 1.5) } },
    { name: 'relu1', op: 'relu', inputs: ['bn1'], output: 'relu1', attrs: {}, params: {} },
    { name: 'pool1', op: 'maxPool', inputs: ['relu1'], output: 'pool1', attrs: { kernel: [2, 2] }, params: {} },
    { name: 'conv2', op: 'conv2d', inputs: ['pool1'], output: 'conv2', attrs: { kernel: [3, 3], padding: [1, 1, 1, 1], outChannels: 6 }, params: { weight: param([6, 3, 3, 4], -0.5, 0.5), bias: param([6], -0.1, 0.1) } },
    { name: 'relu2', op: 'relu6', inputs: ['conv2'], output: 'relu2', attrs: {}, params: {} },
    { name: 'flat', op: 'flatten', inputs: ['relu2'], output: 'flat', attrs: {}, params: {} },
    { name: 'fc', op: 'dense', inputs: ['flat'], output: 'fc', attrs: { units: 4 }, params: { weight: param([4, half * half * 6], -0.3, 0.3), bias: param([4], -0.1, 0.1) } },
    { name: 'probs', op: 'softmax', inputs: ['fc'], output: 'probs', attrs: {}, params: {} },
  ];
  return {
    graph: {
      format: 'tinyconv-float', version: 1, name: 'tiny',
      input: { name: 'input', shape: [side, side, 1] },
      preprocess: { pixelScale: 1 / 255, mean: [0.5], std: [0.25] },
      labels: TINY_LABELS.slice(), nodes, output: 'probs', weights: 'tiny.bin',
    },
    weights: Float32Array.from(weights),
  };
}

/** `count` seeded images; labels are the float model's own predictions except every 5th, which is
 *  shifted by one class, so the float accuracy is exactly 80% and known in advance. */
export function tinyImages(model: FloatModel, count: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const [h, w, c] = model.graph.input.shape;
  const random = lcg(seed);
  const images = new Uint8Array(count * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(random() * 256);
  const run = createExecutor(model);
  const x = new Float32Array(h * w * c);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    preprocessInto(images.subarray(i * h * w * c, (i + 1) * h * w * c), c, model.graph.preprocess, x);
    const p = argmax(run(x));
    labels[i] = i % 5 === 0 ? (p + 1) % 4 : p;
  }
  return { images, labels };
}

export function tinyInt8(model: FloatModel, calibration: Uint8Array, count: number): Uint8Array {
  const [h, w, c] = model.graph.input.shape;
  const samples: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const x = new Float32Array(h * w * c);
    preprocessInto(calibration.subarray(i * h * w * c, (i + 1) * h * w * c), c, model.graph.preprocess, x);
    samples.push(x);
  }
  return writeModel(convertToInt8(model, samples, { method: 'minmax', calibrationCount: count }));
}

/** Writes m.json/m.bin, m.tcm and a dataset folder (train 60, test 40 images) under `dir`. */
export function writeTinyFixture(dir: string, side = 8): { floatPath: string; int8Path: string; dataDir: string } {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const model = tinyFloatModel(side);
  const train = tinyImages(model, 60, 11);
  const test = tinyImages(model, 40, 22);
  const floatPath = join(dir, 'tiny.json');
  writeFloatModel(floatPath, model);
  const int8Path = join(dir, 'tiny.tcm');
  writeFileSync(int8Path, tinyInt8(model, train.images, 60));
  const dataDir = join(dir, 'data');
  writeFileSync(join(dataDir, 'classes.txt'), `${TINY_LABELS.join('\n')}\n`);
  const [h, w] = model.graph.input.shape;
  writeFileSync(join(dataDir, 'train-images-idx3-ubyte'), encodeIdx([60, h, w], train.images));
  writeFileSync(join(dataDir, 'train-labels-idx1-ubyte'), encodeIdx([60], train.labels));
  writeFileSync(join(dataDir, 't10k-images-idx3-ubyte'), encodeIdx([40, h, w], test.images));
  writeFileSync(join(dataDir, 't10k-labels-idx1-ubyte'), encodeIdx([40], test.labels));
  return { floatPath, int8Path, dataDir };
}
