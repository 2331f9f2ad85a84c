// Reading and writing float models: `name.json` (the FloatGraph) beside `name.bin` (little-endian
// Float32 weights). Everything a file can get wrong is refused here with a TinyconvError naming the
// file, node and parameter, so later stages can trust the model. Format: docs/float-format.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TinyconvError } from '../format/errors.js';
import type { FloatGraph, FloatModel } from './types.js';
import { inferShapes, elementCount } from './shapes.js';

const OPS = new Set(['conv2d', 'batchnorm', 'relu', 'relu6', 'clip', 'leakyRelu', 'prelu', 'sigmoid', 'tanh',
  'hardSwish', 'hardSigmoid', 'maxPool', 'avgPool', 'globalAvgPool', 'dense', 'add', 'mul', 'concat',
  'flatten', 'reshape', 'dropout', 'softmax', 'logSoftmax']);

function bad(where: string, message: string): never {
  throw new TinyconvError('BAD_FLOAT_MODEL', `${where}: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);
}

/** Structural checks on parsed JSON: after this the object is a well-typed FloatGraph. */
function checkGraph(g: unknown, where: string): FloatGraph {
  if (!isObject(g)) bad(where, 'not a JSON object');
  if (g.format !== 'tinyconv-float') bad(where, `format is ${JSON.stringify(g.format)}, expected "tinyconv-float"`);
  if (g.version !== 1) bad(where, `version ${JSON.stringify(g.version)} is not supported (expected 1)`);
  const input = g.input;
  if (!isObject(input) || typeof input.name !== 'string' || !isShape(input.shape)) bad(where, 'input must be {name, shape}');
  const pre = g.preprocess;
  if (!isObject(pre) || typeof pre.pixelScale !== 'number' || !Array.isArray(pre.mean) || !Array.isArray(pre.std)) {
    bad(where, 'preprocess must be {pixelScale, mean[], std[]}');
  }
  if (!(pre.std as unknown[]).every((s) => typeof s === 'number' && s !== 0)) bad(where, 'preprocess.std entries must be non-zero numbers');
  if (!(pre.mean as unknown[]).every((m) => typeof m === 'number' && Number.isFinite(m))) bad(where, 'preprocess.mean entries must be numbers');
  const channels = (input.shape as number[])[(input.shape as number[]).length - 1];
  for (const key of ['mean', 'std'] as const) {
    const n = (pre[key] as unknown[]).length;
    if (n !== 1 && n !== channels) bad(where, `preprocess.${key} has ${n} entries; expected 1 or one per input channel (${channels})`);
  }
  if (!Array.isArray(g.labels)) bad(where, 'labels must be an array');
  if (typeof g.output !== 'string') bad(where, 'output must be a tensor name');
  if (!Array.isArray(g.nodes)) bad(where, 'nodes must be an array');
  g.nodes.forEach((n: unknown, i: number) => {
    const at = `${where}: node ${i}`;
    if (!isObject(n) || typeof n.name !== 'string') bad(at, 'must be an object with a name');
    if (typeof n.op !== 'string' || !OPS.has(n.op)) {
      throw new TinyconvError('UNKNOWN_OP', `${at} ('${n.name}') has unknown op '${String(n.op)}'`);
    }
    if (!Array.isArray(n.inputs) || !n.inputs.every((t) => typeof t === 'string')) bad(at, 'inputs must be tensor names');
    if (typeof n.output !== 'string') bad(at, 'output must be a tensor name');
    if (n.attrs === undefined) n.attrs = {};
    if (n.params === undefined) n.params = {};
    if (!isObject(n.attrs) || !isObject(n.params)) bad(at, 'attrs and params must be objects');
    for (const [key, p] of Object.entries(n.params)) {
      if (!isObject(p) || !Number.isInteger(p.offset) || (p.offset as number) < 0 || !isShape(p.shape)) {
        bad(`${at} ('${n.name}') param '${key}'`, 'must be {offset, shape} with a non-negative integer offset');
      }
    }
  });
  return g as unknown as FloatGraph;
}

/** Checks every ParamRef lies inside the blob and holds only finite values. */
function checkWeights(graph: FloatGraph, weights: Float32Array, where: string): void {
  for (const node of graph.nodes) {
    for (const [key, p] of Object.entries(node.params)) {
      const n = elementCount(p.shape);
      if (p.offset + n > weights.length) {
        bad(where, `node '${node.name}' param '${key}' needs floats [${p.offset}, ${p.offset + n}) but the weight blob holds ${weights.length} floats (${weights.length * 4} bytes)`);
      }
      for (let i = 0; i < n; i++) {
        const v = weights[p.offset + i];
        if (!Number.isFinite(v)) {
          throw new TinyconvError('NON_FINITE_WEIGHT', `${where}: node '${node.name}' param '${key}' element ${i} is ${v}`);
        }
      }
    }
  }
}

/** Decodes little-endian Float32 bytes regardless of the host's byte order or the buffer's alignment. */
export function floatsFromBytes(bytes: Uint8Array, where: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) bad(where, `weight blob is ${bytes.byteLength} bytes, not a multiple of 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function floatsToBytes(weights: Float32Array): Uint8Array {
  const bytes = new Uint8Array(weights.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < weights.length; i++) view.setFloat32(i * 4, weights[i], true);
  return bytes;
}

/** Builds a validated FloatModel from JSON text (or an already parsed object) and the weight blob. */
export function parseFloatModel(json: string | object, bin: Uint8Array | Float32Array, where = 'float model'): FloatModel {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      bad(where, `invalid JSON: ${(e as Error).message}`);
    }
  }
  const graph = checkGraph(parsed, where);
  const weights = bin instanceof Float32Array ? bin : floatsFromBytes(bin, where);
  checkWeights(graph, weights, where);
  inferShapes(graph);
  return { graph, weights };
}

/** Reads `jsonPath` and the weight blob its `weights` field names (relative to the JSON file). */
export function readFloatModel(jsonPath: string): FloatModel {
  const text = readFileSync(jsonPath, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    bad(jsonPath, `invalid JSON: ${(e as Error).message}`);
  }
  const weightsName = isObject(parsed) ? parsed.weights : undefined;
  if (typeof weightsName !== 'string' || weightsName === '') bad(jsonPath, 'weights must name the .bin file');
  const binPath = join(dirname(jsonPath), weightsName);
  return parseFloatModel(parsed as object, readFileSync(binPath), jsonPath);
}

/** Writes `jsonPath` and its sibling `<name>.bin`; the graph's `weights` field is set to match. */
export function writeFloatModel(jsonPath: string, model: FloatModel): void {
  const binName = basename(jsonPath).replace(/\.json$/i, '') + '.bin';
  const graph: FloatGraph = { ...model.graph, weights: binName };
  writeFileSync(join(dirname(jsonPath), binName), floatsToBytes(model.weights));
  writeFileSync(jsonPath, formatGraphJson(graph));
}

/** JSON with one node per line: readable, and diffs show which layer changed. */
export function formatGraphJson(graph: FloatGraph): string {
  const lines = Object.entries(graph).map(([key, value]) => {
    if (key === 'nodes') {
      const nodes = (value as unknown[]).map((n) => '    ' + JSON.stringify(n));
      return `  "nodes": [\n${nodes.join(',\n')}\n  ]`;
    }
    return `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}
