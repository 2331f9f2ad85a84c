// `tinyconv import <model.onnx|model.tflite> --out <file>`: an ONNX model becomes our float graph
// (model.json + model.bin, ready for `tinyconv quantize`); an int8 TFLite model becomes a .tcm
// directly, with its quantization parameters unchanged. Dispatch is by file extension.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseVerbArgs, numberOption, UsageError, type ParsedArgs, type VerbSpec } from '../args.js';
import { importOnnx } from '../../src/onnx/import.js';
import { writeFloatModel } from '../../src/graph/io.js';
import { countLayers } from '../../src/graph/count.js';
import { importTflite } from '../../src/tflite/index.js';
import { writeModel } from '../../src/format/writer.js';

export const spec: VerbSpec = {
  name: 'import',
  summary: 'import an .onnx model (to a float model .json + .bin) or an int8 .tflite model (to a .tcm)',
  usage: 'tinyconv import <model.onnx|model.tflite> --out <model.json|model.tcm> [options]',
  options: {
    out: { type: 'string', arg: 'FILE', description: 'output: .json for an ONNX model, .tcm for a TFLite model (default: beside the input)' },
    'input-scale': { type: 'string', arg: 'X', description: 'pixel scale: real input = (pixel * X - mean) / std', default: '1/255' },
    'input-mean': { type: 'string', arg: 'M[,M...]', description: 'mean, one value or one per channel', default: '0' },
    'input-std': { type: 'string', arg: 'S[,S...]', description: 'std, one value or one per channel', default: '1' },
    labels: { type: 'string', arg: 'A,B,...', description: 'class names, comma-separated' },
    name: { type: 'string', arg: 'NAME', description: 'model name (default: from the file)' },
  },
  details: 'Examples:\n' +
    '  tinyconv import lenet5.onnx --out lenet5.json --labels 0,1,2,3,4,5,6,7,8,9\n' +
    '  tinyconv import person_detect.tflite --out person.tcm --labels unused,person,not_person\n' +
    'ONNX: NCHW becomes NHWC, batch 1; see docs/float-format.md. TFLite: int8 models only.',
};

function numberList(args: ParsedArgs, name: string): number[] {
  const raw = args.values[name];
  if (typeof raw !== 'string') return [];
  return raw.split(',').map((part) => {
    const n = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects numbers separated by commas, got '${raw}'`);
    return n;
  });
}

function preprocessFrom(args: ParsedArgs): { pixelScale: number; mean: number[]; std: number[] } {
  const scaleRaw = args.values['input-scale'];
  const pixelScale = scaleRaw === '1/255' ? 1 / 255 : (numberOption(args, 'input-scale') as number);
  const mean = numberList(args, 'input-mean');
  const std = numberList(args, 'input-std');
  if (std.some((s) => s === 0)) throw new UsageError('--input-std must not contain 0');
  return { pixelScale, mean: mean.length ? mean : [0], std: std.length ? std : [1] };
}

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  const [input, extra] = args.positionals;
  if (!input || extra !== undefined) throw new UsageError(`expected one model file (see 'tinyconv import --help')`);
  const ext = extname(input).toLowerCase();
  if (ext !== '.onnx' && ext !== '.tflite') throw new UsageError(`cannot import '${input}': expected a .onnx or .tflite file`);
  const outExt = ext === '.onnx' ? '.json' : '.tcm';
  const out = (args.values.out as string | undefined) ?? input.slice(0, -ext.length) + outExt;
  if (extname(out).toLowerCase() !== outExt) throw new UsageError(`--out for a ${ext} model must end in ${outExt}, got '${out}'`);
  const preprocess = preprocessFrom(args);
  const labels = typeof args.values.labels === 'string' ? args.values.labels.split(',').map((s) => s.trim()) : [];
  const name = (args.values.name as string | undefined) ?? basename(input, ext);
  const bytes = new Uint8Array(readFileSync(input));

  if (ext === '.onnx') {
    const model = importOnnx(bytes, {
      source: input, name, labels, inputScale: preprocess.pixelScale, inputMean: preprocess.mean, inputStd: preprocess.std,
    });
    writeFloatModel(out, model);
    const counts = countLayers(model.graph);
    const meta = model.graph.meta as { onnxOutput?: { flattenedHwcOf?: number[] } } | undefined;
    console.log(`${input} -> ${out} (+ ${basename(out, '.json')}.bin): ${model.graph.nodes.length} nodes, ` +
      `input [${model.graph.input.shape}] (NHWC), ${counts.totalParams} params, ${counts.totalMacs} MACs`);
    if (meta?.onnxOutput?.flattenedHwcOf) {
      console.log(`note: the output is a flattened feature map; its elements are in NHWC order, not ONNX's NCHW order`);
    }
    return;
  }

  const modelSpec = importTflite(bytes, { name, labels, preprocess });
  const tcm = writeModel(modelSpec);
  writeFileSync(out, tcm);
  console.log(`${input} -> ${out}: ${modelSpec.ops.length} ops, ${modelSpec.tensors.length} tensors, ` +
    `${tcm.length} bytes, arena ${modelSpec.arenaBytes} bytes`);
}
