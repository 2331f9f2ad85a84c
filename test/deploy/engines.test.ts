// The engine matrix: the exported LeNet-5 and MobileNetV1-tiny int8 files classify the same 100
// Fashion-MNIST test images (embedded subset) on Node (the ESM export), QuickJS
// (quickjs-emscripten), Duktape (`duk`) and headless Chromium (the browser export), and every
// engine's int8 output bytes, and a hash of every op's output, equal the TypeScript runtime's.
// Per-engine ms per inference is printed, not asserted (it includes the per-op hash, a few % of the
// work). Node and Chromium run first, alone; then Duktape runs as child processes while QuickJS runs
// in this one, to stay near a minute.
// LeNet-5 and the page's MobileNet (alpha 0.5) run by default; TINYCONV_MATRIX=all adds alpha 1.0
// (about 90 s more on this machine: Duktape and QuickJS take ~0.5 s per inference of it).
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getQuickJS } from 'quickjs-emscripten';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../src/deploy/index.js';
import { loadModel } from '../../src/runtime/index.js';
import type { ExampleModelId } from '../../tools/example-models.js';
import { ensureBundles } from '../runtime/fixtures/bundles.js';
import { CHROMIUM, HAS_CHROMIUM, launchChromium, type Browser } from './fixtures/browser.js';
import { deployModel, scratchDir, testSet } from './fixtures/models.js';

const COUNT = 100;
const MODELS: ExampleModelId[] = process.env.TINYCONV_MATRIX === 'all' ? ['lenet5', 'mobilenet-0.5', 'mobilenet-1.0'] : ['lenet5', 'mobilenet-0.5'];
const DUK = ['/usr/bin/duk', '/usr/local/bin/duk'].find((p) => existsSync(p));
if (!DUK) console.log('skip: Duktape column of the engine matrix, `duk` is absent (Debian package duktape)');
if (!HAS_CHROMIUM) console.log(`skip: Chromium column of the engine matrix, ${CHROMIUM} is absent (Debian package chromium)`);

/** ES5 driver over an export's API object: runs every image, returns "output bytes...;hash;ms". */
const DRIVER = `
function matrixRun(api, images, count) {
  var model = api.model, size = model.input.length, out = [], pixels = new Uint8Array(size), hash = 0;
  function hashOp(i, t) {
    for (var k = 0; k < t.data.length; k++) hash = (hash * 31 + t.data[k] + i) | 0;
  }
  var start = Date.now();
  for (var k = 0; k < count; k++) {
    for (var i = 0; i < size; i++) pixels[i] = images[k * size + i];
    model.setInput(pixels);
    model.run(hashOp);
    for (var j = 0; j < model.output.length; j++) out.push(model.output[j]);
  }
  return out.join(',') + ';' + hash + ';' + (Date.now() - start);
}
`;

/** The TypeScript runtime's "output bytes...;hash". */
function reference(tcm: Uint8Array, images: Uint8Array): string {
  const model = loadModel(tcm);
  const size = model.input.length;
  const out: number[] = [];
  let hash = 0;
  for (let k = 0; k < COUNT; k++) {
    model.setInput(images.subarray(k * size, (k + 1) * size));
    model.run((i, t) => { for (let j = 0; j < t.data.length; j++) hash = (hash * 31 + t.data[j] + i) | 0; });
    out.push(...model.output);
  }
  return `${out.join(',')};${hash}`;
}

const timings: string[] = [];

/** Notes the engine's time and returns its "output bytes...;hash" for comparison. */
function record(engine: string, id: string, result: string): string {
  const parts = result.split(';');
  timings.push(`${id.padEnd(14)} ${engine.padEnd(9)} ${(Number(parts[2]) / COUNT).toFixed(2).padStart(8)} ms/inference`);
  return `${parts[0]};${parts[1]}`;
}

function runDuktape(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(DUK!, [file], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err || !stdout.trim()) reject(new Error(`duk ${file}: ${err ? err.message : 'no output'}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

describe('engine matrix: exported models give identical output bytes', () => {
  const images = testSet().images.subarray(0, COUNT * 28 * 28);
  const imageLiteral = `[${Array.from(images).join(',')}]`;
  let browser: Browser;
  let dir = '';
  const prepared: Record<string, { expected: string; script: string; duktape?: Promise<string> }> = {};
  const expected = (id: string) => prepared[id].expected;
  beforeAll(async () => {
    await ensureBundles();
    dir = scratchDir('engines');
    for (const id of MODELS) {
      const model = await deployModel(id);
      writeFileSync(join(dir, `${id}.mjs`), exportModel(model.tcm, { target: 'esm' }).source);
      prepared[id] = { expected: reference(model.tcm, images), script: exportModel(model.tcm, { target: 'browser' }).source };
    }
    if (HAS_CHROMIUM) browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled(MODELS.map((m) => prepared[m]?.duktape));
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`ms per inference over ${COUNT} images (not asserted):\n${timings.join('\n')}`);
  });

  it.each(MODELS)('%s: the reference is a working classifier (outputs differ per image, better than chance)', (id) => {
    const bytes = expected(id).split(';')[0].split(',').map(Number);
    const classes = bytes.length / COUNT;
    const rows = new Set<string>();
    let correct = 0;
    for (let k = 0; k < COUNT; k++) {
      const row = bytes.slice(k * classes, (k + 1) * classes);
      rows.add(row.join(','));
      if (row.indexOf(Math.max(...row)) === testSet().labels[k]) correct++;
    }
    console.log(`${id}: ${correct}/${COUNT} test images right, ${rows.size} distinct outputs`);
    expect(rows.size).toBeGreaterThan(COUNT / 2);
    expect(correct).toBeGreaterThan(30);
  });

  it.each(MODELS)('%s: Node (ESM export)', async (id) => {
    const api = await import(pathToFileURL(join(dir, `${id}.mjs`)).href + `?${Date.now()}`);
    const run = new Function('api', 'images', `${DRIVER}\nreturn matrixRun(api, images, ${COUNT});`);
    expect(record('node', id, run(api, images) as string)).toBe(expected(id));
  });

  it.skipIf(!HAS_CHROMIUM).each(MODELS)('%s: headless Chromium', async (id) => {
    const page = await browser.newPage();
    try {
      await page.addScriptTag({ content: `${prepared[id].script}\n${DRIVER}` });
      const result = await page.evaluate(([imgs, n]: [number[], number]) =>
        (globalThis as unknown as { matrixRun(a: unknown, i: number[], n: number): string }).matrixRun(
          (globalThis as unknown as { tinyconvModel: unknown }).tinyconvModel, imgs, n), [Array.from(images), COUNT] as [number[], number]);
      expect(record('chromium', id, result)).toBe(expected(id));
    } finally {
      await page.close();
    }
  }, 60_000);

  it.each(MODELS)('%s: QuickJS (quickjs-emscripten)', async (id) => {
    if (DUK && MODELS.every((m) => !prepared[m].duktape)) {
      // Start every Duktape run now: they use the other core while QuickJS works in this process.
      for (const m of MODELS) {
        const file = join(dir, `${m}.duk.js`);
        writeFileSync(file, `${prepared[m].script}\n${DRIVER}\nprint(matrixRun(tinyconvModel, ${imageLiteral}, ${COUNT}));\n`);
        prepared[m].duktape = runDuktape(file);
        prepared[m].duktape!.catch(() => undefined); // reported by the Duktape test
      }
    }
    const vm = (await getQuickJS()).newContext();
    try {
      const code = `${prepared[id].script}\n${DRIVER}\nmatrixRun(tinyconvModel, ${imageLiteral}, ${COUNT})`;
      const handle = vm.unwrapResult(vm.evalCode(code, `${id}.js`));
      const result = vm.getString(handle);
      handle.dispose();
      expect(record('quickjs', id, result)).toBe(expected(id));
    } finally {
      vm.dispose();
    }
  }, 300_000);

  it.skipIf(!DUK).each(MODELS)('%s: Duktape', async (id) => {
    expect(prepared[id].duktape, 'started by the QuickJS test').toBeDefined();
    expect(record('duktape', id, await prepared[id].duktape!)).toBe(expected(id));
  }, 300_000);
});
