// The dataset registry: a name ('fashion-mnist', 'fashion-mnist-subset') or a directory holding the
// four MNIST-format IDX files becomes one in-memory Dataset of uint8 NHWC images and uint8 labels.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TinyconvError } from '../format/errors.js';
import { readIdx } from './idx.js';

export type Split = 'train' | 'test';

export interface Dataset {
  name: string;
  split: Split;
  /** count * height * width * channels bytes, NHWC. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: string[];
  /** Where the bytes came from (directory), for provenance and printing. */
  source: string;
}

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Debian's dataset-fashion-mnist package. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

const FILE_STEMS: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export interface LoadOptions {
  /** Receives one line saying which data is used (default: stderr). */
  log?: (message: string) => void;
}

/** The committed subset: data/fashion-mnist-subset at the repository root, found from this file
 *  whether it runs from src/ (vitest) or dist/src/ (the built CLI). */
export function embeddedSubsetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'data', 'fashion-mnist-subset');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    dir = dirname(dir);
  }
  throw new TinyconvError('DATASET_NOT_FOUND', 'the embedded Fashion-MNIST subset (data/fashion-mnist-subset) was not found next to this installation');
}

export function hasDebianFashionMnist(): boolean {
  return findIdx(DEBIAN_FASHION_MNIST_DIR, FILE_STEMS.train.images) !== null &&
    findIdx(DEBIAN_FASHION_MNIST_DIR, FILE_STEMS.test.labels) !== null;
}

/** Loads `nameOrDir`'s `split`: 'fashion-mnist' (full Debian set when installed, else the embedded
 *  subset), 'fashion-mnist-subset' (always the embedded subset) or a directory of IDX files. */
export function loadDataset(nameOrDir: string, split: Split, options: LoadOptions = {}): Dataset {
  const log = options.log ?? ((m: string) => process.stderr.write(m + '\n'));
  if (split !== 'train' && split !== 'test') throw new TinyconvError('DATASET_BAD_SPLIT', `unknown split '${String(split)}' (expected train or test)`);
  if (nameOrDir === 'fashion-mnist') {
    if (hasDebianFashionMnist()) {
      return logged(log, `dataset: fashion-mnist ${split}, full set from ${DEBIAN_FASHION_MNIST_DIR}`,
        loadIdxDirectory(DEBIAN_FASHION_MNIST_DIR, split, 'fashion-mnist', FASHION_MNIST_CLASSES));
    }
    const dir = embeddedSubsetDir();
    return logged(log, `dataset: fashion-mnist ${split}, embedded subset from ${dir} (install dataset-fashion-mnist for the full 60k/10k)`,
      loadIdxDirectory(dir, split, 'fashion-mnist-subset', FASHION_MNIST_CLASSES));
  }
  if (nameOrDir === 'fashion-mnist-subset') {
    const dir = embeddedSubsetDir();
    return logged(log, `dataset: fashion-mnist-subset ${split} from ${dir}`, loadIdxDirectory(dir, split, 'fashion-mnist-subset', FASHION_MNIST_CLASSES));
  }
  if (existsSync(nameOrDir) && statSync(nameOrDir).isDirectory()) {
    const dir = resolve(nameOrDir);
    return logged(log, `dataset: ${split} split from directory ${dir}`, loadIdxDirectory(dir, split, dir, classesFor(dir)));
  }
  throw new TinyconvError('DATASET_UNKNOWN', `unknown dataset '${nameOrDir}': expected fashion-mnist, fashion-mnist-subset or a directory holding the four IDX files`);
}

/** Logs where a dataset came from once it has loaded, so a failed load prints only its error. */
function logged(log: (m: string) => void, message: string, d: Dataset): Dataset {
  log(message);
  return d;
}

/** Reads `<dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]` and checks they agree. */
export function loadIdxDirectory(dir: string, split: Split, name: string, classes: string[]): Dataset {
  const imagesPath = findIdx(dir, FILE_STEMS[split].images);
  const labelsPath = findIdx(dir, FILE_STEMS[split].labels);
  if (!imagesPath || !labelsPath) {
    const missing = !imagesPath ? FILE_STEMS[split].images : FILE_STEMS[split].labels;
    throw new TinyconvError('DATASET_MISSING_FILE', `${dir}: no ${missing} or ${missing}.gz for the ${split} split`);
  }
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dims.length !== 3 && images.dims.length !== 4) {
    throw new TinyconvError('DATASET_BAD_SHAPE', `${imagesPath}: images must be [N, H, W] or [N, H, W, C], got [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1) {
    throw new TinyconvError('DATASET_BAD_SHAPE', `${labelsPath}: labels must be 1-D, got [${labels.dims.join(', ')}]`);
  }
  const count = images.dims[0];
  if (labels.dims[0] !== count) {
    throw new TinyconvError('DATASET_COUNT_MISMATCH', `${dir}: ${count} images in ${imagesPath} but ${labels.dims[0]} labels in ${labelsPath}`);
  }
  for (let i = 0; i < count; i++) {
    if (labels.data[i] >= classes.length) {
      throw new TinyconvError('DATASET_BAD_LABEL', `${labelsPath}: label ${labels.data[i]} of sample ${i} (byte offset ${8 + i}) is outside the ${classes.length} classes`);
    }
  }
  return {
    name, split, images: images.data, labels: labels.data, count,
    height: images.dims[1], width: images.dims[2], channels: images.dims[3] ?? 1,
    classes, source: dir,
  };
}

/** One line per dataset, e.g. for the CLI: `fashion-mnist train: 60000 x 28x28x1, 10 classes (...)`. */
export function describeDataset(d: Dataset): string {
  const perClass = new Array<number>(d.classes.length).fill(0);
  for (let i = 0; i < d.count; i++) perClass[d.labels[i]]++;
  return `${d.name} ${d.split}: ${d.count} images ${d.height}x${d.width}x${d.channels}, ${d.classes.length} classes ` +
    `(per class ${Math.min(...perClass)}-${Math.max(...perClass)}), from ${d.source}`;
}

/** A sub-dataset with the given sample indices, in that order (copies the bytes). */
export function subsetOf(d: Dataset, indices: ArrayLike<number>, split: Split = d.split): Dataset {
  const size = d.height * d.width * d.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    if (!(j >= 0 && j < d.count)) throw new TinyconvError('DATASET_BAD_INDEX', `sample index ${j} outside ${d.name} (${d.count} samples)`);
    images.set(d.images.subarray(j * size, (j + 1) * size), i * size);
    labels[i] = d.labels[j];
  }
  return { ...d, split, images, labels, count: indices.length };
}

function findIdx(dir: string, stem: string): string | null {
  for (const name of [stem, stem + '.gz']) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** `classes.txt` (one name per line) when present; Fashion-MNIST's names for a directory that says
 *  so; digits otherwise (MNIST). */
function classesFor(dir: string): string[] {
  const file = join(dir, 'classes.txt');
  if (existsSync(file)) return readFileSync(file, 'utf8').split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
  if (/fashion/i.test(dir)) return FASHION_MNIST_CLASSES.slice();
  return ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
}
