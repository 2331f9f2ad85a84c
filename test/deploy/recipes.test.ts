// Every recipe in docs/deploy.md, run as written: the code blocks marked `recipe=<file>` are
// extracted, written next to the exported model files and the sample image they name, and run
// (the page in headless Chromium, the worker's fetch handler with Node 20's Request, the Node
// command line and require(), QuickJS through quickjs-emscripten, Espruino under Duktape and Node
// with a stand-in E/atob/print). Each must print the classes the TypeScript runtime computes.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'acorn';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main as exportVerb } from '../../tools/verbs/export.js';
import { exportModel, hasRuntimeBundle } from '../../src/deploy/index.js';
import { loadModel } from '../../src/runtime/index.js';
import { ensureBundles } from '../runtime/fixtures/bundles.js';
import { CHROMIUM, HAS_CHROMIUM, launchChromium, serveDirectory } from './fixtures/browser.js';
import { ROOT, deployModel, scratchDir, testSet } from './fixtures/models.js';
import type { ExampleModel } from '../../tools/example-models.js';

const run = promisify(execFile);
const DUK = ['/usr/bin/duk', '/usr/local/bin/duk'].find((p) => existsSync(p));
if (!DUK) console.log('skip: Espruino recipe under Duktape, `duk` is absent (Debian package duktape)');
if (!HAS_CHROMIUM) console.log(`skip: page recipe, ${CHROMIUM} is absent (Debian package chromium)`);

/** docs/deploy.md's code blocks whose info string says recipe=<file>, by file name. */
export function recipes(markdown: string): Record<string, string> {
  const found: Record<string, string> = {};
  const re = /^```\w+ recipe=(\S+)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) found[m[1]] = m[2];
  return found;
}

/** "label 12.3%" lines for the top 3, computed by the TypeScript runtime (same ties and rounding). */
function expectedTop(tcm: Uint8Array, pixels: Uint8Array): string {
  const model = loadModel(tcm);
  model.setInput(pixels);
  model.run();
  const p = model.readOutput();
  const picked: number[] = [];
  for (let r = 0; r < 3; r++) {
    let best = -1;
    for (let i = 0; i < p.length; i++) if (!picked.includes(i) && (best < 0 || p[i] > p[best])) best = i;
    picked.push(best);
  }
  return picked.map((i) => `${model.labels[i]} ${(100 * p[i]).toFixed(1)}%`).join('\n');
}

/** Stand-ins for Espruino's E and atob, in ES5 (Duktape has no atob); print comes per engine. */
const FAKE_ESPRUINO = `
var espruinoCalls = { toArrayBuffer: 0, atob: 0, convolve: 0 }, printed = [];
var E = {
  toArrayBuffer: function (s) {
    espruinoCalls.toArrayBuffer++;
    var bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes.buffer;
  },
  // Espruino's documented semantics: v = 0; for (i in a) v += a[i] * b[(i + offset) % b.length].
  convolve: function (a, b, offset) {
    espruinoCalls.convolve++;
    var v = 0;
    for (var i = 0; i < a.length; i++) v += a[i] * b[(i + offset) % b.length];
    return v;
  }
};
function atob(s) {
  espruinoCalls.atob++;
  var a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', out = '', acc = 0, bits = 0;
  for (var i = 0; i < s.length && s.charAt(i) !== '='; i++) {
    acc = (acc << 6) | a.indexOf(s.charAt(i)); bits += 6;
    if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); acc &= (1 << bits) - 1; }
  }
  return out;
}
`;

describe('docs/deploy.md recipes', () => {
  const docs = recipes(readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8'));
  const test = testSet();
  const shirtIndex = Array.from(test.labels).indexOf(6);
  const shirt = test.images.slice(shirtIndex * 784, (shirtIndex + 1) * 784);
  let model: ExampleModel;
  let expected = '';
  let logged: string[] = [];
  let DIR = '';

  beforeAll(async () => {
    await ensureBundles();
    DIR = scratchDir('recipes');
    model = await deployModel('mobilenet-0.5');
    expected = expectedTop(model.tcm, shirt);
    writeFileSync(join(DIR, 'model.tcm'), model.tcm);
    writeFileSync(join(DIR, 'shirt.raw'), shirt);
    writeFileSync(join(DIR, 'shirt.pgm'), Buffer.concat([Buffer.from('P5\n# a Fashion-MNIST shirt\n28 28\n255\n'), shirt]));
    for (const [file, text] of Object.entries(docs)) writeFileSync(join(DIR, file), text);
    // The browser and esm files the recipes load (the node and espruino ones come from their own recipes).
    for (const [target, out] of [['browser', 'model.js'], ['esm', 'model.mjs']]) {
      await exportVerb([join(DIR, 'model.tcm'), '--target', target, '--out', join(DIR, out)]);
    }
  }, 180_000);
  beforeEach(() => {
    logged = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { logged.push(a.join(' ')); });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => { if (DIR) rmSync(DIR, { recursive: true, force: true }); });

  /** Runs a recipe's shell lines: `tinyconv <verb>` in process (paths relative to DIR), `node` as a child. */
  async function shell(file: string): Promise<string[]> {
    const out: string[] = [];
    for (const line of docs[file].split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
      const [cmd, ...args] = line.split(/\s+/);
      if (cmd === 'tinyconv' && args[0] === 'export') {
        await exportVerb(args.slice(1).map((a) => (a.startsWith('-') || !a.includes('.') ? a : join(DIR, a))));
      } else if (cmd === 'node') {
        out.push((await run(process.execPath, args, { cwd: DIR })).stdout);
      } else {
        throw new Error(`${file}: the test does not know how to run '${line}'`);
      }
    }
    return out;
  }

  it('has every recipe the page promises', () => {
    expect(Object.keys(docs).sort()).toEqual(['classify.cjs', 'espruino-repl.js', 'espruino.sh', 'node.sh', 'page.html', 'quickjs.mjs', 'worker.mjs']);
    expect(expected.split('\n')).toHaveLength(3);
  });

  it.skipIf(!HAS_CHROMIUM)('page: the browser export in a <script> tag', async () => {
    const server = await serveDirectory(DIR);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}page.html`);
      await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'classifying...', null, { timeout: 10_000 });
      expect(await page.textContent('#out')).toBe(expected);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);

  it('worker: the esm export\'s fetch handler behind a router, with Node\'s Request', async () => {
    const worker = (await import(pathToFileURL(join(DIR, 'worker.mjs')).href)).default as { fetch(r: Request): Promise<Response> };
    const post = await worker.fetch(new Request('https://tinyconv.example/classify', { method: 'POST', body: shirt }));
    expect(post.status).toBe(200);
    const body = (await post.json()) as { top: { label: string; probability: number }[]; ms: number };
    expect(body.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join('\n')).toBe(expected);
    expect(typeof body.ms).toBe('number');
    const info = (await (await worker.fetch(new Request('https://tinyconv.example/classify'))).json()) as { inputShape: number[]; labels: string[] };
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect(info.labels).toEqual(test.classes);
    const bad = await worker.fetch(new Request('https://tinyconv.example/classify', { method: 'POST', body: new Uint8Array(10) }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/784 raw pixel bytes/);
    expect((await worker.fetch(new Request('https://tinyconv.example/'))).status).toBe(404);
  });

  it('node: export --target node, run it on a PGM, and require() it', async () => {
    const [cli] = await shell('node.sh');
    expect(logged.join('\n')).toMatch(/^wrote .*model\.cjs: \d+ bytes \(node\) = plain runtime \d+ \+ model \d+ bytes as \d+ base64 \+ wrapper \d+$/);
    expect(cli.trim()).toBe(`shirt.pgm:\n${expected}`);
    const { stdout } = await run(process.execPath, ['classify.cjs', 'shirt.raw'], { cwd: DIR });
    expect(stdout.trim()).toBe(expected);
    // A wrong-sized file is refused with the sizes, not misread.
    await expect(run(process.execPath, ['model.cjs', 'model.tcm'], { cwd: DIR })).rejects.toThrow(/expected a PGM image or 784 raw pixel bytes/);
  }, 30_000);

  it('QuickJS: the browser export evaluated by quickjs-emscripten', async () => {
    const { stdout } = await run(process.execPath, ['quickjs.mjs'], { cwd: DIR });
    expect(stdout.trim()).toBe(expected);
  }, 30_000);

  describe('Espruino: the espruino export with a stand-in E, atob and print', () => {
    let source = '';
    let zeros = '';
    beforeAll(async () => {
      zeros = expectedTop(model.tcm, new Uint8Array(784));
      await shell('espruino.sh');
      source = readFileSync(join(DIR, 'model.espruino.js'), 'utf8');
    });

    it('is ES5 (acorn, ecmaVersion 5) and ASCII', () => {
      expect(() => parse(source, { ecmaVersion: 5 })).not.toThrow();
      expect(/[^\x00-\x7f]/.test(source)).toBe(false);
    });

    it('under Node: decodes through E.toArrayBuffer(atob(...)) and prints the classes', () => {
      const result = new Function(`${FAKE_ESPRUINO}\nfunction print(s) { printed.push(String(s)); }\n${source}\n${docs['espruino-repl.js']}\nreturn { calls: espruinoCalls, printed: printed };`)() as
        { calls: { toArrayBuffer: number; atob: number; convolve: number }; printed: string[] };
      expect(result.calls).toEqual({ toArrayBuffer: 1, atob: 1, convolve: 0 }); // the plain runtime has no dot hook
      expect(result.printed[0]).toMatch(/^tinyconv: .* loaded, model 16\d{3} bytes, arena \d+ bytes$/);
      expect(result.printed[1]).toBe(zeros);
    });

    const hasFast = hasRuntimeBundle('fast');
    if (!hasFast) console.log('skip: Espruino export with --runtime fast, dist/tinyconv-fast.es5.js is not built');
    it.skipIf(!hasFast)('with --runtime fast: dot products go to E.convolve, same bytes as the plain runtime', () => {
      const fast = exportModel(model.tcm, { target: 'espruino', runtime: 'fast' }).source;
      const result = new Function(`${FAKE_ESPRUINO}\nfunction print(s) { printed.push(String(s)); }\n${fast}\n` +
        `var out = []; for (var k = 0; k < 4; k++) { var px = new Uint8Array(784); for (var i = 0; i < 784; i++) px[i] = (i * (k + 3)) & 255;\n` +
        `run(px); out.push(Array.prototype.join.call(model.output, ',')); }\nreturn { calls: espruinoCalls, out: out };`)() as
        { calls: { convolve: number }; out: string[] };
      expect(result.calls.convolve).toBeGreaterThan(0);
      const plain = loadModel(model.tcm);
      result.out.forEach((line, k) => {
        plain.setInput(Uint8Array.from({ length: 784 }, (_, i) => (i * (k + 3)) & 255));
        plain.run();
        expect(line, `image ${k}`).toBe(Array.from(plain.output).join(','));
      });
    });

    it('without E and atob: falls back to the ES5 decoder', () => {
      const printed: string[] = [];
      new Function('print', `${source}\n${docs['espruino-repl.js']}`)((s: string) => printed.push(s));
      expect(printed[1]).toBe(zeros);
    });

    it.skipIf(!DUK)('under Duktape (ES5 engine)', async () => {
      // Keep Duktape's print for the verdict; the export prints through the stand-in.
      const file = join(DIR, 'espruino-duk.js');
      writeFileSync(file, `var dukPrint = print;\n${FAKE_ESPRUINO}\nprint = function (s) { printed.push(String(s)); };\n` +
        `${source}\n${docs['espruino-repl.js']}\ndukPrint(JSON.stringify({ calls: espruinoCalls, printed: printed }));\n`);
      const { stdout } = await run(DUK!, [file], { cwd: DIR, timeout: 60_000 });
      const result = JSON.parse(stdout) as { calls: { toArrayBuffer: number; convolve: number }; printed: string[] };
      expect(result.calls.toArrayBuffer).toBe(1);
      expect(result.calls.convolve).toBe(0);
      expect(result.printed[1]).toBe(zeros);
    }, 60_000);
  });
});
