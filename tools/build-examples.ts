// `node dist/tools/build-examples.js [--model m.tcm]` (run by `npm run build` after rollup): writes
// the browser example's runtime bundle, int8 model and sample images into examples/browser/, so
// the folder can be served as it is. The model is the shipped MobileNetV1-tiny alpha 0.5 int8 from
// models/ (alpha 1.0 is ~47 KB alone and would break the page's 50 KB budget), or until one is
// shipped a stand-in of the same architecture trained for a few seconds (said loudly).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, type Dataset } from '../src/data/datasets.js';
import { packageRoot } from '../src/deploy/runtime-bundle.js';
import { pagePayload, writePageAssets, PAGE_BUDGET_BYTES, type PagePayload } from '../src/deploy/page-assets.js';
import { exampleModel } from './example-models.js';

/** One test image per class for these classes: T-shirt/top, Trouser, Dress, Sneaker, Bag, Ankle boot. */
export const SAMPLE_CLASSES = [0, 1, 3, 7, 8, 9];

/** The first test image of each class in `classes`, in that order. */
export function pickSamples(test: Dataset, classes: number[]): { images: Uint8Array; labels: number[]; count: number; indices: number[] } {
  const size = test.height * test.width * test.channels;
  const indices = classes.map((c) => {
    for (let i = 0; i < test.count; i++) if (test.labels[i] === c) return i;
    throw new Error(`no test image of class ${c} in ${test.name}`);
  });
  const images = new Uint8Array(indices.length * size);
  indices.forEach((k, j) => images.set(test.images.subarray(k * size, (k + 1) * size), j * size));
  return { images, labels: classes.slice(), count: classes.length, indices };
}

export interface BuildResult { dir: string; modelSource: string; trained: boolean; payload: PagePayload }

export async function buildBrowserExample(dir: string, modelPath?: string): Promise<BuildResult> {
  const chosen = modelPath
    ? { tcm: new Uint8Array(readFileSync(modelPath)), source: modelPath, trained: true }
    : await exampleModel(packageRoot(), 'mobilenet-0.5');
  const test = loadDataset('fashion-mnist-subset', 'test', { log: () => {} });
  writePageAssets(dir, chosen.tcm, pickSamples(test, SAMPLE_CLASSES));
  return { dir, modelSource: chosen.source, trained: chosen.trained, payload: pagePayload(dir) };
}

async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('--model');
  const modelPath = i >= 0 ? argv[i + 1] : undefined;
  if (i >= 0 && (!modelPath || !existsSync(modelPath))) {
    console.error(`build-examples: --model needs an existing .tcm file, got '${modelPath ?? ''}'`);
    return 2;
  }
  const r = await buildBrowserExample(join(packageRoot(), 'examples', 'browser'), modelPath);
  if (!r.trained) console.log(`build-examples: WARNING no MobileNet alpha 0.5 .tcm in models/, the page uses a ${r.modelSource}`);
  console.log(`build-examples: examples/browser/ ready (model: ${r.modelSource}), page payload ${r.payload.total} bytes ` +
    `(budget ${PAGE_BUDGET_BYTES})`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(`build-examples: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
