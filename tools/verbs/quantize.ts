// `tinyconv quantize <model.json|model.onnx> --calib <dataset> --out model.tcm`: calibrates a float
// model on dataset images (preprocessed as the model records), quantizes it to int8 (src/convert)
// and writes the .tcm (src/format/writer.ts). Prints a summary; --layers adds the per-tensor scales.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { numberOption, parseVerbArgs, UsageError, type VerbSpec } from '../args.js';
import { CALIBRATION_METHODS, convertToInt8Detailed, DEFAULT_CALIBRATION_SAMPLES, DEFAULT_PERCENTILE, type CalibrationMethod } from '../../src/convert/index.js';
import { imageSamples } from '../../src/convert/image-samples.js';
import { loadDataset, type Split } from '../../src/data/datasets.js';
import { describeModel } from '../../src/format/describe.js';
import { TinyconvError } from '../../src/format/errors.js';
import { writeModel } from '../../src/format/writer.js';
import { readFloatModel } from '../../src/graph/io.js';
import type { FloatModel } from '../../src/graph/types.js';
import { importOnnx } from '../../src/onnx/import.js';

export const spec: VerbSpec = {
  name: 'quantize',
  summary: 'quantize a float model (.json + .bin, or .onnx) to an int8 .tcm, calibrating on a dataset',
  usage: 'tinyconv quantize <model.json|model.onnx> --calib <dataset|dir> --out <model.tcm> [options]',
  options: {
    calib: { type: 'string', arg: 'DATASET', description: 'calibration images: fashion-mnist, fashion-mnist-subset, or a folder of IDX files' },
    split: { type: 'string', arg: 'SPLIT', description: 'which split of the calibration set to use (train or test)', default: 'train' },
    out: { type: 'string', arg: 'FILE', description: 'the int8 model to write (.tcm)' },
    method: { type: 'string', arg: 'METHOD', description: `activation range method: ${CALIBRATION_METHODS.join(', ')}`, default: 'percentile' },
    percentile: { type: 'string', arg: 'P', description: 'kept percentage for --method percentile', default: String(DEFAULT_PERCENTILE) },
    samples: { type: 'string', arg: 'N', description: 'calibration images to run', default: String(DEFAULT_CALIBRATION_SAMPLES) },
    'per-tensor': { type: 'boolean', description: 'one weight scale per tensor instead of per output channel (for comparison)' },
    'input-scale': { type: 'string', arg: 'S', description: 'preprocess: real = (pixel * S - mean) / std (default 1/255 for .onnx)' },
    'input-mean': { type: 'string', arg: 'M[,M..]', description: 'preprocess mean, one value or one per channel (default 0 for .onnx)' },
    'input-std': { type: 'string', arg: 'D[,D..]', description: 'preprocess std, one value or one per channel (default 1 for .onnx)' },
    layers: { type: 'boolean', description: 'also print every tensor\'s scale, zero point and real range' },
  },
  details: 'A .json float model carries its own preprocessing (from the trainer); the --input-* options\n' +
    'override it. An .onnx model has none: give it with --input-* (default pixels / 255).\n' +
    'Example: tinyconv quantize models/lenet.json --calib fashion-mnist --out lenet.tcm',
};

function listOption(v: string | boolean | undefined, name: string): number[] | undefined {
  if (typeof v !== 'string') return undefined;
  const list = v.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n))) throw new UsageError(`--${name} expects numbers separated by commas, got '${v}'`);
  return list;
}

function loadFloat(path: string, pre: { scale?: number; mean?: number[]; std?: number[] }): FloatModel {
  const ext = extname(path).toLowerCase();
  let model: FloatModel;
  if (ext === '.onnx') {
    model = importOnnx(new Uint8Array(readFileSync(path)), {
      source: path, name: basename(path, ext), inputScale: pre.scale, inputMean: pre.mean, inputStd: pre.std,
    });
  } else if (ext === '.json') {
    model = readFloatModel(path);
    const p = model.graph.preprocess;
    model.graph.preprocess = { pixelScale: pre.scale ?? p.pixelScale, mean: pre.mean ?? p.mean, std: pre.std ?? p.std };
  } else {
    throw new UsageError(`cannot quantize '${path}': expected a float model (.json with its .bin, or .onnx)`);
  }
  return model;
}

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  const [path, extra] = args.positionals;
  if (!path || extra !== undefined) throw new UsageError(`expected one float model file (see 'tinyconv quantize --help')`);
  const calib = args.values.calib as string | undefined;
  const out = args.values.out as string | undefined;
  if (!calib) throw new UsageError(`--calib <dataset> is required (see 'tinyconv quantize --help')`);
  if (!out) throw new UsageError(`--out <model.tcm> is required (see 'tinyconv quantize --help')`);
  const method = args.values.method as string;
  if (!CALIBRATION_METHODS.includes(method as CalibrationMethod)) throw new UsageError(`--method must be one of ${CALIBRATION_METHODS.join(', ')}, got '${method}'`);
  const split = args.values.split as string;
  if (split !== 'train' && split !== 'test') throw new UsageError(`--split must be train or test, got '${split}'`);
  const samples = numberOption(args, 'samples')!;
  if (!(Number.isInteger(samples) && samples > 0)) throw new UsageError(`--samples expects a positive integer, got '${args.values.samples}'`);
  const percentile = numberOption(args, 'percentile')!;
  const pre = {
    scale: numberOption(args, 'input-scale'),
    mean: listOption(args.values['input-mean'], 'input-mean'),
    std: listOption(args.values['input-std'], 'input-std'),
  };

  const model = withFile(path, () => loadFloat(path, pre));
  const dataset = loadDataset(calib, split as Split);
  const source = withFile(calib, () => imageSamples(dataset, model.graph, samples));
  const started = Date.now();
  const { spec: int8, calibration } = withFile(path, () => convertToInt8Detailed(model, source.samples, {
    method: method as CalibrationMethod, percentile, perChannel: !args.values['per-tensor'],
    calibrationCount: source.count, progress: true,
  }));
  const bytes = writeModel(int8);
  writeFileSync(out, bytes);

  const d = describeModel(int8, bytes.length);
  const sig = (x: number) => Number(x.toPrecision(4)).toString();
  console.log(`${out}: ${int8.ops.length} int8 ops, ${d.totalParams.toLocaleString('en-US')} params, ${d.totalMacs.toLocaleString('en-US')} MACs`);
  console.log(`  model ${bytes.length.toLocaleString('en-US')} bytes, arena ${int8.arenaBytes.toLocaleString('en-US')} bytes`);
  console.log(`  calibration: ${calibration.samples} images of ${dataset.name} ${split}, method ${method}` +
    `${method === 'percentile' ? ` ${percentile}` : ''}, ${args.values['per-tensor'] ? 'per-tensor' : 'per-channel'} weights (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  input [${d.input.shape.join(', ')}] scale ${sig(d.input.scale)} zero point ${d.input.zeroPoint}; ` +
    `preprocess pixel * ${sig(int8.preprocess.pixelScale)} - [${int8.preprocess.mean.join(', ')}] / [${int8.preprocess.std.join(', ')}]`);
  if (args.values.layers) {
    console.log('');
    console.log(`  ${'#'.padStart(3)}  ${'op'.padEnd(12)} ${'output'.padEnd(24)} ${'shape'.padEnd(10)} ${'scale'.padStart(10)} ${'zp'.padStart(5)}  real range`);
    for (const l of d.layers) {
      const o = l.output;
      console.log(`  ${String(l.index).padStart(3)}  ${l.op.padEnd(12)} ${o.name.slice(0, 24).padEnd(24)} ${o.shape.join('x').padEnd(10)} ` +
        `${sig(o.scale).padStart(10)} ${String(o.zeroPoint).padStart(5)}  [${sig(o.range[0])}, ${sig(o.range[1])}]`);
    }
  }
}

function withFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    // Name the file once: some loaders (the ONNX importer) already do.
    if (e instanceof TinyconvError && !e.message.includes(path)) throw new TinyconvError(e.code, `${path}: ${e.message}`);
    if ((e as { code?: string }).code === 'ENOENT') throw new UsageError(`cannot read '${path}': no such file`);
    throw e;
  }
}
