// Corrupt float models (.json architecture + .bin weights, docs/float-format.md), as `tinyconv
// quantize` and `report` read them: each seeded mutation of the JSON text, of its parsed values, or
// of the weight bytes must be refused with a TinyconvError, or load into a graph that shape
// inference and the float executor run to an output of the inferred size.
import { describe, expect, it } from 'vitest';
import { formatGraphJson, parseFloatModel } from '../../src/graph/io.js';
import { floatsToBytes } from '../../src/graph/io.js';
import { createExecutor } from '../../src/graph/execute.js';
import { inferShapes } from '../../src/graph/shapes.js';
import { type FuzzCase, codeOf, runCampaign, summary } from './harness.js';
import { INTERESTING_I32, type Rand, mutateGeneric } from './mutate.js';
import { tinyFloatModel } from '../report/tiny-model.js';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const CASES = Math.round(3000 * SCALE);
const MAX_VALUES = 1 << 22;

/** Replaces one value somewhere in the parsed JSON by a hostile one. */
function mutateValue(r: Rand, v: unknown): unknown {
  const evil = [null, 0, -1, 1e9, NaN, 'x', [], {}, true, r.pick(INTERESTING_I32), [1e9, 1e9, 1e9]];
  if (Array.isArray(v)) {
    if (v.length && r.chance(0.7)) { const i = r.int(v.length); v[i] = mutateValue(r, v[i]); return v; }
    return r.chance(0.5) ? v.slice(0, r.int(v.length + 1)) : r.pick(evil);
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    const o = v as Record<string, unknown>;
    if (keys.length && r.chance(0.8)) {
      const k = r.pick(keys);
      if (r.chance(0.15)) delete o[k];
      else o[k] = mutateValue(r, o[k]);
      return o;
    }
    return r.pick(evil);
  }
  return r.pick(evil);
}

describe('float model fuzzing', () => {
  const model = tinyFloatModel(8, 3);
  const json = formatGraphJson(model.graph);
  const bin = floatsToBytes(model.weights);

  it(`${CASES} corrupt float models: each loads and runs, or is refused with a TinyconvError`, { timeout: 600_000 }, () => {
    const result = runCampaign({
      name: 'float', file: 'test/fuzz/float-model.test.ts', cases: CASES, timeoutMs: 5000,
      make(r): FuzzCase {
        const kind = r.int(3);
        if (kind === 0) return { origin: 'json values', bytes: new TextEncoder().encode(JSON.stringify(mutateValue(r, JSON.parse(json)))), what: ['value'] };
        if (kind === 1) { const m = mutateGeneric(r, new TextEncoder().encode(json)); return { origin: 'json bytes', bytes: m.bytes, what: m.what }; }
        const m = mutateGeneric(r, bin);
        return { origin: 'bin bytes', bytes: m.bytes, what: m.what };
      },
      attempt(c) {
        let m;
        try {
          const text = c.origin === 'bin bytes' ? json : new TextDecoder().decode(c.bytes);
          let parsed: unknown;
          try { parsed = JSON.parse(text); } catch { return 'not JSON'; } // the CLI's reader reports this itself
          m = parseFloatModel(parsed as object, c.origin === 'bin bytes' ? c.bytes : bin, 'fuzz.json');
        } catch (e) {
          return codeOf(e);
        }
        let shapes;
        try { shapes = inferShapes(m.graph); } catch (e) { return 'shapes:' + codeOf(e); }
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        if (Math.max(...Object.values(shapes).map(size)) > MAX_VALUES) return 'huge';
        let out;
        try { out = createExecutor(m)(new Float32Array(size(m.graph.input.shape))); } catch (e) { return 'run:' + codeOf(e); }
        if (out.length !== size(shapes[m.graph.output])) throw new Error(`output ${out.length} values, inferred ${size(shapes[m.graph.output])}`);
        return 'ok';
      },
    });
    console.log(summary('float model fuzz', result));
    expect(result.failures, result.failures.join('\n\n')).toEqual([]);
  });
});
