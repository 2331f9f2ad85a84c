// tinyconv export and inspect --target espruino: the generated code's syntax level per target, the
// embedded base64 decoder, classify()'s softmax/top-k/ties, refusals of bad models/targets/options,
// the CLI verbs' output, and the Espruino memory arithmetic.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'acorn';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { espruinoMemoryOf, estimateEspruinoMemory, ESPRUINO_BOARDS, exportModel, TARGETS } from '../../src/deploy/index.js';
import { CLASSIFY_SOURCE, modelLoaderSource } from '../../src/deploy/wrapper.js';
import { targetParts } from '../../src/deploy/targets.js';
import { planArena } from '../../src/format/plan.js';
import { writeModel } from '../../src/format/writer.js';
import { loadModel } from '../../src/runtime/index.js';
import { main as exportVerb } from '../../tools/verbs/export.js';
import { main as inspectVerb } from '../../tools/verbs/inspect.js';
import { ensureBundles } from '../runtime/fixtures/bundles.js';
import { buildMultiOpModel, rng } from '../runtime/fixtures/multi-op-model.js';

/** Evaluates a browser export and returns its API object. */
function evalBrowser(source: string): { classify(p: Uint8Array, k?: number): { index: number; label: string; probability: number }[]; model: { output: Int8Array; readOutput(): Float32Array } } {
  const root: Record<string, unknown> = {};
  new Function('self', source)(root);
  return root.tinyconvModel as never;
}

/** The multi-op model without its final softmax: classify() must apply one itself. */
function withoutSoftmax(): Uint8Array {
  const spec = buildMultiOpModel(4);
  const last = spec.ops.pop()!;
  spec.output = last.inputs[0];
  spec.tensors[last.outputs[0]].shape = [1]; // the orphaned tensor shrinks to nothing worth planning
  planArena(spec);
  return writeModel(spec);
}

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { printed.push(a.join(' ')); });
});
afterEach(() => vi.restoreAllMocks());

describe('exportModel', () => {
  const tcm = writeModel(buildMultiOpModel(1));
  beforeAll(() => ensureBundles(), 60_000);

  it('writes ES5 for browser, node and espruino, and a valid module for esm', () => {
    for (const target of TARGETS) {
      const r = exportModel(tcm, { target });
      expect(r.bytes).toBe(r.runtimeBytes + r.base64Bytes + r.wrapperBytes);
      expect(r.base64Bytes).toBe(Math.ceil(tcm.length / 3) * 4);
      if (target === 'esm') expect(() => parse(r.source, { ecmaVersion: 2017, sourceType: 'module' })).not.toThrow();
      else expect(() => parse(r.source, { ecmaVersion: 5 }), target).not.toThrow();
    }
  });

  it('the wrapper avoids the APIs Duktape and Espruino lack', () => {
    const wrapper = [modelLoaderSource('', true), CLASSIFY_SOURCE, targetParts('espruino', 'x').epilogue, targetParts('browser', 'x').epilogue].join('\n');
    expect(wrapper).not.toMatch(/\.(fill|slice|includes|find|findIndex|padStart|padEnd|repeat)\(|\b(Map|Set|Symbol|Array\.from|Math\.(imul|trunc|fround))\b|=>|`/);
  });

  it('decodes every byte value and every padding length', () => {
    const decode = new Function(`${modelLoaderSource('', false)}\nreturn decodeBase64;`)() as (s: string) => Uint8Array;
    const rand = rng(9);
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n * 7 + (n % 3) }, (_, i) => (i < 256 ? i : Math.floor(rand() * 256)));
      expect(Array.from(decode(Buffer.from(bytes).toString('base64')))).toEqual(Array.from(bytes));
    }
  });

  it('classify() gives the runtime\'s probabilities, most probable first, ties to the lower index', () => {
    const api = evalBrowser(exportModel(tcm, { target: 'browser' }).source);
    const pixels = Uint8Array.from({ length: 8 * 8 * 2 }, (_, i) => (i * 37) & 255);
    const top = api.classify(pixels, 10);
    const model = loadModel(tcm);
    model.setInput(pixels);
    model.run();
    const p = model.readOutput();
    expect(Array.from(api.model.output)).toEqual(Array.from(model.output));
    expect(top.map((t) => t.probability)).toEqual(Array.from(p).sort((a, b) => b - a));
    for (let i = 1; i < top.length; i++) {
      if (top[i].probability === top[i - 1].probability) expect(top[i].index).toBeGreaterThan(top[i - 1].index);
    }
    expect(top[0].label).toBe(model.labels[top[0].index]);
    expect(api.classify(pixels)).toHaveLength(3);
  });

  it('classify() applies a softmax when the model ends without one', () => {
    const bytes = withoutSoftmax();
    const api = evalBrowser(exportModel(bytes, { target: 'browser' }).source);
    const top = api.classify(Uint8Array.from({ length: 128 }, (_, i) => (i * 11) & 255), 10);
    const sum = top.reduce((s, t) => s + t.probability, 0);
    expect(sum).toBeCloseTo(1, 5);
    const logits = api.model.readOutput();
    expect(top[0].index).toBe(Array.from(logits).indexOf(Math.max(...logits)));
  });

  it('refuses a corrupt model, an unknown target and a bad global name', () => {
    const bad = tcm.slice();
    bad[0] = 0;
    expect(() => exportModel(bad, { target: 'esm' })).toThrow(/not a \.tcm file/);
    expect(() => exportModel(tcm, { target: 'wasm' as never })).toThrow(/unknown target 'wasm'/);
    expect(() => exportModel(tcm, { target: 'browser', globalName: 'my-model' })).toThrow(/not a JavaScript identifier/);
    expect(() => exportModel(tcm, { target: 'esm', runtime: 'turbo' as never })).toThrow(/unknown runtime 'turbo'/);
  });
});

describe('tinyconv export / inspect --target espruino', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyconv-export-'));
  const model = join(dir, 'm.tcm');
  writeFileSync(model, writeModel(buildMultiOpModel(2)));
  beforeAll(() => ensureBundles(), 60_000);

  it('export writes the file and says its bytes and parts', async () => {
    const out = join(dir, 'sub', 'm.js');
    await exportVerb([model, '--target', 'browser', '--global', 'net', '--out', out]);
    const source = readFileSync(out, 'utf8');
    const r = exportModel(readFileSync(model), { target: 'browser', globalName: 'net' });
    expect(source).toBe(r.source);
    expect(printed[0]).toBe(`wrote ${out}: ${source.length} bytes (browser) = plain runtime ${r.runtimeBytes} + model ${r.modelBytes} bytes as ${r.base64Bytes} base64 + wrapper ${r.wrapperBytes}`);
    expect(source).toContain('root["net"] =');
  });

  it('export refuses bad usage with a message naming the problem', async () => {
    await expect(exportVerb([model, '--target', 'wasm', '--out', 'x.js'])).rejects.toThrow(/--target must be one of esm, browser, espruino, node, got 'wasm'/);
    await expect(exportVerb([model, '--target', 'esm'])).rejects.toThrow(/--out <file> is required/);
    await expect(exportVerb([join(dir, 'none.tcm'), '--out', 'x.js'])).rejects.toThrow(/cannot read '.*none\.tcm': no such file/);
    const junk = join(dir, 'junk.tcm');
    writeFileSync(junk, 'not a model at all, just text. '.repeat(10));
    await expect(exportVerb([junk, '--out', join(dir, 'j.js')])).rejects.toThrow(new RegExp(`${junk}: not a \\.tcm file`));
  });

  it('inspect --target espruino prints the parts and a verdict per board', async () => {
    await inspectVerb([model, '--target', 'espruino']);
    const text = printed.join('\n');
    const m = espruinoMemoryOf(readFileSync(model));
    expect(text).toContain(`model (one flat buffer)      ${String(m.modelBytes).padStart(7)} bytes`);
    expect(text).toContain(`arena (one flat buffer)      ${String(m.arenaBytes).padStart(7)} bytes`);
    expect(text).toMatch(/Puck\.js class +budget 25\.4 KB .* -> (fits|does NOT fit)/);
    expect(text).toMatch(/Bangle\.js 2 class +budget 164\.1 KB .* -> fits/); // a few-KB model fits a watch
    printed = [];
    await inspectVerb([model, '--target', 'espruino', '--json']);
    expect(JSON.parse(printed.join('\n')).arenaBytes).toBe(m.arenaBytes);
    await expect(inspectVerb([model, '--target', 'arduino'])).rejects.toThrow(/only 'espruino' is known/);
    const floatJson = join(dir, 'f.json');
    writeFileSync(floatJson, '{}');
    await expect(inspectVerb([floatJson, '--target', 'espruino'])).rejects.toThrow(/needs an int8 model/);
  });

  it('the estimate adds up: flat buffers + source + priced objects, peak adds the base64 text', () => {
    const tcm = readFileSync(model);
    const m = estimateEspruinoMemory(tcm, 20_000, 4_000);
    expect(m.runtimeSourceBytes).toBe(16_000);
    for (const f of m.fits) {
      expect(f.steadyBytes).toBe(m.modelBytes + m.arenaBytes + m.tableBytes + m.runtimeSourceBytes + m.objectVars * f.board.bytesPerVar);
      expect(f.peakBytes).toBe(f.steadyBytes + 4_000);
      expect(f.budgetBytes).toBe(f.board.vars * f.board.bytesPerVar);
    }
    expect(ESPRUINO_BOARDS.map((b) => b.vars)).toEqual([2000, 12000]);
    // A runtime that alone exceeds the Puck.js budget cannot fit there, whatever the model.
    expect(estimateEspruinoMemory(tcm, 40_000, 100).fits[0].fits).toBe(false);
  });
});
