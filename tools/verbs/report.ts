// `tinyconv report --float m.json --int8 m.tcm --data <set> --out reports/m.html`: evaluates a float
// model and its int8 form on the same images and writes the comparison as HTML + Markdown (+ JSON).
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { numberOption, parseVerbArgs, UsageError, type VerbSpec } from '../args.js';
import { readFloatModel } from '../../src/graph/io.js';
import { loadDataset, type Split } from '../../src/data/datasets.js';
import { TinyconvError } from '../../src/format/errors.js';
import { readVerifiedModel } from '../../src/format/verify.js';
import { evaluate } from '../../src/report/evaluate.js';
import { checkModelPair } from '../../src/report/pair.js';
import { compareCalibration } from '../../src/report/calibration-compare.js';
import { writeReportFiles } from '../../src/report/write.js';
import { pct, pointsDelta } from '../../src/report/format.js';

export const spec: VerbSpec = {
  name: 'report',
  summary: 'compare a float model and its int8 form on a dataset (HTML, Markdown, JSON)',
  usage: 'tinyconv report --float m.json --int8 m.tcm --data <set> [--split test] [--limit N] [--compare-calibration] --out reports/m.html',
  options: {
    float: { type: 'string', arg: 'FILE', description: 'the float model (.json beside its .bin)' },
    int8: { type: 'string', arg: 'FILE', description: 'the int8 model (.tcm)' },
    data: { type: 'string', arg: 'SET', description: 'fashion-mnist, fashion-mnist-subset or a folder of IDX files', default: 'fashion-mnist' },
    split: { type: 'string', arg: 'SPLIT', description: 'train or test', default: 'test' },
    limit: { type: 'string', arg: 'N', description: 'evaluate only the first N images' },
    'compare-calibration': { type: 'boolean', description: 're-quantize with minmax/percentile/mse x per-channel/per-tensor and compare' },
    'calib-count': { type: 'string', arg: 'N', description: 'training images used for --compare-calibration', default: '500' },
    'sqnr-samples': { type: 'string', arg: 'N', description: 'images whose per-layer tensors are compared', default: '8' },
    out: { type: 'string', arg: 'FILE', description: 'the HTML report; the .md (and .json) go beside it (default: reports/<float name>.html)' },
    json: { type: 'boolean', description: 'also write the numbers as JSON' },
    title: { type: 'string', arg: 'TEXT', description: 'report title' },
  },
  details: 'Refuses a float/int8 pair that is not the same network (input shape, output size, labels, layer names)\n' +
    'and a dataset whose image size does not match the model input.\n' +
    'example: tinyconv report --float models/lenet5.json --int8 models/lenet5.tcm --data fashion-mnist --out reports/lenet5.html',
};

function positiveInt(args: Parameters<typeof numberOption>[0], name: string): number | undefined {
  const v = numberOption(args, name);
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new UsageError(`--${name} expects a positive integer, got '${args.values[name]}'`);
  return v;
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new TinyconvError('FILE_UNREADABLE', `${what} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Prefixes a loader error with the file it came from. */
function withFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TinyconvError && !e.message.includes(path)) throw new TinyconvError(e.code, `${path}: ${e.message}`);
    throw e;
  }
}

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}' (see 'tinyconv report --help')`);
  const floatPath = args.values.float as string | undefined;
  const int8Path = args.values.int8 as string | undefined;
  if (!floatPath || !int8Path) throw new UsageError(`--float <m.json> and --int8 <m.tcm> are required (see 'tinyconv report --help')`);
  const split = args.values.split as string;
  if (split !== 'train' && split !== 'test') throw new UsageError(`--split expects train or test, got '${split}'`);
  const limit = positiveInt(args, 'limit');
  const calibCount = positiveInt(args, 'calib-count') ?? 500;
  const sqnrSamples = positiveInt(args, 'sqnr-samples') ?? 8;
  const out = (args.values.out as string | undefined) ?? join('reports', `${basename(floatPath, extname(floatPath))}.html`);

  const model = readFloatModel(floatPath);
  const int8Bytes = readBytes(int8Path, 'int8 model');
  // Refuse a mismatched pair before spending time on loading the dataset.
  checkModelPair(model.graph, withFile(int8Path, () => readVerifiedModel(int8Bytes)), floatPath, int8Path);
  const data = loadDataset(args.values.data as string, split as Split);
  const report = evaluate(model, int8Bytes, data, { floatPath, int8Path, limit, sqnrSamples, title: args.values.title as string | undefined });
  if (args.values['compare-calibration']) {
    const calibration = loadDataset(args.values.data as string, 'train', { log: () => {} });
    report.calibration = compareCalibration(model, calibration, data, {
      calibrationCount: calibCount,
      limit,
      onConfig: (k, total, method, perChannel) => process.stderr.write(`calibration ${k + 1}/${total}: ${method} ${perChannel ? 'per-channel' : 'per-tensor'}\n`),
    });
  }
  const files = writeReportFiles(report, out, { json: !!args.values.json });
  const a = report.accuracy;
  console.log(`${report.models.name} on ${report.dataset.name} ${report.dataset.split} (${a.float.total} images): ` +
    `float ${pct(a.float.value)}, int8 ${pct(a.int8.value)} (${pointsDelta(a.float.value, a.int8.value)}), agreement ${pct(a.agreement.value)}`);
  console.log(`wrote ${[files.html, files.markdown, files.json].filter(Boolean).join(', ')}`);
}
