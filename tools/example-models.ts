// The int8 models the deploy examples and tests use: the trained ones shipped in models/ when they
// are there, else stand-ins with the same architectures (zoo LeNet-5 / MobileNetV1-tiny) trained
// briefly (one epoch over 1,024 images of the embedded Fashion-MNIST subset, a few seconds each)
// and quantized by the real converter. Untrained nets would not do: an untrained MobileNet gives
// every image the same output bytes, which hides bugs such as running without setting the input.
// Stand-ins are cached in build/placeholders/ (keyed by model, recipe and format version) so test
// files and builds share one training run; a lock directory keeps parallel test files from
// training the same model twice.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertToInt8, imageSamples } from '../src/convert/index.js';
import { loadDataset } from '../src/data/datasets.js';
import { readModel } from '../src/format/reader.js';
import { FORMAT_VERSION } from '../src/format/schema.js';
import { writeModel } from '../src/format/writer.js';
import { trainModel } from '../src/train/trainer.js';

export type ExampleModelId = 'lenet5' | 'mobilenet-1.0' | 'mobilenet-0.5';

export const EXAMPLE_MODEL_IDS: ExampleModelId[] = ['lenet5', 'mobilenet-1.0', 'mobilenet-0.5'];

export interface ExampleModel {
  id: ExampleModelId;
  tcm: Uint8Array;
  /** The shipped file, or a sentence saying it is a briefly trained stand-in. */
  source: string;
  trained: boolean;
}

/** The file each model ships as in models/ (tools/ship-model.ts writes them; test/models checks them). */
export const SHIPPED_FILE: Record<ExampleModelId, string> = {
  'lenet5': 'lenet5.tcm',
  'mobilenet-1.0': 'mobilenet-v1.tcm',
  'mobilenet-0.5': 'mobilenet-v1-0.5.tcm',
};

/** The shipped int8 model for `id` under `modelsDir`, or null. */
export function findShippedModel(modelsDir: string, id: ExampleModelId): string | null {
  const file = join(modelsDir, SHIPPED_FILE[id]);
  return existsSync(file) ? file : null;
}

const STAND_IN = { epochs: 1, batch: 32, lr: 3e-3, seed: 5, trainLimit: 1024, calibration: 256 };

/** Trains the zoo network for `id` briefly on the subset and quantizes it (minmax calibration). */
export async function trainStandIn(id: ExampleModelId): Promise<Uint8Array> {
  const r = await trainModel({
    model: id === 'lenet5' ? 'lenet5' : 'mobilenet-v1',
    modelOptions: id === 'lenet5' ? {} : { alpha: id === 'mobilenet-0.5' ? 0.5 : 1 },
    data: 'fashion-mnist-subset', epochs: STAND_IN.epochs, batch: STAND_IN.batch, optimizer: 'adam', lr: STAND_IN.lr,
    seed: STAND_IN.seed, trainLimit: STAND_IN.trainLimit, testLimit: 100, log: () => {},
  });
  const train = loadDataset('fashion-mnist-subset', 'train', { log: () => {} });
  const { samples } = imageSamples(train, r.floatModel.graph, STAND_IN.calibration);
  const spec = convertToInt8(r.floatModel, samples, { method: 'minmax', calibrationCount: STAND_IN.calibration });
  spec.name = `${id} (stand-in: 1 epoch on 1,024 subset images)`;
  return writeModel(spec);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The cached stand-in for `id` under `cacheDir`, trained on first use. */
export async function standInModel(id: ExampleModelId, cacheDir: string): Promise<Uint8Array> {
  const key = `${id}-e${STAND_IN.epochs}-n${STAND_IN.trainLimit}-b${STAND_IN.batch}-s${STAND_IN.seed}-v${FORMAT_VERSION}`;
  const file = join(cacheDir, `${key}.tcm`);
  const lock = join(cacheDir, `${key}.lock`);
  mkdirSync(cacheDir, { recursive: true });
  const cached = (): Uint8Array | null => {
    if (!existsSync(file)) return null;
    const bytes = new Uint8Array(readFileSync(file));
    try {
      readModel(bytes);
      return bytes;
    } catch {
      return null; // written by an older converter or truncated: train again
    }
  };
  for (let waited = 0; ; waited += 250) {
    const hit = cached();
    if (hit) return hit;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is training it; a lock older than three minutes is a leftover from a crash.
      let age = 0;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { continue; }
      if (age > 180_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    const hit = cached();
    if (hit) return hit;
    const tcm = await trainStandIn(id);
    writeFileSync(`${file}.tmp`, tcm);
    renameSync(`${file}.tmp`, file);
    return tcm;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function exampleModel(root: string, id: ExampleModelId): Promise<ExampleModel> {
  const modelsDir = join(root, 'models');
  const shipped = findShippedModel(modelsDir, id);
  if (shipped) return { id, tcm: new Uint8Array(readFileSync(shipped)), source: shipped, trained: true };
  return {
    id,
    tcm: await standInModel(id, join(root, 'build', 'placeholders')),
    source: `stand-in trained 1 epoch on 1,024 subset images (no ${id} .tcm in models/)`,
    trained: false,
  };
}
