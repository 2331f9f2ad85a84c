// The two benchmarked networks, each as our int8 .tcm plus the FloatNet the peers run (the .tcm's
// weights dequantized, so every engine computes the same network) and a few int8 sample inputs.
// - mobilenet: TFLM's person_detect.tflite (MobileNetV1 alpha 0.25, 96x96x1) through importTflite;
//   samples: TFLM's person / no-person test images and two seeded noise images.
// - lenet: LeNet-5 at 28x28x1: the trained float model shipped in models/ when there is one (a
//   tinyconv-float JSON whose file name starts with lenet5), else ReLU + max-pool LeNet-5 with seeded
//   random weights; quantized by the real converter (src/convert convertToInt8) calibrated on
//   Fashion-MNIST test images; samples: a few other test images.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { convertToInt8 } from '../src/convert/index.js';
import { loadDataset } from '../src/data/datasets.js';
import { Rng } from '../src/data/random.js';
import { readFloatModel } from '../src/graph/io.js';
import type { FloatModel } from '../src/graph/types.js';
import { readModel } from '../src/format/reader.js';
import type { ModelSpec } from '../src/format/schema.js';
import { writeModel } from '../src/format/writer.js';
import { importTflite } from '../src/tflite/index.js';
import { dequantizeModel } from './dequantize.js';
import type { FloatNet } from './float-net.js';
import { floatNetToGraph } from './float-graph.js';
import { lenet5Random } from './random-nets.js';

export const MODEL_IDS = ['mobilenet', 'lenet'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export interface BenchModel {
  id: ModelId;
  title: string;
  /** Our int8 model as loaded by the runtime, and its parsed form. */
  tcm: Uint8Array;
  spec: ModelSpec;
  /** What the peers run. */
  net: FloatNet;
  /** int8 inputs (the model's input quantization) with a name each, and TFLM's golden int8 output
   *  where one exists. */
  samples: { name: string; data: Int8Array; golden?: number[] }[];
  /** Where the weights came from, for RESULTS.md. */
  provenance: string;
}

type Sample = BenchModel['samples'][number];

function noiseSamples(count: number, length: number, seed: number): Sample[] {
  const rng = new Rng(seed);
  const out: Sample[] = [];
  for (let k = 0; k < count; k++) {
    const data = new Int8Array(length);
    for (let i = 0; i < length; i++) data[i] = rng.int(256) - 128;
    out.push({ name: `noise${k}`, data });
  }
  return out;
}

function fromSpec(id: ModelId, title: string, spec: ModelSpec, provenance: string, samples: BenchModel['samples']): BenchModel {
  const tcm = writeModel(spec);
  // Dequantize what the runtime will actually read back, not the in-memory spec.
  const parsed = readModel(tcm);
  return { id, title, tcm, spec: parsed, net: dequantizeModel(parsed), samples, provenance };
}

/** A trained LeNet-5 float model under `modelsDir` (two levels deep), or null. */
function findTrainedLenet(modelsDir: string): string | null {
  if (!existsSync(modelsDir)) return null;
  const candidates: string[] = [];
  for (const entry of readdirSync(modelsDir)) {
    const full = path.join(modelsDir, entry);
    if (statSync(full).isDirectory()) candidates.push(...readdirSync(full).map((f) => path.join(full, f)));
    else candidates.push(full);
  }
  for (const file of candidates.sort()) {
    if (!/^lenet5[^/\\]*\.json$/i.test(path.basename(file))) continue;
    try {
      if (JSON.parse(readFileSync(file, 'utf8')).format === 'tinyconv-float') return file;
    } catch {
      // not a float graph; keep looking
    }
  }
  return null;
}

export function loadBenchModel(id: ModelId, fixturesDir: string, modelsDir: string): BenchModel {
  if (id === 'mobilenet') {
    const file = path.join(fixturesDir, 'person_detect.tflite');
    const goldens = path.join(fixturesDir, 'person_detect_goldens.json');
    if (!existsSync(file) || !existsSync(goldens)) throw new Error(`bench: ${file} or its goldens are absent (TFLM fixtures)`);
    const spec = importTflite(new Uint8Array(readFileSync(file)));
    const cases = JSON.parse(readFileSync(goldens, 'utf8')).cases as { name: string; input_int8_b64: string; output_int8: number[] }[];
    const samples = cases.map((c): Sample => {
      const bytes = Buffer.from(c.input_int8_b64, 'base64');
      return { name: c.name, data: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), golden: c.output_int8 };
    });
    return fromSpec(
      id,
      'MobileNetV1 0.25 @96x96x1',
      spec,
      'TFLM person_detect.tflite via importTflite; peers get its int8 weights dequantized to float32',
      samples.concat(noiseSamples(2, 96 * 96, 1)),
    );
  }
  const trained = findTrainedLenet(modelsDir);
  const preprocess = { pixelScale: 1 / 255, mean: [0], std: [1] };
  const floatModel: FloatModel = trained ? readFloatModel(trained) : floatNetToGraph(lenet5Random(2024), preprocess);
  const test = loadDataset('fashion-mnist', 'test', { log: () => {} });
  const pixels = 28 * 28;
  // Preprocess as the model records it: real = (pixel * pixelScale - mean) / std.
  const pre = floatModel.graph.preprocess;
  const image = (k: number) =>
    new Float32Array(test.images.subarray(k * pixels, (k + 1) * pixels)).map((p) => (p * pre.pixelScale - pre.mean[0]) / pre.std[0]);
  const calibration = Array.from({ length: 200 }, (_, k) => image(k));
  const spec = convertToInt8(floatModel, calibration);
  const input = spec.tensors[spec.input];
  const samples = [200, 201, 202, 203, 204, 205].map((k): Sample => {
    const real = image(k);
    const data = new Int8Array(pixels);
    for (let i = 0; i < pixels; i++) data[i] = Math.max(-128, Math.min(127, Math.round(real[i] / input.scale) + input.zeroPoint));
    return { name: `fashion${k}`, data };
  });
  return fromSpec(
    id,
    'LeNet-5 @28x28x1',
    spec,
    `${trained ? `trained float model ${path.relative(path.dirname(modelsDir), trained)}` : 'seeded random weights (He init, seed 2024; no trained LeNet-5 in models/)'}, quantized by src/convert convertToInt8 calibrated on 200 ${test.name} test images; peers get the int8 weights dequantized`,
    samples,
  );
}
