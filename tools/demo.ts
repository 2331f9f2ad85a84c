#!/usr/bin/env node
// `npm run demo`: the whole flow on the embedded Fashion-MNIST subset, no downloads, a few minutes on
// two cores: train LeNet-5 and a MobileNetV1 (alpha 0.5) with src/train, quantize each with the
// default method, evaluate float vs int8 and write reports/<model>.html + .md, export each int8
// model as one browser script (runtime + model), and print a summary table.
//
// Every step is cached in build/demo/ under a key hashing its inputs, its options and the code it
// runs, so a second run redoes only what changed. `--force` ignores the cache.
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { cachedStep, codeHash, fileHash, hashParts } from './demo-cache.js';
import { trainModel, type TrainOptions } from '../src/train/trainer.js';
import { readFloatModel } from '../src/graph/io.js';
import { loadDataset, type Dataset } from '../src/data/datasets.js';
import { convertToInt8, imageSamples } from '../src/convert/index.js';
import { writeModel } from '../src/format/writer.js';
import { evaluate } from '../src/report/evaluate.js';
import { compareCalibration, DEFAULT_METHOD } from '../src/report/calibration-compare.js';
import { writeReportFiles } from '../src/report/write.js';
import { pct, pointsDelta } from '../src/report/format.js';
import { exportModel } from '../src/deploy/index.js';
import { TinyconvError } from '../src/format/errors.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The repository (or installed package) root: the nearest folder up with a package.json. */
function findRoot(): string {
  let dir = HERE;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

const ROOT = findRoot();
const DATA = 'fashion-mnist-subset';
const BUILD = join(ROOT, 'build', 'demo');
const REPORTS = join(ROOT, 'reports');
const CALIBRATION_COUNT = 500;
/** The calibration-method table re-runs the int8 model six times: on the first 1,000 test images. */
const CALIBRATION_TABLE_IMAGES = 1000;

interface DemoModel {
  id: string;
  zoo: string;
  modelOptions: Record<string, unknown>;
  train: Pick<TrainOptions, 'epochs' | 'batch' | 'optimizer' | 'lr' | 'seed' | 'schedule'>;
}

// Sized for the 5-minute budget on two cores with the 8,000-image subset.
const MODELS: DemoModel[] = [
  { id: 'lenet5', zoo: 'lenet5', modelOptions: {}, train: { epochs: 4, batch: 64, optimizer: 'adam', lr: 2e-3, seed: 1, schedule: 'cosine' } },
  { id: 'mobilenet-v1-0.5', zoo: 'mobilenet-v1', modelOptions: { alpha: 0.5 }, train: { epochs: 4, batch: 64, optimizer: 'adam', lr: 3e-3, seed: 1, schedule: 'cosine' } },
];

interface Summary {
  model: string;
  floatAccuracy: number;
  int8Accuracy: number;
  testImages: number;
  modelBytes: number;
  arenaBytes: number;
  int8Ms: number;
  floatMs: number;
  params: number;
  macs: number;
  report: string;
}

interface BundleInfo {
  dir: string;
  bytes: number;
  gzipBytes: number;
  /** What was measured. */
  kind: string;
}

const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const withCalibration = !args.has('--no-calibration');
if (args.has('--help')) {
  console.log('usage: npm run demo [-- --force] [-- --no-calibration]\n  --force           redo every step, ignoring build/demo/ cache\n  --no-calibration  skip the calibration-method comparison in the reports');
  process.exit(0);
}

// Each step's key covers the compiled code it runs: the src/ folders it imports and this file,
// which decides how the steps call them.
const self = fileHash(fileURLToPath(import.meta.url));
const stepCode = (dirs: string[]) => hashParts([codeHash(dirs.map((d) => join(HERE, '..', 'src', d))), self]);
const code = {
  train: stepCode(['train', 'wasm', 'graph', 'data', 'format']),
  convert: stepCode(['convert', 'graph', 'format']),
  report: stepCode(['report', 'runtime', 'wasm', 'graph', 'format', 'convert', 'data']),
};

function keyOf(...parts: (string | Uint8Array)[]): string {
  return force ? `force-${Date.now()}` : hashParts(parts);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function done(what: string, r: { cached: boolean; seconds: number }): void {
  say(r.cached ? `  ${what}: up to date (cached)` : `  ${what}: done in ${r.seconds.toFixed(1)} s`);
}

/** A batch-progress line redrawn in place on a terminal; epoch lines always printed. */
function trainProgress(id: string) {
  const tty = !!process.stdout.isTTY;
  return (p: Parameters<NonNullable<Parameters<typeof trainModel>[1]>>[0]) => {
    if (p.kind === 'batch') {
      if (tty && (p.batch % 5 === 0 || p.batch === p.batches)) {
        process.stdout.write(`\r  train ${id}: epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} ` +
          `acc ${pct(p.accuracy, 1)} ${Math.round(p.samplesPerSecond)} img/s ETA ${Math.ceil(p.etaSeconds)} s   `);
      }
      return;
    }
    const r = p.record;
    if (tty) process.stdout.write('\r\x1b[K');
    say(`  train ${id}: epoch ${r.epoch}/${p.epochs} loss ${r.trainLoss.toFixed(3)} train ${pct(r.trainAccuracy, 1)} test ${pct(r.testAccuracy, 1)} (${r.seconds.toFixed(1)} s)`);
  };
}

async function trainStep(m: DemoModel, dir: string, workers: number): Promise<string> {
  const floatPath = join(dir, 'float.json');
  const options: TrainOptions = { model: m.zoo, modelOptions: m.modelOptions, data: DATA, ...m.train, workers, out: floatPath, log: () => {} };
  const { workers: _w, out: _o, log: _l, ...recipe } = options;
  const key = keyOf('train', code.train, JSON.stringify(recipe));
  const command = `tinyconv train --model ${m.zoo}${Object.entries(m.modelOptions).map(([k, v]) => ` --${k} ${v}`).join('')} --data ${DATA} ` +
    `--epochs ${m.train.epochs} --batch ${m.train.batch} --optimizer ${m.train.optimizer} --lr ${m.train.lr} --schedule ${m.train.schedule} --seed ${m.train.seed}`;
  const r = await cachedStep(join(dir, 'train.key'), key, [floatPath, join(dir, 'float.bin')], async () => {
    say(`  train ${m.id}: ${command}`);
    await trainModel({ ...options, command }, trainProgress(m.id));
  });
  done(`train ${m.id}`, r);
  return floatPath;
}

async function quantizeStep(m: DemoModel, dir: string, floatPath: string, train: Dataset): Promise<string> {
  const int8Path = join(dir, `${m.id}.tcm`);
  const key = keyOf('quantize', code.convert, fileHash(floatPath), fileHash(join(dir, 'float.bin')), DEFAULT_METHOD, String(CALIBRATION_COUNT));
  const r = await cachedStep(join(dir, 'quantize.key'), key, [int8Path], () => {
    const model = readFloatModel(floatPath);
    const { samples, count } = imageSamples(train, model.graph, CALIBRATION_COUNT); // as `tinyconv quantize` picks them
    say(`  quantize ${m.id}: ${DEFAULT_METHOD} calibration on ${count} training images, per-channel weights`);
    writeFileSync(int8Path, writeModel(convertToInt8(model, samples, { method: DEFAULT_METHOD, perChannel: true, calibrationCount: count })));
  });
  done(`quantize ${m.id}`, r);
  return int8Path;
}

async function reportStep(m: DemoModel, dir: string, floatPath: string, int8Path: string, train: Dataset, test: Dataset): Promise<Summary> {
  const htmlPath = join(REPORTS, `${m.id}.html`);
  const summaryPath = join(dir, 'summary.json');
  const key = keyOf('report', code.report, fileHash(floatPath), fileHash(join(dir, 'float.bin')), fileHash(int8Path), String(test.count), String(withCalibration), String(CALIBRATION_TABLE_IMAGES));
  const r = await cachedStep(join(dir, 'report.key'), key, [htmlPath, join(REPORTS, `${m.id}.md`), summaryPath], () => {
    const model = readFloatModel(floatPath);
    say(`  report ${m.id}: float and int8 over ${test.count} test images`);
    const data = evaluate(model, readFileSync(int8Path), test, {
      floatPath: relative(ROOT, floatPath), int8Path: relative(ROOT, int8Path), title: `tinyconv report: ${m.id} on ${DATA}`,
    });
    if (withCalibration) {
      data.calibration = compareCalibration(model, train, test, {
        calibrationCount: CALIBRATION_COUNT,
        limit: CALIBRATION_TABLE_IMAGES,
        onConfig: (k, total, method, perChannel) => say(`  report ${m.id}: calibration ${k + 1}/${total} ${method} ${perChannel ? 'per-channel' : 'per-tensor'}`),
      });
    }
    writeReportFiles(data, htmlPath, { json: true });
    const summary: Summary = {
      model: m.id, floatAccuracy: data.accuracy.float.value, int8Accuracy: data.accuracy.int8.value, testImages: data.accuracy.float.total,
      modelBytes: data.size.modelBytes, arenaBytes: data.size.arenaBytes, int8Ms: data.timing.int8Ms, floatMs: data.timing.floatMs,
      params: data.size.params, macs: data.size.macs, report: relative(ROOT, htmlPath),
    };
    writeFileSync(summaryPath, JSON.stringify(summary, null, 2));
  });
  done(`report ${m.id}`, r);
  return JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary;
}

/** The browser payload: `tinyconv export --target browser`, one classic script holding the runtime
 *  and the model (base64). Without the built runtime bundle, falls back to reporting the separate
 *  dist/tinyconv.min.mjs + .tcm pair. */
function bundleStep(m: DemoModel, dir: string, int8Path: string): BundleInfo | null {
  const out = join(dir, 'browser');
  mkdirSync(out, { recursive: true });
  const model = readFileSync(int8Path);
  try {
    const exported = exportModel(new Uint8Array(model), { target: 'browser' });
    const file = join(out, `${m.id}.js`);
    writeFileSync(file, exported.source);
    const info = { dir: out, bytes: exported.bytes, gzipBytes: gzipSync(exported.source, { level: 9 }).length, kind: 'export --target browser' };
    say(`  bundle ${m.id}: ${relative(ROOT, file)} = runtime ${exported.runtimeBytes} B + model ${exported.modelBytes} B as base64 + wrapper: ${info.bytes} B (gzip ${info.gzipBytes} B)`);
    return info;
  } catch (e) {
    if (!(e instanceof TinyconvError && e.code === 'DEPLOY_NO_RUNTIME')) throw e;
  }
  const runtime = join(ROOT, 'dist', 'tinyconv.min.mjs');
  if (!existsSync(runtime)) {
    say(`  bundle ${m.id}: skipped, the runtime bundles in dist/ are missing (run npm run build)`);
    return null;
  }
  copyFileSync(runtime, join(out, 'tinyconv.min.mjs'));
  copyFileSync(int8Path, join(out, `${m.id}.tcm`));
  const js = readFileSync(runtime);
  const info = { dir: out, bytes: js.length + model.length, gzipBytes: gzipSync(js, { level: 9 }).length + gzipSync(model, { level: 9 }).length, kind: 'tinyconv.min.mjs + .tcm' };
  say(`  bundle ${m.id}: ${relative(ROOT, out)}/ runtime ${js.length} B + model ${model.length} B = ${info.bytes} B (gzip ${info.gzipBytes} B)`);
  return info;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const workers = Math.max(1, Math.min(2, cpus().length));
  say(`tinyconv demo: ${MODELS.map((m) => m.id).join(', ')} on ${DATA} (embedded), ${workers} training thread(s)`);
  const quiet = { log: () => {} };
  const train = loadDataset(DATA, 'train', quiet);
  const test = loadDataset(DATA, 'test', quiet);
  say(`data: ${train.count} training and ${test.count} test images ${train.height}x${train.width}x${train.channels} from ${relative(ROOT, train.source) || train.source}`);
  const results: { summary: Summary; bundle: BundleInfo | null }[] = [];
  for (const [i, m] of MODELS.entries()) {
    say(`[${i + 1}/${MODELS.length}] ${m.id}`);
    const dir = join(BUILD, m.id);
    const floatPath = await trainStep(m, dir, workers);
    const int8Path = await quantizeStep(m, dir, floatPath, train);
    const summary = await reportStep(m, dir, floatPath, int8Path, train, test);
    results.push({ summary, bundle: bundleStep(m, dir, int8Path) });
  }
  const rows = [['model', 'float top-1', 'int8 top-1', 'change', 'model B', 'arena B', 'bundle B (gzip)', 'int8 ms/inf', 'float ms/inf']];
  for (const { summary: s, bundle: b } of results) {
    rows.push([
      s.model, pct(s.floatAccuracy), pct(s.int8Accuracy), pointsDelta(s.floatAccuracy, s.int8Accuracy), String(s.modelBytes), String(s.arenaBytes),
      b ? `${b.bytes} (${b.gzipBytes})` : 'n/a', s.int8Ms.toFixed(3), s.floatMs.toFixed(3),
    ]);
  }
  const summaryTable = table(rows);
  const n = results[0]?.summary.testImages ?? 0;
  const md = `# tinyconv demo summary\n\nTrained on ${train.count} images of ${DATA}, evaluated on its ${n} test images; ` +
    `int8 = ${DEFAULT_METHOD} calibration on ${CALIBRATION_COUNT} training images, per-channel weights. ` +
    `Bundle = ${results[0]?.bundle?.kind ?? 'not built'} (bytes, and gzip -9 in parentheses); ms per inference: median single-image run in Node (int8: the SIMD runtime build; float: the reference executor).\n\n` +
    `${summaryTable}\n\nReports: ${results.map((r) => `[${r.summary.model}](${r.summary.model}.html)`).join(', ')}\n`;
  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(join(REPORTS, 'demo-summary.md'), md);
  say('');
  say(summaryTable);
  say('');
  for (const { summary: s } of results) {
    // Loud, because a table of numbers hides a failed run too easily.
    if (s.floatAccuracy < 0.7) say(`warning: ${s.model} reached only ${pct(s.floatAccuracy)} float accuracy: training did not converge (see its report and build/demo/${s.model}/float.json meta.history)`);
    if (s.floatAccuracy - s.int8Accuracy > 0.02) say(`warning: ${s.model} loses ${pointsDelta(s.floatAccuracy, s.int8Accuracy)} in int8: see the per-layer SQNR and calibration sections of ${s.report}`);
  }
  say(`reports: ${results.map((r) => r.summary.report).join(', ')} (and reports/demo-summary.md)`);
  say(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  const err = e as Error;
  console.error(`demo failed: ${err?.stack ?? String(e)}`);
  process.exit(1);
});
