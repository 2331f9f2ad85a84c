// Every verb of the real CLI (spawned as a child process) meets bad input the same way: a missing
// file, a directory where a file is expected, a file in the wrong format, or an unknown flag prints
// exactly one line to stderr, `tinyconv: <what is wrong>`, and exits with code 2; no stack trace
// unless --debug is given (then the stack follows, exit code still 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCli } from './build.js';
import { writeModel } from '../../src/format/writer.js';
import { buildMultiOpModel } from '../runtime/fixtures/multi-op-model.js';
import { TENSOR_WORDS } from '../../src/format/layout.js';
import { setI32 } from '../fuzz/mutate.js';
import { tcmLayout } from '../fuzz/tcm-mutate.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyconv-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => { writeFileSync(join(dir, name), content); return join(dir, name); };
const missing = join(dir, 'no-such-file');
const folder = join(dir, 'a-folder.tcm');
mkdirSync(folder);
const folderJson = join(dir, 'b-folder.json');
mkdirSync(folderJson);
const folderOnnx = join(dir, 'c-folder.onnx');
mkdirSync(folderOnnx);
const garbage = new TextEncoder().encode('this is not a model, just some text that is long enough to have a header\n'.repeat(4));
const notTcm = file('model.tcm', garbage);
const notJson = file('model.json', garbage);
const notOnnx = file('model.onnx', garbage);
const notTflite = file('model.tflite', garbage);
const image = file('in.pgm', new Uint8Array([...new TextEncoder().encode('P5 2 2 255 '), 1, 2, 3, 4]));

let cli = '';
beforeAll(async () => { cli = await ensureCli(); }, 120_000);

function tinyconv(args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** One line on stderr naming the problem, exit code 2, no stack. */
function expectOneLine(args: string[], message: RegExp): void {
  const r = tinyconv(args);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, `tinyconv ${args.join(' ')}\nstderr:\n${r.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^tinyconv: /);
  expect(lines[0]).toMatch(message);
  expect(r.code, `tinyconv ${args.join(' ')}: ${r.stderr}`).toBe(2);
}

// Per verb: arguments that reach the file with everything else valid; `m` is the model path slot.
const VERBS: Record<string, { args: (m: string) => string[]; folder: string; wrong: string; wrongMessage: RegExp }> = {
  run: { args: (m) => [m, '--input', image], folder, wrong: notTcm, wrongMessage: /BAD_MAGIC|not a \.tcm/ },
  inspect: { args: (m) => [m], folder, wrong: notTcm, wrongMessage: /not a \.tcm/ },
  export: { args: (m) => [m, '--target', 'esm', '--out', join(dir, 'out.mjs')], folder, wrong: notTcm, wrongMessage: /not a \.tcm/ },
  import: { args: (m) => [m, '--out', join(dir, 'out.json')], folder: folderOnnx, wrong: notOnnx, wrongMessage: /protobuf|ONNX|onnx/i },
  quantize: { args: (m) => [m, '--calib', 'fashion-mnist-subset', '--out', join(dir, 'out.tcm')], folder: folderJson, wrong: notJson, wrongMessage: /JSON|json|float model/ },
  report: { args: (m) => ['--float', m, '--int8', notTcm, '--data', 'fashion-mnist-subset', '--out', join(dir, 'r.html')], folder: folderJson, wrong: notJson, wrongMessage: /JSON|json|float model/ },
  train: { args: (m) => ['--model', 'lenet5', '--data', m, '--epochs', '1', '--out', join(dir, 't.json')], folder: join(dir, 'empty-data'), wrong: notTcm, wrongMessage: /dataset|IDX|data/i },
};
mkdirSync(join(dir, 'empty-data'));

describe('CLI errors: one line on stderr, exit code 2', () => {
  for (const [verb, v] of Object.entries(VERBS)) {
    describe(verb, () => {
      it('unknown flag', () => expectOneLine([verb, ...v.args(v.wrong), '--no-such-flag'], /no-such-flag/));
      it('missing file', () => expectOneLine([verb, ...v.args(missing)], /no-such-file|no such file|not found/i));
      it('a directory where a file is expected', () => expectOneLine([verb, ...v.args(v.folder)], /folder|director|empty-data/i));
      it('a file in the wrong format', () => expectOneLine([verb, ...v.args(v.wrong)], v.wrongMessage));
    });
  }

  it('a .tflite that is not one', () => expectOneLine(['import', notTflite, '--out', join(dir, 'x.tcm')], /TFLite/));
  it('an unknown verb', () => expectOneLine(['frobnicate'], /unknown verb 'frobnicate'/));

  it('a model whose arena plan overlaps two live tensors (run, inspect)', () => {
    const spec = buildMultiOpModel(7);
    const bytes = writeModel(spec);
    // conv (op 1) would read and write the same bytes: its input's slot moved onto its output's
    const conv = spec.ops[1];
    const tensorRecord = tcmLayout(bytes).sections[0][0] + 4 * TENSOR_WORDS * conv.inputs[0];
    setI32(bytes, tensorRecord, spec.tensors[conv.outputs[0]].offset);
    const overlapping = file('overlap.tcm', bytes);
    expectOneLine(['run', overlapping, '--input', file('in.raw', new Uint8Array(spec.tensors[spec.input].shape.reduce((a, b) => a * b, 1)))],
      /overlap\.tcm: op \d+ at byte \d+: output tensor \d+ overlaps tensor \d+ at arena byte \d+/);
    expectOneLine(['inspect', overlapping], /overlap\.tcm: op \d+ at byte \d+: output tensor \d+ overlaps tensor/);
  });

  it('--debug adds the stack trace, the exit code stays 2', () => {
    const r = tinyconv(['inspect', notTcm, '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a \.tcm/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
