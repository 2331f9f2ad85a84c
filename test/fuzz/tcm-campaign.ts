// The .tcm fuzz campaign (issue 8), split over two test files so vitest runs the halves on both
// cores: tcm-multi-op.test.ts (the hand-built model with every opcode, two seeds) and
// tcm-zoo-tflm.test.ts (a quantized zoo network, TFLM hello_world and person_detect). Together
// 10,000 mutated files per run. Each case must either load, then run to an output of the declared
// shape, or be refused with a TinyconvError; it fails on any other exception, on a hang (per-case
// timeout, see harness.ts), on a load allocating beyond its bound, and, where guarded, on any read or
// write outside a buffer during run() (tcm-run.ts, guard.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAllocationTracking, uninstallAllocationTracking } from './guard.js';
import { type FuzzCase, runCampaign, summary } from './harness.js';
import { type Rand, withHotShare } from './mutate.js';
import { tcmLayout, mutateTcm } from './tcm-mutate.js';
import { tcmSeeds } from './seeds.js';
import { loadAndRun } from './tcm-run.js';

/** FUZZ_SCALE=0.1 runs a tenth of the cases (while debugging); the count assertion needs 1. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

export interface SeedPlan {
  /** Seed name prefix (seeds.ts). */
  prefix: string;
  cases: number;
  /** Share of mutations aimed at structural bytes (person_detect: all, its weights only cost time). */
  hotShare: number;
  /** Share of loaded cases run through the bounds-checking guard (10x slower). */
  guardShare: number;
}

export function defineTcmFuzz(file: string, plans: SeedPlan[]): void {
  describe(`.tcm fuzzing (${plans.map((p) => p.prefix).join(', ')})`, () => {
    const all = tcmSeeds();
    const seeds = plans.map((p) => ({ plan: p, seed: all.find((s) => s.name.startsWith(p.prefix)) }))
      .filter((x) => x.seed !== undefined)
      .map((x) => ({ ...x.plan, ...x.seed!, cases: Math.round(x.plan.cases * SCALE), layout: tcmLayout(x.seed!.bytes) }));
    const wanted = plans.reduce((n, p) => n + p.cases, 0);
    const total = seeds.reduce((n, s) => n + s.cases, 0);
    beforeAll(installAllocationTracking);
    afterAll(uninstallAllocationTracking);

    it('every seed loads and runs unmutated, inside its buffers', () => {
      for (const s of seeds) expect(loadAndRun(s.bytes, { int: () => 0 } as unknown as Rand, s.guardShare > 0), s.name).toBe('ok');
    });

    it(`${total} mutated files: each loads and runs, or is refused with a TinyconvError`, () => {
      const result = runCampaign({
        name: '.tcm', file, cases: total, timeoutMs: 5000,
        make(r: Rand, i: number): FuzzCase {
          let k = 0;
          for (let n = seeds[0].cases; i >= n; n += seeds[++k].cases);
          const s = seeds[k];
          const m = withHotShare(s.hotShare, () => mutateTcm(r, s.bytes, s.layout));
          return { origin: s.name, bytes: m.bytes, what: m.what };
        },
        attempt(c, r) {
          const s = seeds.find((x) => x.name === c.origin)!;
          return loadAndRun(c.bytes, r, process.env.FUZZ_GUARD !== '0' && r.chance(s.guardShare));
        },
      });
      console.log(summary('.tcm fuzz', result));
      expect(result.failures, result.failures.slice(0, 10).join('\n\n')).toEqual([]);
      if (!process.env.FUZZ_CASE && SCALE === 1) {
        if (seeds.length === plans.length) expect(result.cases).toBe(wanted);
        // A fuzzer that never gets past the first check, or never loads anything, tests nothing.
        expect(result.outcomes.ok ?? 0).toBeGreaterThan(result.cases / 20);
        expect(Object.keys(result.outcomes).length).toBeGreaterThan(6);
      }
    }, 600_000);
  });
}
