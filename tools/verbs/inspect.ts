// `tinyconv inspect <model>`: a per-layer table (op, output shape, params, MACs, quantization,
// arena offset) and totals, for an int8 .tcm, an int8 .tflite (through the importer), or a float
// model (.json + .bin, or .onnx). The numbers come from src/format/describe.ts and
// src/graph/count.ts; this file only loads and prints.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseVerbArgs, UsageError, type VerbSpec } from '../args.js';
import { describeModel, type ModelDescription } from '../../src/format/describe.js';
import { readVerifiedModel } from '../../src/format/verify.js';
import { writeModel } from '../../src/format/writer.js';
import { TinyconvError } from '../../src/format/errors.js';
import { importTflite } from '../../src/tflite/index.js';
import { countLayers, readFloatModel, type FloatModel, type GraphCount } from '../../src/graph/index.js';
import { importOnnx } from '../../src/onnx/import.js';
import { espruinoMemoryOf, formatEspruinoMemory } from '../../src/deploy/index.js';

export const spec: VerbSpec = {
  name: 'inspect',
  summary: 'print a per-layer table of a .tcm, .tflite, .json (float) or .onnx model',
  usage: 'tinyconv inspect <model.tcm|model.tflite|model.json|model.onnx> [--json] [--target espruino]',
  options: {
    json: { type: 'boolean', description: 'print the description as JSON instead of a table' },
    target: { type: 'string', arg: 'espruino', description: 'int8 models: estimate the RAM an Espruino board needs (model + arena + runtime) vs Puck.js / Bangle.js 2 class budgets' },
  },
  details: 'For int8 models (.tcm, .tflite) the table shows each op\'s output quantization (scale, zero point\n' +
    'and the real range int8 covers) and its arena offset; a .tflite is imported first, so its arena is\n' +
    'the one our planner gives. Float models show shapes, params and MACs (quantize them to plan an arena).',
};

interface FloatDescription {
  kind: 'float';
  name: string;
  input: { name: string; shape: number[] };
  count: GraphCount;
  /** Bytes of the model files: the .onnx, or the .json plus its .bin. */
  modelBytes: number;
  weightBytes: number;
}

interface Int8Description extends ModelDescription {
  kind: 'int8';
  /** For a .tflite: the source file's size (modelBytes is the .tcm it converts to). */
  tfliteBytes?: number;
}

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  const [path, extra] = args.positionals;
  if (!path || extra !== undefined) throw new UsageError(`expected one model file (see 'tinyconv inspect --help')`);
  if (args.values.target !== undefined) {
    if (args.values.target !== 'espruino') throw new UsageError(`--target: only 'espruino' is known, got '${args.values.target}'`);
    const memory = withFile(path, () => espruinoMemoryOf(int8Bytes(path)));
    console.log(args.values.json ? JSON.stringify(memory, null, 1) : [`${path}:`, ...formatEspruinoMemory(memory)].join('\n'));
    return;
  }
  const d = withFile(path, () => describeFile(path));
  if (args.values.json) {
    console.log(JSON.stringify(d, null, 1));
    return;
  }
  console.log((d.kind === 'int8' ? int8Table(d) : floatTable(d)).join('\n'));
}

function describeFile(path: string): Int8Description | FloatDescription {
  const ext = extname(path).toLowerCase();
  if (ext === '.tcm') {
    const bytes = readFileSync(path);
    return { kind: 'int8', ...describeModel(readVerifiedModel(bytes), bytes.length) };
  }
  if (ext === '.tflite') {
    const bytes = new Uint8Array(readFileSync(path));
    const model = importTflite(bytes, { name: basename(path, extname(path)) });
    return { kind: 'int8', ...describeModel(model, writeModel(model).length), tfliteBytes: bytes.length };
  }
  if (ext === '.json') {
    const model = readFloatModel(path);
    const binBytes = statSync(join(dirname(path), model.graph.weights)).size;
    return floatDescription(model, statSync(path).size + binBytes);
  }
  if (ext === '.onnx') {
    const bytes = new Uint8Array(readFileSync(path));
    return floatDescription(importOnnx(bytes, { source: path }), bytes.length);
  }
  throw new UsageError(`cannot inspect '${path}': expected a .tcm, .tflite, .json or .onnx file`);
}

/** The .tcm bytes of an int8 model file (.tflite files are imported first). */
function int8Bytes(path: string): Uint8Array {
  const ext = extname(path).toLowerCase();
  if (ext === '.tcm') return new Uint8Array(readFileSync(path));
  if (ext === '.tflite') return writeModel(importTflite(new Uint8Array(readFileSync(path)), { name: basename(path, ext) }));
  throw new UsageError(`--target espruino needs an int8 model (.tcm or .tflite), not '${path}' (quantize it first)`);
}

function floatDescription(model: FloatModel, modelBytes: number): FloatDescription {
  return {
    kind: 'float',
    name: model.graph.name,
    input: model.graph.input,
    count: countLayers(model.graph),
    modelBytes,
    weightBytes: model.weights.length * 4,
  };
}

function withFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    // Prefix the file unless the message already starts with it (the ONNX reader names its source).
    if (e instanceof TinyconvError) throw e.message.startsWith(path) ? e : new TinyconvError(e.code, `${path}: ${e.message}`);
    if ((e as { code?: string }).code === 'ENOENT') throw new UsageError(`cannot read '${path}': no such file`);
    throw e;
  }
}

const thousands = (n: number) => n.toLocaleString('en-US');
const shape = (s: number[]) => (s.length ? s.join('x') : 'scalar');
const sig = (x: number) => Number(x.toPrecision(4)).toString();

/** Left-aligns text columns and right-aligns numeric ones. */
function table(header: string[], rows: string[][], numeric: boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function int8Table(d: Int8Description): string[] {
  const q = (t: ModelDescription['input']) => `s ${sig(t.scale)} zp ${t.zeroPoint} [${sig(t.range[0])}, ${sig(t.range[1])}]`;
  const rows = d.layers.map((l) => [
    String(l.index), l.op, shape(l.output.shape), thousands(l.params), thousands(l.macs), q(l.output),
    String(l.output.offset), l.detail,
  ]);
  const lines = [
    `${d.name || '(unnamed model)'}: int8, ${d.layers.length} ops, input ${shape(d.input.shape)} (${q(d.input)}, offset ${d.input.offset})`,
    '',
    ...table(['#', 'op', 'output', 'params', 'MACs', 'output quantization', 'offset', 'details'], rows,
      [true, false, false, true, true, false, true, false]),
    '',
    `params ${thousands(d.totalParams)}   MACs ${thousands(d.totalMacs)}   arena ${thousands(d.arenaBytes)} bytes` +
      (d.modelBytes !== undefined ? `   model ${thousands(d.modelBytes)} bytes (.tcm)` : '') +
      (d.tfliteBytes !== undefined ? `   source .tflite ${thousands(d.tfliteBytes)} bytes` : ''),
  ];
  if (d.labels.length) lines.push(`labels: ${d.labels.join(', ')}`);
  return lines;
}

function floatTable(d: FloatDescription): string[] {
  const rows = d.count.layers.map((l, i) => [String(i), l.op, l.name, shape(l.outputShape), thousands(l.params), thousands(l.macs)]);
  return [
    `${d.name || '(unnamed model)'}: float32, ${rows.length} nodes, input ${shape(d.input.shape)}`,
    '',
    ...table(['#', 'op', 'name', 'output', 'params', 'MACs'], rows, [true, false, false, false, true, true]),
    '',
    `params ${thousands(d.count.totalParams)}   MACs ${thousands(d.count.totalMacs)}   ` +
      `model ${thousands(d.modelBytes)} bytes (weights ${thousands(d.weightBytes)})   arena: quantize to plan one`,
  ];
}
