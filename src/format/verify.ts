// Tool-side verification of a .tcm model: everything the runtime reader leaves out to keep its
// bundle small (docs/format.md, "Validation"), i.e. the checks that catch a model that would load and
// run safely but give wrong numbers:
// - parameter values (validateParams: zero points, scales, clamps, multipliers, shifts, softmax),
//   plus the few the kernels assume but validateParams does not cover: ADD's leftShift, softmax's
//   beta multiplier, scales whose dequantized values overflow float32;
// - the arena plan: no two tensors alive at the same time share a byte (checkPlan), and the
//   declared arena is no larger than its tensors need (a flipped bit there would make the runtime
//   allocate up to 2 GB);
// - the meta JSON's types: name, labels and names strings, preprocessing finite numbers with std != 0.
// The runtime reader already guarantees that no kernel reads or writes outside a buffer; these
// checks make a corrupt file fail loudly instead of answering wrongly. Node tools (run, inspect,
// report, export) call readVerifiedModel before they use a file. docs/robustness.md has the argument.
import { TinyconvError } from './errors.js';
import { readModel } from './reader.js';
import { checkPlan, tensorBytes } from './plan.js';
import { validateParams } from './validate.js';
import { OP_ADD, OP_SOFTMAX, type ModelSpec } from './schema.js';

/** Largest finite float32: readOutput writes scale * (q - zp), |q - zp| <= 255, into a Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** (q - zp) << leftShift must stay an int32 for |q - zp| <= 255. */
const MAX_ADD_LEFT_SHIFT = 23;
/** checkPlan compares live tensors pairwise (and each aliased pair against the ops): 4096 is far
 *  beyond any microcontroller model (person_detect has 31 ops) and keeps it well under a second. */
export const MAX_TENSORS = 4096;

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
  if (spec.tensors.length > MAX_TENSORS) fail('BAD_PLAN', `${spec.tensors.length} tensors, at most ${MAX_TENSORS}`);
  validateParams(spec);
  checkValues(spec);
  checkMeta(spec);
  checkPlan(spec);
  checkArenaSize(spec);
}

/** readModel plus verifyModel: what Node tools use to open a .tcm file. */
export function readVerifiedModel(bytes: ArrayBuffer | Uint8Array): ModelSpec {
  const spec = readModel(bytes);
  verifyModel(spec);
  return spec;
}
