// Makes data/fashion-mnist-subset from Debian's full Fashion-MNIST: the first 800 training images of
// each class (8,000) and the first 200 test images of each class (2,000), in their original file
// order, written as gzipped IDX. Deterministic: rerunning it reproduces the committed files exactly
// (gzip level 9, no timestamps in node:zlib's output).
//
//   npx tsc -p tsconfig.build.json && node dist/tools/make-subset.js [SRC_DIR] [OUT_DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, loadIdxDirectory, subsetOf, type Dataset } from '../src/data/datasets.js';
import { encodeIdx } from '../src/data/idx.js';

const PER_CLASS = { train: 800, test: 200 };
const STEMS = { train: 'train', test: 't10k' };

function firstPerClass(d: Dataset, perClass: number): number[] {
  const taken = new Array<number>(d.classes.length).fill(0);
  const picked: number[] = [];
  for (let i = 0; i < d.count; i++) {
    if (taken[d.labels[i]] < perClass) {
      taken[d.labels[i]]++;
      picked.push(i);
    }
  }
  return picked;
}

const src = process.argv[2] ?? DEBIAN_FASHION_MNIST_DIR;
const out = process.argv[3] ?? 'data/fashion-mnist-subset';
mkdirSync(out, { recursive: true });
for (const split of ['train', 'test'] as const) {
  const full = loadIdxDirectory(src, split, 'fashion-mnist', FASHION_MNIST_CLASSES);
  const sub = subsetOf(full, firstPerClass(full, PER_CLASS[split]));
  const images = gzipSync(encodeIdx([sub.count, sub.height, sub.width], sub.images), { level: 9 });
  const labels = gzipSync(encodeIdx([sub.count], sub.labels), { level: 9 });
  writeFileSync(join(out, `${STEMS[split]}-images-idx3-ubyte.gz`), images);
  writeFileSync(join(out, `${STEMS[split]}-labels-idx1-ubyte.gz`), labels);
  console.log(`${split}: ${sub.count} of ${full.count} images, ${images.length + labels.length} bytes gzipped`);
}
