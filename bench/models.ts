// The two benchmarked networks, each as our int8 .tcm plus the FloatNet the peers run (the .tcm's
// weights dequantized, so every engine computes the same network) and a few int8 sample inputs.
// - mobilenet: TFLM's person_detect.tflite (MobileNetV1 alpha 0.25, 96x96x1) through importTflite;
//   samples: TFLM's person / no-person test images and two seeded noise images.
// - lenet: LeNet-5 at 28x28x1 with seeded random weights, quantized by the bench's own simple
//   quantizer (quantize-simple.ts); samples: seeded noise images.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Rng } from '../src/data/random.js';
import { readModel } from '../src/format/reader.js';
import type { ModelSpec } from '../src/format/schema.js';
import { writeModel } from '../src/format/writer.js';
import { importTflite } from '../src/tflite/index.js';
import { dequantizeModel } from './dequantize.js';
import type { FloatNet } from './float-net.js';
import { quantizeSimple } from './quantize-simple.js';
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
  /** int8 inputs (the model's input quantization) with a name each. */
  samples: { name: string; data: Int8Array }[];
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

export function loadBenchModel(id: ModelId, fixturesDir: string): BenchModel {
  if (id === 'mobilenet') {
    const file = path.join(fixturesDir, 'person_detect.tflite');
    const goldens = path.join(fixturesDir, 'person_detect_goldens.json');
    if (!existsSync(file) || !existsSync(goldens)) throw new Error(`bench: ${file} or its goldens are absent (TFLM fixtures)`);
    const spec = importTflite(new Uint8Array(readFileSync(file)));
    const cases = JSON.parse(readFileSync(goldens, 'utf8')).cases as { name: string; input_int8_b64: string }[];
    const samples = cases.map((c): Sample => {
      const bytes = Buffer.from(c.input_int8_b64, 'base64');
      return { name: c.name, data: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
    });
    return fromSpec(
      id,
      'MobileNetV1 0.25 @96x96x1',
      spec,
      'TFLM person_detect.tflite via importTflite; peers get its int8 weights dequantized to float32',
      samples.concat(noiseSamples(2, 96 * 96, 1)),
    );
  }
  const net = lenet5Random(2024);
  const calibration = noiseSamples(16, 28 * 28, 99).map((s) => new Float32Array(s.data).map((v) => (v + 128) / 255));
  const spec = quantizeSimple(net, calibration, { pixelScale: 1 / 255, mean: [0], std: [1] });
  return fromSpec(
    id,
    'LeNet-5 @28x28x1',
    spec,
    'seeded random weights (He init, seed 2024), quantized by bench/quantize-simple.ts (min/max calibration on 16 noise images); peers get the int8 weights dequantized',
    noiseSamples(4, 28 * 28, 7),
  );
}
