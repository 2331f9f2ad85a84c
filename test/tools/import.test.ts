// `tinyconv import`: .onnx -> float model json + bin (readable back, same outputs), .tflite -> .tcm,
// and usage errors.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/verbs/import.js';
import { readFloatModel } from '../../src/graph/io.js';
import { importOnnx } from '../../src/onnx/import.js';
import { executeFloat } from '../../src/graph/execute.js';
import { readModel } from '../../src/format/reader.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const LENET = join(HERE, '../fixtures/onnx/lenet5.onnx');
const PERSON = join(HERE, '../../../shared/fixtures/tflm/person_detect.tflite');

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { printed.push(a.join(' ')); });
});
afterEach(() => vi.restoreAllMocks());

describe('tinyconv import', () => {
  it('writes an ONNX model as json + bin with the given preprocessing and labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-import-'));
    const out = join(dir, 'lenet.json');
    await main([LENET, '--out', out, '--input-scale', '0.5', '--input-mean', '0.1', '--input-std', '0.3', '--labels', 'a,b,c,d,e,f,g,h,i,j']);
    expect(printed.join('\n')).toMatch(/lenet\.json \(\+ lenet\.bin\): 12 nodes, input \[28,28,1\] \(NHWC\), 61706 params, 416520 MACs/);
    const back = readFloatModel(out);
    expect(back.graph.preprocess).toEqual({ pixelScale: 0.5, mean: [0.1], std: [0.3] });
    expect(back.graph.labels).toHaveLength(10);
    expect(back.graph.name).toBe('lenet5');
    const direct = importOnnx(new Uint8Array(readFileSync(LENET)));
    const x = new Float32Array(784).map((_, i) => (i % 29) / 29);
    expect(Array.from(executeFloat(back, x))).toEqual(Array.from(executeFloat(direct, x)));
    expect(direct.graph.preprocess).toEqual({ pixelScale: 1 / 255, mean: [0], std: [1] });
  });
  if (!existsSync(PERSON)) console.log('skip: person_detect.tflite absent, tflite import verb test skipped');
  it.skipIf(!existsSync(PERSON))('writes an int8 TFLite model as a .tcm', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-import-'));
    const out = join(dir, 'person.tcm');
    await main([PERSON, '--out', out, '--labels', 'unused,person,not_person']);
    expect(printed.join('\n')).toMatch(/person\.tcm: 31 ops, \d+ tensors, \d+ bytes, arena \d+ bytes/);
    const spec = readModel(new Uint8Array(readFileSync(out)));
    expect(spec.labels).toEqual(['unused', 'person', 'not_person']);
  });
  it('refuses unknown extensions, mismatched --out and bad numbers', async () => {
    await expect(main(['model.pb'])).rejects.toThrow(/expected a \.onnx or \.tflite file/);
    await expect(main([LENET, '--out', 'x.tcm'])).rejects.toThrow(/--out for a \.onnx model must end in \.json/);
    await expect(main([LENET, '--out', join(tmpdir(), 'x.json'), '--input-mean', '0,abc'])).rejects.toThrow(/--input-mean expects numbers/);
    await expect(main([LENET, '--input-std', '0'])).rejects.toThrow(/must not contain 0/);
  });
});
