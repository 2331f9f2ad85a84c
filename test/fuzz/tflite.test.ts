// Fuzzing the TFLite importer end to end (issue 8): 1,000+ mutated .tflite files per run from TFLM's
// hello_world and person_detect. Each must either import, write, load and run to an output of the
// declared shape (tcm-run.ts: allocation bounded, no access outside a buffer for the small model),
// or be refused with a TinyconvError somewhere along that path. Anything else, or a hang, fails.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTflite, parseTflite } from '../../src/tflite/index.js';
import { writeModel } from '../../src/format/writer.js';
import { installAllocationTracking, uninstallAllocationTracking } from './guard.js';
import { type FuzzCase, codeOf, runCampaign, summary } from './harness.js';
import { type Ranges, mutateGeneric, withHotShare } from './mutate.js';
import { TFLM } from './seeds.js';
import { loadAndRun } from './tcm-run.js';

const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const FILES = [{ file: 'hello_world_int8.tflite', cases: 900 }, { file: 'person_detect.tflite', cases: 250 }];
const present = FILES.filter((f) => existsSync(join(TFLM, f.file)));
if (present.length < FILES.length) console.log(`skip: some TFLM fixtures absent under ${TFLM}`);

/** Everything but the weight buffers: the flatbuffer tables, vectors and strings. */
function structure(bytes: Uint8Array): Ranges {
  const buffers = parseTflite(bytes).buffers
    .filter((b) => b.length > 64 && b.buffer === bytes.buffer)
    .map((b) => [b.byteOffset - bytes.byteOffset, b.byteOffset - bytes.byteOffset + b.length] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const hot: Ranges = [];
  let at = 0;
  for (const [a, b] of buffers) { if (a > at) hot.push([at, a]); at = Math.max(at, b); }
  if (at < bytes.length) hot.push([at, bytes.length]);
  return hot;
}

describe.skipIf(present.length === 0)('TFLite fuzzing', () => {
  const seeds = present.map((f) => {
    const bytes = new Uint8Array(readFileSync(join(TFLM, f.file)));
    return { ...f, bytes, hot: structure(bytes), cases: Math.round(f.cases * SCALE) };
  });
  const total = seeds.reduce((n, s) => n + s.cases, 0);
  beforeAll(installAllocationTracking);
  afterAll(uninstallAllocationTracking);

  it(`${total} mutated .tflite files: each imports and runs, or is refused with a TinyconvError`, { timeout: 600_000 }, () => {
    const result = runCampaign({
      name: 'tflite', file: 'test/fuzz/tflite.test.ts', cases: total, timeoutMs: 5000,
      make(r, i): FuzzCase {
        let k = 0;
        for (let n = seeds[0].cases; i >= n; n += seeds[++k].cases);
        const s = seeds[k];
        // person_detect is 300 KB of weights: flips there only cost run time, so aim at structure
        // (its table bytes are few, so 10% of cases still land anywhere and mostly import and run).
        const m = withHotShare(s.file.startsWith('person') ? 0.9 : 0.8, () => mutateGeneric(r, s.bytes, s.hot));
        return { origin: s.file, bytes: m.bytes, what: m.what };
      },
      attempt(c, r) {
        let tcm: Uint8Array;
        try {
          tcm = writeModel(importTflite(c.bytes));
        } catch (e) {
          return 'import:' + codeOf(e);
        }
        return loadAndRun(tcm, r, c.origin.startsWith('hello'));
      },
    });
    console.log(summary('TFLite fuzz', result));
    expect(result.failures, result.failures.join('\n\n')).toEqual([]);
    if (!process.env.FUZZ_CASE && SCALE === 1 && present.length === FILES.length) {
      expect(result.cases).toBeGreaterThanOrEqual(1000);
      expect(result.outcomes.ok ?? 0).toBeGreaterThan(50);
    }
  });
});
