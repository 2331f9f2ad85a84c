// Fuzzing the ONNX importer (issue 8): 1,000+ mutated .onnx files per run from the committed
// PyTorch fixtures (test/fixtures/onnx), 80% of the mutations aimed at everything but the weights. Each must either import and run in the float executor to an
// output of the shape shape inference declares, or be refused with a TinyconvError. Anything else,
// or a hang, fails and prints the seed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../src/onnx/import.js';
import { createExecutor } from '../../src/graph/execute.js';
import { inferShapes } from '../../src/graph/shapes.js';
import { type FuzzCase, codeOf, runCampaign, summary } from './harness.js';
import { type Ranges, mutateGeneric } from './mutate.js';
import { parseOnnxModel } from '../../src/onnx/model-proto.js';
import { ONNX_FIXTURES } from './seeds.js';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const CASES = Math.round(2000 * SCALE);
/** Float activations a fuzz case may ask the executor for (a corrupt attribute can make shapes huge). */
const MAX_VALUES = 1 << 24;

/** Everything but the float initializers' raw_data (found by their bytes): the protobuf structure,
 *  node attributes, shapes and names, where a mutation reaches more than a changed weight. */
function structure(bytes: Uint8Array): Ranges {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const weights: Array<[number, number]> = [];
  for (const t of parseOnnxModel(bytes).graph.initializers) {
    if (!(t.data instanceof Float32Array) || t.data.length < 16) continue;
    const at = file.indexOf(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    if (at >= 0) weights.push([at, at + t.data.byteLength]);
  }
  weights.sort((a, b) => a[0] - b[0]);
  const hot: Ranges = [];
  let at = 0;
  for (const [a, b] of weights) { if (a > at) hot.push([at, a]); at = Math.max(at, b); }
  if (at < bytes.length) hot.push([at, bytes.length]);
  return hot;
}

describe('ONNX fuzzing', () => {
  const seeds = readdirSync(ONNX_FIXTURES).filter((f) => f.endsWith('.onnx')).sort()
    .map((f) => { const bytes = new Uint8Array(readFileSync(join(ONNX_FIXTURES, f))); return { name: f, bytes, hot: structure(bytes) }; });

  it(`${CASES} mutated .onnx files: each imports and runs, or is refused with a TinyconvError`, { timeout: 600_000 }, () => {
    const result = runCampaign({
      name: 'onnx', file: 'test/fuzz/onnx.test.ts', cases: CASES, timeoutMs: 5000,
      make(r, i): FuzzCase {
        const s = seeds[i % seeds.length];
        const m = mutateGeneric(r, s.bytes, s.hot);
        return { origin: s.name, bytes: m.bytes, what: m.what };
      },
      attempt(c) {
        let model;
        try {
          model = importOnnx(c.bytes);
        } catch (e) {
          return codeOf(e);
        }
        // After a successful import the graph must be consistent: shape inference and the executor
        // may refuse it only with a TinyconvError, and the output must have the inferred size.
        let shapes;
        try {
          shapes = inferShapes(model.graph);
        } catch (e) {
          return 'shapes:' + codeOf(e);
        }
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        const biggest = Math.max(...Object.values(shapes).map(size));
        if (biggest > MAX_VALUES) return 'huge-activation';
        const input = new Float32Array(size(model.graph.input.shape));
        const out = createExecutor(model)(input);
        const expected = size(shapes[model.graph.output]);
        if (out.length !== expected) throw new Error(`output has ${out.length} values, shape inference says ${expected}`);
        return 'ok';
      },
    });
    console.log(summary('ONNX fuzz', result));
    expect(result.failures, result.failures.join('\n\n')).toEqual([]);
    if (!process.env.FUZZ_CASE && SCALE === 1) {
      expect(result.cases).toBeGreaterThanOrEqual(1000);
      expect(result.outcomes.ok ?? 0).toBeGreaterThan(50);
    }
  });
});
