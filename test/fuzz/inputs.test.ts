// Converter and data inputs a user can get wrong (issue 8): each is refused with a TinyconvError
// whose code and message name the cause and where it is, never a crash deep inside or a silent
// wrong result.
import { gzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTinyconvError } from '../../src/format/errors.js';
import { convertToInt8 } from '../../src/convert/index.js';
import { parseFloatModel } from '../../src/graph/io.js';
import { encodeIdx, parseIdx, readIdx } from '../../src/data/idx.js';
import { decodeImage, convertChannels } from '../../src/data/image.js';
import { loadIdxDirectory } from '../../src/data/datasets.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../../src/train/checkpoint.js';
import { tinyFloatModel } from '../report/tiny-model.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyconv-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** "CODE: message" of the TinyconvError fn throws; any other outcome fails the test. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isTinyconvError(e)) return `${e.code}: ${e.message}`;
    throw new Error(`expected a TinyconvError, got ${String((e as Error)?.stack ?? e)}`);
  }
  throw new Error('expected a TinyconvError, but it succeeded');
}

const samples = (n: number, size: number) => Array.from({ length: n }, (_, k) => Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37 + k)));
const float = () => tinyFloatModel(8, 3);
const CAL = samples(4, 64);

describe('converter inputs', () => {
  it('an op the converter cannot lower names the node and the op', () => {
    const m = float();
    m.graph.nodes.splice(3, 0, { name: 'weird', op: 'lstm' as never, inputs: ['relu1'], output: 'weird', attrs: {}, params: {} });
    expect(refusal(() => parseFloatModel(m.graph, m.weights))).toMatch(/^UNKNOWN_OP: .*'weird'.* unknown op 'lstm'/);
    expect(refusal(() => convertToInt8(m, CAL))).toMatch(/^UNKNOWN_OP: node 'weird' has unknown op 'lstm'/);
  });

  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`a ${bad} weight names the node, the parameter and the index`, () => {
      const m = float();
      const conv2 = m.graph.nodes.find((n) => n.name === 'conv2')!;
      m.weights[conv2.params.weight.offset + 5] = bad;
      expect(refusal(() => parseFloatModel(m.graph, m.weights))).toMatch(new RegExp(`^NON_FINITE_WEIGHT: .*node 'conv2' param 'weight' element 5 is ${bad}`));
      expect(refusal(() => convertToInt8(m, CAL))).toMatch(new RegExp(`^NON_FINITE_WEIGHT: node 'conv2' \\(conv2d\\): parameter 'weight' has ${bad} at index 5`));
    });
  }

  it('a zero-size tensor (input dimension 0, dense with 0 units) is refused, naming it', () => {
    const zeroInput = float();
    zeroInput.graph.input.shape = [8, 0, 1];
    expect(refusal(() => convertToInt8(zeroInput, [new Float32Array(0)]))).toMatch(/^BAD_GRAPH: graph input 'input' has invalid shape \[8, 0, 1\]/);
    const zeroUnits = float();
    const fc = zeroUnits.graph.nodes.find((n) => n.name === 'fc')!;
    fc.attrs.units = 0;
    expect(refusal(() => convertToInt8(zeroUnits, CAL))).toMatch(/^SHAPE_MISMATCH: node 'fc' \(dense\): attribute units 0 but weight has shape \[4, 96\]/);
  });

  it('calibration samples of the wrong size name the sample and both shapes', () => {
    expect(refusal(() => convertToInt8(float(), [...CAL, new Float32Array(63)]))).toMatch(
      /^CALIBRATION_SHAPE: calibration sample 4 has 63 values, but graph input 'input' has shape \[8, 8, 1\] \(64 values\)/);
    expect(refusal(() => convertToInt8(float(), []))).toMatch(/^BAD_OPTION: calibration needs at least one sample/);
  });

  it('non-finite calibration values are refused, naming the sample', () => {
    const cal = samples(3, 64);
    cal[1][10] = NaN;
    expect(refusal(() => convertToInt8(float(), cal))).toMatch(/^CALIBRATION_NOT_FINITE: tensor 'input' has a non-finite value on calibration sample 1/);
  });
});

describe('IDX files', () => {
  const good = encodeIdx([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i));
  const patched = (edit: (b: Uint8Array) => void) => { const b = good.slice(); edit(b); return b; };

  it('reads a good file', () => {
    expect(parseIdx(good, 'x').dims).toEqual([3, 2, 2]);
  });

  it('bad magic, unsupported type, bad rank: each names the file and byte', () => {
    expect(refusal(() => parseIdx(patched((b) => { b[0] = 1; }), 'a.idx'))).toMatch(/^IDX_BAD_MAGIC: a\.idx/);
    expect(refusal(() => parseIdx(patched((b) => { b[2] = 0x0d; }), 'a.idx'))).toMatch(/^IDX_UNSUPPORTED_TYPE: a\.idx/);
    expect(refusal(() => parseIdx(patched((b) => { b[3] = 0; }), 'a.idx'))).toMatch(/^IDX_BAD_DIMS: a\.idx/);
  });

  it('truncated data, a dimension too large for the file, and trailing bytes', () => {
    expect(refusal(() => parseIdx(good.subarray(0, good.length - 1), 'a.idx'))).toMatch(/^IDX_TRUNCATED: a\.idx/);
    expect(refusal(() => parseIdx(good.subarray(0, 6), 'a.idx'))).toMatch(/^IDX_TRUNCATED: a\.idx/);
    expect(refusal(() => parseIdx(patched((b) => { b[4] = 0x7f; }), 'a.idx'))).toMatch(/^IDX_(TRUNCATED|BAD_DIMS): a\.idx: 2130706435x2x2/);
    expect(refusal(() => parseIdx(Uint8Array.from([...good, 0]), 'a.idx'))).toMatch(/^IDX_TRAILING_BYTES: a\.idx/);
  });

  it('a corrupt .gz names the file', () => {
    const path = join(dir, 'bad-images-idx3-ubyte.gz');
    const gz = gzipSync(good);
    gz[gz.length - 3] ^= 0xff; // the CRC/length trailer
    writeFileSync(path, gz);
    expect(refusal(() => readIdx(path))).toMatch(/^IDX_BAD_GZIP: .*bad-images-idx3-ubyte\.gz/);
    expect(refusal(() => readIdx(join(dir, 'missing-idx3-ubyte')))).toMatch(/^IDX_UNREADABLE: .*missing-idx3-ubyte/);
  });

  it('random corruption of an IDX file: a TinyconvError or a consistent array, never anything else', () => {
    let s = 5;
    const rand = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    for (let k = 0; k < 2000; k++) {
      const b = good.slice(0, 1 + rand(good.length + 4));
      for (let f = rand(4); f >= 0; f--) b[rand(b.length)] = rand(256);
      try {
        const a = parseIdx(b, 'fuzz');
        expect(a.data.length).toBe(a.dims.reduce((x, y) => x * y, 1));
      } catch (e) {
        if (!isTinyconvError(e)) throw new Error(`case ${k}: ${String(e)}`);
      }
    }
  });

  it('a dataset directory whose labels disagree with its images names both files', () => {
    const d = join(dir, 'ds');
    const fs = { images: encodeIdx([2, 2, 2], new Uint8Array(8)), labels: encodeIdx([3], new Uint8Array(3)) };
    mkdirSync(d);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), fs.images);
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), fs.labels);
    expect(refusal(() => loadIdxDirectory(d, 'train', 'ds', ['a', 'b']))).toMatch(/^DATASET_COUNT_MISMATCH: .*2 images .* but 3 labels/);
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), encodeIdx([2], Uint8Array.from([0, 7])));
    expect(refusal(() => loadIdxDirectory(d, 'train', 'ds', ['a', 'b']))).toMatch(/^DATASET_BAD_LABEL: .*label 7 of sample 1/);
  });
});

describe('image files', () => {
  const pgm = (header: string, pixels: number[]) => Uint8Array.from([...new TextEncoder().encode(header), ...pixels]);

  it('truncated, zero-sized, oversized or malformed PGM headers name the file', () => {
    expect(refusal(() => decodeImage(pgm('P5 2 2 255 ', [1, 2, 3]), 'a.pgm'))).toMatch(/^BAD_IMAGE: a\.pgm/);
    expect(refusal(() => decodeImage(pgm('P5 0 2 255 ', []), 'a.pgm'))).toMatch(/^BAD_IMAGE: a\.pgm/);
    expect(refusal(() => decodeImage(pgm('P5 99999 99999 255 ', [1]), 'a.pgm'))).toMatch(/^BAD_IMAGE: a\.pgm/);
    expect(refusal(() => decodeImage(pgm('P5 2 x 255 ', [1, 2, 3, 4]), 'a.pgm'))).toMatch(/^BAD_IMAGE: a\.pgm/);
    expect(refusal(() => decodeImage(pgm('P5 2 2 65535 ', [1, 2, 3, 4]), 'a.pgm'))).toMatch(/^BAD_IMAGE: a\.pgm/);
  });

  it('a file that is neither PGM nor BMP, and a BMP cut short, name the file', () => {
    expect(refusal(() => decodeImage(new TextEncoder().encode('GIF89a....'), 'a.gif'))).toMatch(/^BAD_IMAGE: a\.gif/);
    const bmp = new Uint8Array(70);
    bmp.set([0x42, 0x4d]);
    expect(refusal(() => decodeImage(bmp, 'b.bmp'))).toMatch(/^BAD_IMAGE: b\.bmp/);
  });

  it('random corruption of a BMP and a PGM: a TinyconvError or a consistent image, never anything else', () => {
    const bmp = makeBmp(3, 2);
    const good = [bmp, pgm('P5\n3 2\n255\n', [1, 2, 3, 4, 5, 6])];
    expect(decodeImage(bmp, 'ok.bmp')).toMatchObject({ width: 3, height: 2 });
    let s = 9;
    const rand = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    for (let k = 0; k < 3000; k++) {
      const src = good[k % 2];
      const b = src.slice(0, rand(4) === 0 ? rand(src.length) : src.length);
      for (let f = rand(3); f >= 0; f--) if (b.length) b[rand(b.length)] = rand(256);
      try {
        const img = decodeImage(b, 'fuzz');
        expect(img.pixels.length).toBe(img.width * img.height * img.channels);
        convertChannels(img, 1, 'fuzz');
      } catch (e) {
        if (!isTinyconvError(e)) throw new Error(`case ${k}: ${String(e)}`);
      }
    }
  });
});

/** A 24-bit bottom-up BMP. */
function makeBmp(w: number, h: number): Uint8Array {
  const row = (w * 3 + 3) & ~3;
  const b = new Uint8Array(54 + row * h);
  const v = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  v.setUint32(2, b.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, w, true);
  v.setInt32(22, h, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  for (let i = 54; i < b.length; i++) b[i] = i & 255;
  return b;
}

describe('training checkpoints', () => {
  const good: Checkpoint = {
    format: 'tinyconv-checkpoint', version: 1, recipe: { model: 'lenet5' }, epochsDone: 1, step: 10,
    history: [{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: 1, testAccuracy: 0.5, seconds: 1, learningRate: 0.001 }],
    normalization: { pixelScale: 1 / 255, mean: [0.5], std: [0.5] },
    params: Float32Array.from([1, 2, 3]), buffers: Float32Array.from([4]), optimizer: { step: 10, slots: [Float32Array.from([5, 6, 7])] },
  };
  const path = join(dir, 'm.ckpt.json');
  writeCheckpoint(path, good);
  const text = readFileSync(path, 'utf8');
  const edited = (edit: (o: Record<string, unknown>) => void) => { const o = JSON.parse(text); edit(o); writeFileSync(path, JSON.stringify(o)); return path; };

  it('round-trips', () => {
    writeFileSync(path, text);
    expect(Array.from(readCheckpoint(path).params)).toEqual([1, 2, 3]);
  });

  it('damaged fields are TRAIN_BAD_CHECKPOINT naming the field, not a TypeError or RangeError', () => {
    writeFileSync(path, 'null');
    expect(refusal(() => readCheckpoint(path))).toMatch(/^TRAIN_BAD_CHECKPOINT: .*not a tinyconv checkpoint/);
    expect(refusal(() => readCheckpoint(edited((o) => { o.params = 'abc'; })))).toMatch(/^TRAIN_BAD_CHECKPOINT: .*params is not base64 float32 data/);
    expect(refusal(() => readCheckpoint(edited((o) => { o.buffers = 7; })))).toMatch(/buffers is not base64 float32 data/);
    expect(refusal(() => readCheckpoint(edited((o) => { delete o.optimizer; })))).toMatch(/optimizer state is malformed/);
    expect(refusal(() => readCheckpoint(edited((o) => { (o.optimizer as { slots: unknown[] }).slots = [1]; })))).toMatch(/optimizer slot 0 is not base64/);
    expect(refusal(() => readCheckpoint(edited((o) => { o.history = []; })))).toMatch(/history does not list every epoch done/);
    expect(refusal(() => readCheckpoint(edited((o) => { o.epochsDone = 'x'; })))).toMatch(/epochsDone\/step are not integers/);
  });

  it('random corruption of a checkpoint: a TinyconvError or a consistent checkpoint', () => {
    let s = 3;
    const rand = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s % n; };
    const bytes = new TextEncoder().encode(text);
    for (let k = 0; k < 1500; k++) {
      const b = bytes.slice(0, rand(5) === 0 ? rand(bytes.length) : bytes.length);
      for (let f = rand(3); f >= 0; f--) if (b.length) b[rand(b.length)] = 32 + rand(95);
      writeFileSync(path, b);
      try {
        const c = readCheckpoint(path);
        expect(c.history.length).toBe(c.epochsDone);
        expect(c.params).toBeInstanceOf(Float32Array);
      } catch (e) {
        if (!isTinyconvError(e)) throw new Error(`case ${k}: ${String(e)}`);
      }
    }
  });
});
