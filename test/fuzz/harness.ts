// The fuzz loop shared by the .tcm, ONNX and TFLite fuzzers.
// - Reproducible: the run seed is FUZZ_SEED (default below) and case i mutates with caseSeed(seed, i);
//   FUZZ_CASE=i runs that one case alone. Every failure names the seed, the case and the mutation.
// - Time-bounded: each case runs inside vm.Script#runInThisContext with a timeout, which V8
//   enforces by terminating the running JavaScript, so even a synchronous endless loop in a parser
//   or kernel ends the case (and fails it) instead of hanging the suite.
// - Outcomes: `attempt` returns 'ok' or the TinyconvError code; anything else it throws is a bug.
import vm from 'node:vm';
import { isTinyconvError } from '../../src/format/errors.js';
import { Rand, caseSeed } from './mutate.js';

export const DEFAULT_SEED = 20261122;

export function runSeed(): number {
  const env = process.env.FUZZ_SEED;
  return env !== undefined && env !== '' ? Number(env) >>> 0 : DEFAULT_SEED;
}

export interface FuzzCase {
  /** Which seed file was mutated. */
  origin: string;
  bytes: Uint8Array;
  what: string[];
}

export interface Campaign {
  name: string;
  /** The test file, for the reproduce command. */
  file: string;
  cases: number;
  make(r: Rand, index: number): FuzzCase;
  /** Loads (and, on success, runs) the bytes: 'ok', or a TinyconvError's code (returned, not thrown). */
  attempt(c: FuzzCase, r: Rand): string;
  timeoutMs: number;
}

export interface CampaignResult {
  seed: number;
  cases: number;
  outcomes: Record<string, number>;
  perOrigin: Record<string, Record<string, number>>;
  /** Milliseconds spent per origin. */
  originMs: Record<string, number>;
  failures: string[];
  /** Distinct failure messages (first line) with a count, for the summary. */
  failureKinds: Record<string, number>;
  slowestMs: number;
  ms: number;
}

const slot = globalThis as unknown as { __tinyconvFuzzCase?: () => void };
const script = new vm.Script('__tinyconvFuzzCase()', { filename: 'fuzz-case.vm' });

export function runCampaign(c: Campaign): CampaignResult {
  const seed = runSeed();
  const only = process.env.FUZZ_CASE;
  const first = only ? Number(only) : 0;
  const last = only ? Number(only) + 1 : c.cases;
  const result: CampaignResult = { seed, cases: 0, outcomes: {}, perOrigin: {}, originMs: {}, failures: [], failureKinds: {}, slowestMs: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = first; i < last; i++) {
    const r = new Rand(caseSeed(seed, i));
    let fc: FuzzCase | undefined;
    let outcome = '';
    let error: unknown;
    slot.__tinyconvFuzzCase = () => {
      fc = c.make(r, i);
      outcome = c.attempt(fc, r);
    };
    const start = performance.now();
    try {
      script.runInThisContext({ timeout: c.timeoutMs });
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - start;
    if (ms > result.slowestMs) result.slowestMs = ms;
    result.cases++;
    if (error !== undefined) {
      const timedOut = (error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
      const what = fc ? `${fc.origin}: ${fc.what.join('; ')}` : 'while mutating';
      const msg = timedOut ? `hang: no result after ${c.timeoutMs} ms` : `${(error as Error).name}: ${(error as Error).message}` +
        (isTinyconvError(error) ? ' (a TinyconvError after a successful load)' : '') + `\n${String((error as Error).stack).split('\n').slice(1, 4).join('\n')}`;
      const kind = msg.split('\n')[0].replace(/-?\d+/g, 'N');
      result.failureKinds[kind] = (result.failureKinds[kind] ?? 0) + 1;
      if (result.failureKinds[kind] <= 2) result.failures.push(`FUZZ_SEED=${seed} FUZZ_CASE=${i} npx vitest run ${c.file}  [${what}]\n  ${msg}`);
      outcome = timedOut ? '(hang)' : '(crash)';
    }
    result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
    const origin = fc?.origin ?? '?';
    result.originMs[origin] = (result.originMs[origin] ?? 0) + ms;
    const per = (result.perOrigin[origin] ??= {});
    per[outcome] = (per[outcome] ?? 0) + 1;
  }
  slot.__tinyconvFuzzCase = undefined;
  result.ms = performance.now() - t0;
  return result;
}

/** Turns an exception from a loader into its TinyconvError code, rethrowing anything else. */
export function codeOf(e: unknown): string {
  if (isTinyconvError(e)) return e.code;
  throw e;
}

export function summary(name: string, r: CampaignResult): string {
  const codes = Object.keys(r.outcomes).filter((k) => k !== 'ok').sort();
  const lines = [
    `${name}: ${r.cases} cases, seed ${r.seed}, ${(r.ms / 1000).toFixed(1)} s (slowest case ${r.slowestMs.toFixed(0)} ms)`,
    `  loaded and ran: ${r.outcomes.ok ?? 0}; refused with ${codes.length} distinct codes: ` +
      codes.map((k) => `${k} ${r.outcomes[k]}`).join(', '),
  ];
  for (const [origin, per] of Object.entries(r.perOrigin)) {
    lines.push(`  ${origin} (${((r.originMs[origin] ?? 0) / 1000).toFixed(1)} s): ` + Object.entries(per).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));
  }
  for (const [kind, n] of Object.entries(r.failureKinds)) lines.push(`  FAILURE x${n}: ${kind}`);
  return lines.join('\n');
}
