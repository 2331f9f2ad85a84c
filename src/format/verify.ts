// Tool-side verification of a .tcm model: the checks the runtime reader leaves out to keep its
// bundle small (the reader's validateModel already checks shapes, offsets, parameter values and the
// arena plan; docs/robustness.md), i.e. what would still load and run but answer wrongly or wastefully:
// - parameter values (checkParams, which the writer also runs): ranks, zero points, scales, clamps,
//   softmax's shift and diffMin; ADD's leftShift, softmax's beta multiplier, and scales whose
//   dequantized values overflow float32;
// - a declared arena larger than its tensors need (a flipped bit there would make the runtime
//   allocate up to 2 GB);
// - the meta JSON's types: name, labels and names strings, preprocessing finite numbers with std != 0.
// Node tools (run, inspect, report, export) call readVerifiedModel before they use a file.
import { TinyconvError } from './errors.js';
import { readModel } from './reader.js';
import { tensorBytes } from './plan.js';
import { OP_ADD, OP_SOFTMAX, type ModelSpec } from './schema.js';

/** Largest finite float32: readOutput writes scale * (q - zp), |q - zp| <= 255, into a Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** (q - zp) << leftShift must stay an int32 for |q - zp| <= 255. */
const MAX_ADD_LEFT_SHIFT = 23;

function fail(code: string, message: string): never {
  throw new TinyconvError(code, message);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && v === v && v !== Infinity && v !== -Infinity;
}

function checkStrings(v: unknown, what: string): void {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail('BAD_META', `meta: ${what} must be a list of strings`);
}

function checkMeta(spec: ModelSpec): void {
  if (typeof spec.name !== 'string') fail('BAD_META', 'meta: name must be a string');
  checkStrings(spec.labels, 'labels');
  spec.tensors.forEach((t, i) => { if (t.name !== undefined && typeof t.name !== 'string') fail('BAD_META', `meta: tensor ${i} name must be a string`); });
  spec.ops.forEach((o, i) => { if (o.name !== undefined && typeof o.name !== 'string') fail('BAD_META', `meta: op ${i} name must be a string`); });
  const pre = spec.preprocess;
  if (!isFiniteNumber(pre.pixelScale)) fail('BAD_META', `meta: preprocess pixelScale ${String(pre.pixelScale)} is not a finite number`);
  const list = (v: unknown, what: string): number[] => {
    if (!Array.isArray(v) || v.length < 1 || !v.every(isFiniteNumber)) fail('BAD_META', `meta: preprocess ${what} must be a list of finite numbers`);
    return v;
  };
  list(pre.mean, 'mean');
  if (list(pre.std, 'std').some((s) => s === 0)) fail('BAD_META', 'meta: preprocess std has a 0');
}

/** v must be an integer in [lo, hi]. */
function range(v: number, lo: number, hi: number, where: string, what: string): void {
  if (!(v >= lo && v <= hi && Math.floor(v) === v)) fail('BAD_PARAM', `${where}: ${what} ${v} not in [${lo}, ${hi}]`);
}

/** The values the runtime reader does not check (validate.ts checks multipliers and shifts): they
 *  cannot make a kernel touch memory outside its buffers, only answer wrongly. The writer runs this
 *  too, so no tool writes such a file. */
export function checkParams(spec: ModelSpec): void {
  spec.tensors.forEach((s, t) => {
    const where = `tensor ${t}${s.name ? ` '${s.name}'` : ''}`;
    range(s.shape.length, 1, 4, where, 'rank');
    range(s.zeroPoint, -128, 127, where, 'zeroPoint');
    if (!(s.scale > 0 && s.scale < Infinity)) fail('BAD_PARAM', `${where}: scale ${s.scale}`);
  });
  spec.ops.forEach((op, i) => {
    const where = `op ${i}${op.name ? ` '${op.name}'` : ''}`;
    if ('actMax' in op) {
      range(op.actMax, -128, 127, where, 'actMax');
      range(op.actMin, -128, op.actMax, where, 'actMin');
    }
    if (op.type === OP_SOFTMAX) {
      range(op.inputBetaLeftShift, 0, 31, where, 'inputBetaLeftShift');
      range(op.diffMin, -2147483647, 0, where, 'diffMin');
    }
  });
}

function checkValues(spec: ModelSpec): void {
  spec.tensors.forEach((t, i) => {
    if (t.scale * 256 > FLOAT32_MAX) fail('BAD_PARAM', `tensor ${i}: scale ${t.scale} overflows float32 when dequantized`);
  });
  spec.ops.forEach((op, i) => {
    if (op.type === OP_ADD && !(op.leftShift >= 0 && op.leftShift <= MAX_ADD_LEFT_SHIFT)) {
      fail('BAD_PARAM', `op ${i} (add): leftShift ${op.leftShift} not in [0, ${MAX_ADD_LEFT_SHIFT}]`);
    }
    if (op.type === OP_SOFTMAX && !(op.inputBetaMultiplier >= 0)) {
      fail('BAD_PARAM', `op ${i} (softmax): inputBetaMultiplier ${op.inputBetaMultiplier} is negative`);
    }
  });
}

/** The declared arena must be exactly what the tensors occupy (every planner we ship writes that). */
function checkArenaSize(spec: ModelSpec): void {
  let top = 0;
  for (const t of spec.tensors) top = Math.max(top, t.offset + tensorBytes(t));
  if (spec.arenaBytes > top) fail('BAD_PLAN', `arena is ${spec.arenaBytes} bytes but its tensors end at byte ${top}`);
}

/** Throws a TinyconvError (BAD_PARAM, BAD_META, BAD_GRAPH, BAD_PLAN) for a spec the runtime would
 *  load but run wrongly. `spec` is what readModel returned (so shapes and offsets are already sane). */
export function verifyModel(spec: ModelSpec): void {
  checkParams(spec);
  checkValues(spec);
  checkMeta(spec);
  checkArenaSize(spec);
}

/** readModel plus verifyModel: what Node tools use to open a .tcm file. */
export function readVerifiedModel(bytes: ArrayBuffer | Uint8Array): ModelSpec {
  const spec = readModel(bytes);
  verifyModel(spec);
  return spec;
}
