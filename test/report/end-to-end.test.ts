// A tiny float network and its int8 form through evaluate() and the `tinyconv report` verb: real
// numbers (known float accuracy), HTML + Markdown + JSON on disk, and the refusals.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../src/report/evaluate.js';
import { loadDataset } from '../../src/data/datasets.js';
import { readFloatModel } from '../../src/graph/io.js';
import { main as reportMain } from '../../tools/verbs/report.js';
import { tinyFloatModel, tinyImages, tinyInt8, writeTinyFixture } from './tiny-model.js';
import { checkWellFormed } from './xml-check.js';

const quiet = { log: () => {} };

describe('report end to end on a tiny model', () => {
  let dir: string;
  let fx: ReturnType<typeof writeTinyFixture>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tinyconv-report-'));
    fx = writeTinyFixture(dir);
  });

  it('evaluate: float accuracy is the planted 80%, int8 close, SQNR per matched layer, sizes', () => {
    const model = readFloatModel(fx.floatPath);
    const data = loadDataset(fx.dataDir, 'test', quiet);
    const r = evaluate(model, readFileSync(fx.int8Path), data, { progress: false, sqnrSamples: 4 });
    expect(r.accuracy.float).toMatchObject({ correct: 32, total: 40 });
    expect(r.accuracy.int8.total).toBe(40);
    expect(Math.abs(r.accuracy.int8.correct - 32)).toBeLessThanOrEqual(4);
    expect(r.flipped.total).toBe(40 - r.accuracy.agreement.correct);
    // The int8 runtime preprocesses pixels itself (setInput): a mismatch with the float path would
    // show here as many flips.
    expect(r.accuracy.agreement.value).toBeGreaterThanOrEqual(0.9);
    expect(r.confusion.float.flat().reduce((a, b) => a + b, 0)).toBe(40);
    expect(r.perClass.map((c) => c.label)).toEqual(['zero', 'one', 'two', 'three']);
    // conv1+bn1+relu1 fuse into one int8 op named relu1; conv2+relu6 into relu2.
    const names = r.sqnr.layers.map((l) => l.tensor);
    expect(names).toEqual(expect.arrayContaining(['relu1', 'pool1', 'relu2', 'fc']));
    for (const l of r.sqnr.layers) expect(l.db).toBeGreaterThan(10);
    expect(r.sqnr.layers.find((l) => l.tensor === 'relu1')).toMatchObject({ layer: 'conv1', op: 'conv2d+batchnorm+relu' });
    expect(r.sqnr.layers.find((l) => l.tensor === 'relu2')).toMatchObject({ layer: 'conv2', op: 'conv2d+relu6' });
    expect(r.size.modelBytes).toBe(readFileSync(fx.int8Path).length);
    expect(r.size.arenaBytes).toBeGreaterThan(0);
    expect(r.size.macs).toBe(8 * 8 * 4 * 9 + 4 * 4 * 6 * 36 + 4 * 96);
    // conv1 is followed by its batchnorm, so the block is drawn after relu1.
    expect(r.featureMaps?.layers.map((l) => l.name)).toEqual(['relu1', 'pool1', 'relu2']);
    expect(r.timing.int8Ms).toBeGreaterThan(0);
  });

  it('the verb writes HTML, Markdown and JSON, with the calibration table', async () => {
    const out = join(dir, 'out', 'tiny.html');
    const logs: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => { logs.push(a.join(' ')); };
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await reportMain(['--float', fx.floatPath, '--int8', fx.int8Path, '--data', fx.dataDir, '--compare-calibration', '--calib-count', '60', '--json', '--out', out]);
    } finally {
      console.log = log;
      process.stderr.write = err;
    }
    expect(logs.join('\n')).toMatch(/tiny on .* test \(40 images\): float 80\.00%, int8 /);
    const html = readFileSync(out, 'utf8');
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    for (const s of svgs) expect(checkWellFormed(s)).toBeNull();
    expect(html).toContain('id="calibration-table"');
    const md = readFileSync(join(dir, 'out', 'tiny.md'), 'utf8');
    expect(md).toContain('| float | 32 | 40 | 80.00% (95% CI 65.2–89.5) |');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'tiny.json'), 'utf8'));
    expect(json.calibration.rows).toHaveLength(6);
    expect(json.calibration.rows.map((r: { method: string; perChannel: boolean }) => `${r.method}/${r.perChannel}`)).toEqual([
      'minmax/true', 'minmax/false', 'percentile/true', 'percentile/false', 'mse/true', 'mse/false',
    ]);
    // The fixture's .tcm is minmax, per-channel, on the same 60 training images: that row must
    // reproduce its predictions exactly.
    expect(json.calibration.rows[0].int8.correct).toBe(json.accuracy.int8.correct);
    expect(json.calibration.rows[0].agreement.correct).toBe(json.accuracy.agreement.correct);
    expect(json.calibration.float.correct).toBe(32);
    expect(json.accuracy.float.value).toBe(0.8);
  });

  it('refuses an int8 model of a different network', () => {
    const model = readFloatModel(fx.floatPath);
    const data = loadDataset(fx.dataDir, 'test', quiet);
    // Same shapes, different layer names: still refused.
    const renamed = tinyFloatModel(8, 99);
    renamed.graph.nodes[2].output = 'act1';
    renamed.graph.nodes[3].inputs = ['act1'];
    const renamedBytes = tinyInt8(renamed, tinyImages(renamed, 10, 3).images, 10);
    expect(() => evaluate(model, renamedBytes, data, { progress: false })).toThrow(/int8 tensor\(s\) 'act1' have no float layer/);
    // Different input shape.
    const bigger = tinyFloatModel(12);
    const biggerBytes = tinyInt8(bigger, tinyImages(bigger, 10, 3).images, 10);
    expect(() => evaluate(model, biggerBytes, data, { progress: false })).toThrow(expect.objectContaining({ code: 'MODEL_PAIR_MISMATCH', message: expect.stringMatching(/float input shape \[8, 8, 1\], int8 input shape \[12, 12, 1\]/) }));
  });

  it('refuses different labels and a dataset of the wrong image size', () => {
    const model = readFloatModel(fx.floatPath);
    const data = loadDataset(fx.dataDir, 'test', quiet);
    const relabelled = tinyFloatModel();
    relabelled.graph.labels[2] = 'deux';
    const relabelledBytes = tinyInt8(relabelled, tinyImages(relabelled, 10, 3).images, 10);
    expect(() => evaluate(model, relabelledBytes, data, { progress: false })).toThrow(/class 2 is 'two' in the float model but 'deux'/);
    const small = { ...data, height: 7, width: 7, images: data.images.subarray(0, 40 * 49) };
    expect(() => evaluate(model, readFileSync(fx.int8Path), small, { progress: false })).toThrow(expect.objectContaining({ code: 'DATASET_MODEL_MISMATCH', message: expect.stringMatching(/7x7x1 images but the model input is 8x8x1/) }));
  });

  it('the verb refuses a missing file and bad options with a clear error', async () => {
    await expect(reportMain(['--float', fx.floatPath, '--int8', join(dir, 'nope.tcm'), '--data', fx.dataDir])).rejects.toThrow(/nope\.tcm: cannot read/);
    await expect(reportMain(['--float', fx.floatPath])).rejects.toThrow(/--int8 <m.tcm> are required/);
    await expect(reportMain(['--float', fx.floatPath, '--int8', fx.int8Path, '--limit', '0'])).rejects.toThrow(/--limit expects a positive integer/);
    writeFileSync(join(dir, 'junk.tcm'), 'not a model');
    await expect(reportMain(['--float', fx.floatPath, '--int8', join(dir, 'junk.tcm'), '--data', fx.dataDir])).rejects.toMatchObject({ name: 'TinyconvError', message: expect.stringContaining('junk.tcm: ') });
  });
});
