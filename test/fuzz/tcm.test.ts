// Fuzzing the .tcm loader and runtime (issue 8): 10,000+ mutated files per run from five valid seeds.
// Each case must either load, then run to an output of the declared shape, or be refused with a
// TinyconvError. It fails on any other exception, on a hang (per-case timeout, see harness.ts), on a
// load that allocates more than the declared arena plus a small constant, and, for the small seeds,
// on any read or write outside a buffer during run() (guard.ts checks every index).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAllocationTracking, uninstallAllocationTracking } from './guard.js';
import { type FuzzCase, runCampaign, summary } from './harness.js';
import { type Rand, withHotShare } from './mutate.js';
import { tcmLayout, mutateTcm, type TcmLayout } from './tcm-mutate.js';
import { tcmSeeds } from './seeds.js';
import { loadAndRun } from './tcm-run.js';

/** Cases per seed name prefix; person_detect is large, so fewer of its (slow-running) cases. */
const CASES: Record<string, number> = { 'multi-op 7': 3000, 'multi-op 11': 2700, zoo: 2000, hello: 2000, person: 300 };

/** FUZZ_SCALE=0.1 runs a tenth of the cases (while debugging); the count assertion needs 1. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

function casesFor(name: string): number {
  for (const k of Object.keys(CASES)) if (name.startsWith(k)) return Math.round(CASES[k] * SCALE);
  return Math.round(1000 * SCALE);
}

describe('.tcm fuzzing', () => {
  const seeds = tcmSeeds();
  const layouts: TcmLayout[] = seeds.map((s) => tcmLayout(s.bytes));
  const total = seeds.reduce((n, s) => n + casesFor(s.name), 0);
  beforeAll(installAllocationTracking);
  afterAll(uninstallAllocationTracking);

  it('every seed loads and runs unmutated, inside its buffers', () => {
    for (const s of seeds) expect(loadAndRun(s.bytes, { int: () => 0 } as unknown as Rand, !s.name.startsWith('person')), s.name).toBe('ok');
  });

  it(`${total} mutated files: each loads and runs, or is refused with a TinyconvError`, () => {
    // Case i belongs to the seed whose cumulative range holds i.
    const bounds: number[] = [];
    seeds.reduce((n, s) => { bounds.push(n + casesFor(s.name)); return n + casesFor(s.name); }, 0);
    const result = runCampaign({
      name: '.tcm', file: 'test/fuzz/tcm.test.ts', cases: total, timeoutMs: 5000,
      make(r: Rand, i: number): FuzzCase {
        let k = 0;
        while (i >= bounds[k]) k++;
        // person_detect's bytes are mostly weights, whose flips only cost run time: aim at structure.
        const m = withHotShare(seeds[k].name.startsWith('person') ? 1 : 0.8, () => mutateTcm(r, seeds[k].bytes, layouts[k]));
        return { origin: seeds[k].name, bytes: m.bytes, what: m.what };
      },
      // Guarded runs are 10x slower: every small-model case, a quarter of the zoo's, no person_detect.
      attempt: (c, r) => loadAndRun(c.bytes, r, process.env.FUZZ_GUARD !== '0' && (c.origin.startsWith('multi') || c.origin.startsWith('hello') || (c.origin.startsWith('zoo') && r.chance(0.25)))),
    });
    console.log(summary('.tcm fuzz', result));
    expect(result.failures, result.failures.slice(0, 10).join('\n\n')).toEqual([]);
    if (!process.env.FUZZ_CASE && SCALE === 1) {
      expect(result.cases).toBeGreaterThanOrEqual(seeds.length >= 5 ? 10000 : 7000);
      // A fuzzer that never gets past the first check, or never loads anything, tests nothing.
      expect(result.outcomes.ok ?? 0).toBeGreaterThan(result.cases / 20);
      expect(Object.keys(result.outcomes).length).toBeGreaterThan(6);
    }
  });
});
