// `tinyconv run <model.tcm> --input <file>`: runs an int8 model once and prints its output.
// The input is a PGM (P5) or BMP image (preprocessed and quantized as the model records) or a raw
// file of exactly the input's size in int8 bytes.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseVerbArgs, UsageError, type VerbSpec } from '../args.js';
import { loadModel, type Model } from '../../src/runtime/index.js';
import { convertChannels, decodeImage } from '../../src/data/image.js';
import { TinyconvError } from '../../src/format/errors.js';
import { readVerifiedModel } from '../../src/format/verify.js';

export const spec: VerbSpec = {
  name: 'run',
  summary: 'run an int8 .tcm model on one input and print its int8 and dequantized output',
  usage: 'tinyconv run <model.tcm> --input <file> [--json]',
  options: {
    input: { type: 'string', arg: 'FILE', description: 'a PGM (P5) or BMP image of the input size, or raw int8 bytes' },
    json: { type: 'boolean', description: 'print {"int8":[...],"float":[...]} on one line' },
  },
  details: 'Images are converted to the model\'s channel count (RGB averaged to gray or gray repeated),\n' +
    'then preprocessed with the model\'s pixel scale, mean and std and quantized; they are not resized.',
};

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  const [modelPath, extra] = args.positionals;
  const inputPath = args.values.input as string | undefined;
  if (!modelPath || extra !== undefined) throw new UsageError(`expected one model file (see 'tinyconv run --help')`);
  if (!inputPath) throw new UsageError(`--input <file> is required (see 'tinyconv run --help')`);
  // The tool-side verifier first: the runtime alone would run a corrupt-but-safe file and answer wrongly.
  const model = withFile(modelPath, () => { const bytes = readFileSync(modelPath); readVerifiedModel(bytes); return loadModel(bytes); });
  setInputFromFile(model, inputPath, readFileSync(inputPath));
  model.run();
  const values = model.readOutput();
  const int8 = Array.from(model.output);
  const float = Array.from(values);
  if (args.values.json) {
    console.log(JSON.stringify({ int8, float }));
    return;
  }
  console.log(`model ${modelPath}${model.name ? ` (${model.name})` : ''}: input [${model.inputShape}], output [${model.outputShape}] ` +
    `scale ${model.outputScale} zero point ${model.outputZeroPoint}`);
  let top = 0;
  for (let i = 0; i < int8.length; i++) {
    if (float[i] > float[top]) top = i;
    const label = model.labels[i] ? ` ${model.labels[i]}` : '';
    console.log(`  ${String(i).padStart(4)}${label.padEnd(16)} ${String(int8[i]).padStart(5)}  ${float[i].toPrecision(6)}`);
  }
  console.log(`top: ${top}${model.labels[top] ? ` (${model.labels[top]})` : ''} ${float[top].toPrecision(6)}`);
}

/** Prefixes loader errors with the file they came from. */
function withFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TinyconvError) throw new TinyconvError(e.code, `${path}: ${e.message}`);
    throw e;
  }
}

function setInputFromFile(model: Model, path: string, bytes: Uint8Array): void {
  const size = model.input.length;
  const ext = extname(path).toLowerCase();
  const looksLikeImage = (bytes[0] === 0x50 && bytes[1] === 0x35) || (bytes[0] === 0x42 && bytes[1] === 0x4d);
  if (ext === '.pgm' || ext === '.bmp' || (looksLikeImage && bytes.length !== size)) {
    const img = decodeImage(bytes, path);
    const shape = model.inputShape;
    const channels = shape[shape.length - 1];
    const hw = shape.length === 3 ? `${shape[1]}x${shape[0]}` : '';
    if (hw ? `${img.width}x${img.height}` !== hw : img.width * img.height * channels !== size) {
      throw new TinyconvError('BAD_INPUT', `${path}: image is ${img.width}x${img.height}, the model input [${shape}] needs ${hw || size + ' values'} (images are not resized)`);
    }
    model.setInput(convertChannels(img, channels, path));
    return;
  }
  if (bytes.length !== size) {
    throw new TinyconvError('BAD_INPUT', `${path}: ${bytes.length} bytes, but a raw input must hold exactly ${size} int8 values for [${model.inputShape}] (or give a .pgm/.bmp image)`);
  }
  model.input.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
}
