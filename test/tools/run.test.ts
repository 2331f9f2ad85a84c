// `tinyconv run`: raw int8, PGM and BMP inputs, the printed table and --json, and bad inputs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/verbs/run.js';
import { writeModel } from '../../src/format/writer.js';
import { loadModel } from '../../src/runtime/index.js';
import { buildMultiOpModel } from '../runtime/fixtures/multi-op-model.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyconv-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string): string => { writeFileSync(join(dir, name), bytes); return join(dir, name); };

const gray = writeModel(buildMultiOpModel(4, 1)); // input [8, 8, 1]
const modelPath = file('gray.tcm', gray);
const pixels = Uint8Array.from({ length: 64 }, (_, i) => (i * 29) & 255);

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { printed.push(a.join(' ')); });
});
afterEach(() => vi.restoreAllMocks());

function expected(input: (m: ReturnType<typeof loadModel>) => void): { int8: number[]; float: number[] } {
  const m = loadModel(gray);
  input(m);
  m.run();
  return { int8: Array.from(m.output), float: Array.from(m.readOutput()) };
}

describe('tinyconv run', () => {
  it('runs a PGM through the model preprocessing and prints --json on one line', async () => {
    const pgm = file('in.pgm', new Uint8Array([...Buffer.from('P5\n8 8\n255\n'), ...pixels]));
    await main([modelPath, '--input', pgm, '--json']);
    expect(printed).toHaveLength(1);
    expect(JSON.parse(printed[0])).toEqual(expected((m) => m.setInput(pixels)));
  });

  it('reads raw int8 bytes of exactly the input size', async () => {
    const raw = Int8Array.from({ length: 64 }, (_, i) => i - 32);
    await main([modelPath, '--input', file('in.raw', new Uint8Array(raw.buffer)), '--json']);
    expect(JSON.parse(printed[0])).toEqual(expected((m) => m.input.set(raw)));
  });

  it('prints a table with labels and the top class', async () => {
    await main([modelPath, '--input', file('in2.pgm', new Uint8Array([...Buffer.from('P5 8 8 255 '), ...pixels]))]);
    const want = expected((m) => m.setInput(pixels));
    const top = want.float.indexOf(Math.max(...want.float));
    const text = printed.join('\n');
    expect(text).toMatch(/^model .*gray\.tcm \(multi-op seed 4\): input \[8,8,1\], output \[10\] scale 0\.00390625 zero point -128/);
    expect(text).toContain(`${want.int8[3]}`.padStart(5) + '  ' + want.float[3].toPrecision(6));
    expect(text).toContain(' three');
    expect(text).toMatch(new RegExp(`top: ${top} \\(${['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][top]}\\)`));
  });

  it('refuses inputs of the wrong size or kind, naming the file', async () => {
    await expect(main([modelPath, '--input', file('short.raw', new Uint8Array(10))])).rejects.toThrow(/short\.raw: 10 bytes, but a raw input must hold exactly 64/);
    await expect(main([modelPath, '--input', file('big.pgm', new Uint8Array([...Buffer.from('P5 9 8 255 '), ...new Uint8Array(72)]))]))
      .rejects.toThrow(/big\.pgm: image is 9x8, the model input \[8,8,1\] needs 8x8/);
    await expect(main([file('bad.tcm', new Uint8Array(64)), '--input', file('x.raw', new Uint8Array(64))])).rejects.toThrow(/bad\.tcm: not a \.tcm file/);
    await expect(main([modelPath])).rejects.toThrow(/--input <file> is required/);
  });
});
