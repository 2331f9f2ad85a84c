// The same int8 models give the same bytes on every engine: Node running the TypeScript source,
// Node running the minified ESM bundle and the ES5 bundle, Duktape (`duk`, ES5, no TypedArray fill/slice) and QuickJS
// (quickjs-emscripten). Each engine runs a small ES5 driver that loads a seeded multi-op model
// (every opcode: conv, grouped/pointwise conv, depthwise, pools, add, mul, concat, pad, LUT,
// requantize, reshape, dense, softmax), feeds raw pixels through setInput, and prints the output
// bytes plus a hash of every op's output tensor (taken with the per-op hook); then it checks that a
// bad file is refused with a TinyconvError (instanceof, name and code) on that engine.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getQuickJS } from 'quickjs-emscripten';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeModel } from '../../src/format/writer.js';
import { loadModel } from '../../src/runtime/index.js';
import { ES5_BUNDLE, FAST_ES5_BUNDLE, FAST_MIN_BUNDLE, MIN_BUNDLE, ensureBundles } from './fixtures/bundles.js';
import { buildMultiOpModel, rng } from './fixtures/multi-op-model.js';

const SEEDS = [1, 2, 3];

interface Case { model: Uint8Array; pixels: Uint8Array }

function cases(): Case[] {
  return SEEDS.map((seed) => {
    const spec = buildMultiOpModel(seed);
    const rand = rng(seed + 100);
    const n = spec.tensors[spec.input].shape.reduce((a, b) => a * b, 1);
    return { model: writeModel(spec), pixels: Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)) };
  });
}

/** ES5 driver: defines run(modelBytes, pixels) -> "out0,out1,...;hash" using the global tinyconv. */
const DRIVER = `
function runCase(modelBytes, pixels) {
  var model = tinyconv.loadModel(new Uint8Array(modelBytes));
  model.setInput(new Uint8Array(pixels));
  var hash = 0;
  model.run(function (i, t) {
    for (var k = 0; k < t.data.length; k++) hash = (hash * 31 + t.data[k] + i) | 0;
  });
  var out = [];
  for (var k = 0; k < model.output.length; k++) out.push(model.output[k]);
  return out.join(',') + ';' + hash;
}

function badFile() {
  try { tinyconv.loadModel(new Uint8Array(64)); } catch (e) {
    return (e instanceof tinyconv.TinyconvError) + ' ' + (e instanceof Error) + ' ' + e.name + ' ' + e.code + ': ' + e.message;
  }
  return 'no error';
}
`;

/** The driver's result: one line per case, then how a bad file is refused. */
function driverCalls(all: Case[]): string {
  const calls = all.map((c) => `runCase([${Array.from(c.model)}], [${Array.from(c.pixels)}])`);
  return `[${calls.join(',\n')}, badFile()].join('\\n')`;
}

/** Node, TypeScript source: the reference. */
function runSource(c: Case): string {
  const model = loadModel(c.model);
  model.setInput(c.pixels);
  let hash = 0;
  model.run((i, t) => { for (let k = 0; k < t.data.length; k++) hash = (hash * 31 + t.data[k] + i) | 0; });
  return `${Array.from(model.output).join(',')};${hash}`;
}

// The plain runtime (generic kernels) and the fast one (planned fast kernels) on every engine.
for (const [name, es5Bundle, minBundle] of [['plain', ES5_BUNDLE, MIN_BUNDLE], ['fast', FAST_ES5_BUNDLE, FAST_MIN_BUNDLE]]) describe(`engines agree byte for byte (${name} runtime)`, () => {
  let bundle = '';
  let all: Case[] = [];
  let expected = '';
  beforeAll(async () => {
    await ensureBundles();
    bundle = readFileSync(es5Bundle, 'utf8');
    all = cases();
    expected = [...all.map(runSource), 'true true TinyconvError BAD_MAGIC: not a .tcm file'].join('\n');
  });

  it('the reference outputs are not degenerate', () => {
    for (const line of expected.split('\n').slice(0, SEEDS.length)) {
      const out = line.split(';')[0].split(',').map(Number);
      expect(out.length).toBe(10);
      expect(new Set(out).size, `softmax output ${out} should not be constant`).toBeGreaterThan(2);
    }
  });

  it('Node running the minified ESM bundle', async () => {
    const min = await import(pathToFileURL(minBundle).href) as typeof import('../../src/runtime/index.js');
    const lines = all.map((c) => {
      const model = min.loadModel(c.model);
      model.setInput(c.pixels);
      let hash = 0;
      model.run((i, t) => { for (let k = 0; k < t.data.length; k++) hash = (hash * 31 + t.data[k] + i) | 0; });
      return `${Array.from(model.output).join(',')};${hash}`;
    });
    expect(lines.join('\n')).toBe(expected.split('\n').slice(0, SEEDS.length).join('\n'));
  });

  it('Node running the ES5 bundle', () => {
    const result = new Function(`${bundle}\n${DRIVER}\nreturn ${driverCalls(all)};`)() as string;
    expect(result).toBe(expected);
  });

  const duk = ['/usr/bin/duk', '/usr/local/bin/duk'].find((p) => existsSync(p));
  if (!duk) console.log('skip: Duktape engine test, `duk` is absent (Debian package duktape)');
  it.skipIf(!duk)('Duktape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyconv-duk-'));
    try {
      const file = join(dir, 'driver.js');
      writeFileSync(file, `${bundle}\n${DRIVER}\nprint(${driverCalls(all)});\n`);
      const out = execFileSync(duk!, [file], { encoding: 'utf8', timeout: 120_000 });
      expect(out.trim()).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('QuickJS (quickjs-emscripten)', async () => {
    const QuickJS = await getQuickJS();
    const vm = QuickJS.newContext();
    try {
      const handle = vm.unwrapResult(vm.evalCode(`${bundle}\n${DRIVER}\n${driverCalls(all)}`, 'driver.js'));
      const out = vm.getString(handle);
      handle.dispose();
      expect(out).toBe(expected);
    } finally {
      vm.dispose();
    }
  });
});
