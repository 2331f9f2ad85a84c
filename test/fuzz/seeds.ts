// Valid seed models the fuzzers mutate: the hand-built multi-op model (every opcode), a zoo network
// (MobileNetV3-small: hard-swish LUTs, squeeze-excite MUL, residual ADD, global pool) quantized by
// src/convert, and TFLM's hello_world and person_detect imported through src/tflite when the shared
// fixtures exist. Built once per test file; every seed is deterministic.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModel } from '../../src/format/writer.js';
import { convertToInt8 } from '../../src/convert/index.js';
import { buildModel } from '../../src/train/zoo/index.js';
import { importTflite } from '../../src/tflite/index.js';
import { buildMultiOpModel, rng } from '../runtime/fixtures/multi-op-model.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = join(HERE, '..', '..');
export const TFLM = join(REPO, '..', 'shared', 'fixtures', 'tflm');
export const ONNX_FIXTURES = join(REPO, 'test', 'fixtures', 'onnx');

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

/** A tiny MobileNetV3-small (alpha 0.25, 16x16 input) with seeded weights, calibrated on 4 random images. */
export function zooSeed(): Seed {
  const model = buildModel('mobilenet-v3-small', {
    alpha: 0.25, inputShape: [16, 16, 1], classes: 4, hidden: 8, lastChannels: 16, seed: 3,
    blocks: [[3, 16, 8, true, 'relu', 2], [3, 24, 8, false, 'hardSwish', 1]],
  });
  const float = model.finalize().toFloatModel({
    labels: ['a', 'b', 'c', 'd'], preprocess: { pixelScale: 1 / 255, mean: [0.5], std: [0.5] },
  });
  const rand = rng(5);
  const samples: Float32Array[] = [];
  for (let i = 0; i < 4; i++) samples.push(Float32Array.from({ length: 256 }, () => rand() * 2 - 1));
  return { name: 'zoo mobilenet-v3-small', bytes: writeModel(convertToInt8(float, samples)) };
}

export function tcmSeeds(): Seed[] {
  const seeds: Seed[] = [
    { name: 'multi-op 7', bytes: writeModel(buildMultiOpModel(7)) },
    { name: 'multi-op 11', bytes: writeModel(buildMultiOpModel(11)) },
    zooSeed(),
  ];
  for (const file of ['hello_world_int8.tflite', 'person_detect.tflite']) {
    const path = join(TFLM, file);
    if (existsSync(path)) seeds.push({ name: file + ' via importTflite', bytes: writeModel(importTflite(new Uint8Array(readFileSync(path)))) });
    else console.log(`skip seed: ${path} absent`);
  }
  return seeds;
}
