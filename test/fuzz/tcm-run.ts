// One .tcm fuzz case (tcm-campaign.ts): what the runtime alone guarantees, then what the tool-side verifier adds.
// 1. loadModel (the runtime, as a device would run it) either refuses with a TinyconvError or loads
//    allocating no more than the declared arena plus a small constant (the plain runtime), plus, with
//    the fast runtime's planner, load-time tables bounded by the file size (ALLOCATION_PER_FILE_BYTE);
//    run() then stays inside
//    every buffer (guard.ts checks each index) and the output has the declared shape.
// 2. readVerifiedModel (src/format/verify.ts, what the Node tools use) either refuses too, or the
//    run also writes only int8 values and reads out finite numbers: no silently wrong answer.
import { readVerifiedModel } from '../../src/format/verify.js';
import { loadModel, type Model } from '../../src/runtime/model.js';
import { guardModel, trackAllocations } from './guard.js';
import { codeOf } from './harness.js';
import type { Rand } from './mutate.js';

/** What a load may allocate beyond the declared arena: a small constant, plus the load-time kernel
 *  tables (src/runtime/plan.ts: folded biases, per-channel requantization, packed pointwise weights),
 *  which are proportional to the constants in the file (the reader refuses files whose ops reference
 *  more constant bytes than they hold, so op count cannot multiply them). */
export const ALLOCATION_SLACK = 4096;
export const ALLOCATION_PER_FILE_BYTE = 8;

/** 'ok' (loaded, verified, ran), a runtime refusal code, or 'verify:CODE' (runtime ran it, the
 *  verifier refuses it). `guard`: run through the bounds-checking proxies (slow on big models). */
export function loadAndRun(bytes: Uint8Array, r: Rand, guard: boolean): string {
  let model: Model;
  let allocated: number;
  try {
    const t = trackAllocations(() => loadModel(bytes));
    model = t.result;
    allocated = t.bytes;
  } catch (e) {
    return codeOf(e);
  }
  // After a successful load nothing may fail: errors below are bugs, whatever their type.
  const planned = model.spec.ops.some((op) => (op as { plan?: unknown }).plan !== undefined);
  const budget = model.arenaBytes + ALLOCATION_SLACK + (planned ? ALLOCATION_PER_FILE_BYTE * bytes.length : 0);
  if (allocated > budget) {
    throw new Error(`load allocated ${allocated} bytes (budget ${budget}); the file (${bytes.length} bytes) declares an arena of ${model.arenaBytes}`);
  }
  let verdict = 'ok';
  try {
    readVerifiedModel(bytes);
  } catch (e) {
    verdict = 'verify:' + codeOf(e);
  }
  const pixels = new Uint8Array(model.input.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = r.int(256);
  if (guard) guardModel(model, verdict === 'ok');
  model.setInput(pixels);
  model.run();
  const declared = model.outputShape.reduce((a, b) => a * b, 1);
  if (model.output.length !== declared) throw new Error(`output has ${model.output.length} values, shape [${model.outputShape}]`);
  const out = model.readOutput();
  if (verdict === 'ok') {
    for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) throw new Error(`verified model: output ${i} is ${out[i]}`);
  }
  return verdict;
}
