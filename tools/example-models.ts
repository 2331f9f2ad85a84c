// The int8 models the deploy examples and tests use: the trained ones shipped in models/ when they
// are there, else placeholders with the same architectures (zoo LeNet-5 / MobileNetV1-tiny with
// seeded, untrained weights, quantized by the real converter on the embedded Fashion-MNIST subset).
// Placeholders classify no better than chance, but they run every op the trained models run, so
// byte-identity tests across engines and the page's size are meaningful before training finishes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { convertToInt8, imageSamples } from '../src/convert/index.js';
import { loadDataset } from '../src/data/datasets.js';
import { writeModel } from '../src/format/writer.js';
import { buildModel } from '../src/train/zoo/index.js';

export type ExampleModelId = 'lenet5' | 'mobilenet-1.0' | 'mobilenet-0.5';

export const EXAMPLE_MODEL_IDS: ExampleModelId[] = ['lenet5', 'mobilenet-1.0', 'mobilenet-0.5'];

export interface ExampleModel {
  id: ExampleModelId;
  tcm: Uint8Array;
  /** The shipped file, or a sentence saying it is an untrained placeholder. */
  source: string;
  trained: boolean;
}

/** Does a .tcm file name (lower case, no extension) name this model? Shipped names are not fixed
 *  yet, so accept the usual spellings: lenet5*, mobilenet*{0.5,05,050,half} vs the rest. */
function nameMatches(id: ExampleModelId, stem: string): boolean {
  if (id === 'lenet5') return /^lenet-?5/.test(stem) && !/original/.test(stem);
  if (!/mobilenet/.test(stem) || /v2|v3/.test(stem)) return false;
  const half = /(0\.5|0_5|050|05\b|-05|half)/.test(stem);
  return id === 'mobilenet-0.5' ? half : !half;
}

function tcmFiles(dir: string, depth: number): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) { if (depth > 0) out.push(...tcmFiles(full, depth - 1)); }
    else if (entry.toLowerCase().endsWith('.tcm')) out.push(full);
  }
  return out;
}

/** The shipped int8 model for `id` under `modelsDir` (searched two levels deep), or null. */
export function findShippedModel(modelsDir: string, id: ExampleModelId): string | null {
  for (const file of tcmFiles(modelsDir, 1)) {
    if (nameMatches(id, basename(file).toLowerCase().replace(/\.tcm$/, ''))) return file;
  }
  return null;
}

/** Seeded untrained zoo network quantized on `calibrationCount` subset training images. */
export function placeholderModel(id: ExampleModelId, calibrationCount = 64): Uint8Array {
  const net = id === 'lenet5'
    ? buildModel('lenet5', { seed: 5 })
    : buildModel('mobilenet-v1', { seed: 5, alpha: id === 'mobilenet-0.5' ? 0.5 : 1 });
  net.finalize();
  const train = loadDataset('fashion-mnist-subset', 'train', { log: () => {} });
  const float = net.toFloatModel({ labels: train.classes, preprocess: { pixelScale: 1 / 255, mean: [0.286], std: [0.353] } });
  const { samples } = imageSamples(train, float.graph, calibrationCount);
  const spec = convertToInt8(float, samples, { method: 'minmax', calibrationCount });
  spec.name = `${id} (untrained placeholder)`;
  return writeModel(spec);
}

export function exampleModel(modelsDir: string, id: ExampleModelId): ExampleModel {
  const shipped = findShippedModel(modelsDir, id);
  if (shipped) return { id, tcm: new Uint8Array(readFileSync(shipped)), source: shipped, trained: true };
  return { id, tcm: placeholderModel(id), source: `untrained placeholder (no ${id} .tcm in ${modelsDir})`, trained: false };
}
