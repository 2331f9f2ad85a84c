// Mutated .tcm files on Duktape (ES5, `duk`; skipped with a message when absent) and QuickJS
// (quickjs-emscripten), through the plain and the fast ES5 runtime bundles: every case must end
// exactly as it does in Node running the TypeScript source, the same refusal (code and message) or
// the same output bytes. A crash, a different error, or a hang (Duktape's child timeout) fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getQuickJS } from 'quickjs-emscripten';
import { isTinyconvError } from '../../src/format/errors.js';
import { loadModel } from '../../src/runtime/model.js';
import { ES5_BUNDLE, FAST_ES5_BUNDLE, ensureBundles } from '../runtime/fixtures/bundles.js';
import { Rand, caseSeed } from './mutate.js';
import { runSeed } from './harness.js';
import { tcmLayout, mutateTcm } from './tcm-mutate.js';
import { tcmSeeds } from './seeds.js';

const DUK = ['/usr/bin/duk', '/usr/local/bin/duk'].find((p) => existsSync(p));
if (!DUK) console.log('skip: Duktape fuzz, `duk` is absent (Debian package duktape)');
const CASES = { 'multi-op 7': 120, hello: 300 };

/** What a case ends in, as text both engines can produce. */
const DRIVER = `
function hexBytes(h) { var b = new Uint8Array(h.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(h.substr(2 * i, 2), 16); return b; }
function attempt(h) {
  var m;
  try { m = tinyconv.loadModel(hexBytes(h)); } catch (e) { return e && e.name === 'TinyconvError' ? e.code + ': ' + e.message : 'CRASH ' + e; }
  for (var i = 0; i < m.input.length; i++) m.input[i] = ((i * 37) & 255) - 128;
  try { m.run(); } catch (e) { return 'CRASH in run ' + e; }
  var out = []; for (var j = 0; j < m.output.length; j++) out.push(m.output[j]);
  return 'ok ' + out.join(',');
}
`;

/** The meta mutation that nests thousands of arrays (tcm-mutate.ts). */
function metaIsDeep(bytes: Uint8Array): boolean {
  return Buffer.from(bytes).includes('[[[[[[[[[[[[[[[[');
}

function nodeOutcome(bytes: Uint8Array): string {
  let m;
  try { m = loadModel(bytes); } catch (e) { return isTinyconvError(e) ? `${e.code}: ${e.message}` : `CRASH ${String(e)}`; }
  for (let i = 0; i < m.input.length; i++) m.input[i] = ((i * 37) & 255) - 128;
  m.run();
  return `ok ${Array.from(m.output).join(',')}`;
}

/** The mutated files of a run and what Node running the source makes of each. */
function buildCases(seed: number): { cases: Uint8Array[]; expected: string[] } {
  const cases: Uint8Array[] = [];
  for (const s of tcmSeeds()) {
    const n = Object.entries(CASES).find(([k]) => s.name.startsWith(k))?.[1] ?? 0;
    const layout = tcmLayout(s.bytes);
    for (let i = 0; i < n; i++) cases.push(mutateTcm(new Rand(caseSeed(seed, 900000 + cases.length)), s.bytes, layout).bytes);
  }
  return { cases, expected: cases.map(nodeOutcome) };
}

function script(bundlePath: string, cases: Uint8Array[], emit: string): string {
  const hex = cases.map((b) => `'${Buffer.from(b).toString('hex')}'`).join(',\n');
  return `${readFileSync(bundlePath, 'utf8')}\n${DRIVER}\nvar cases = [${hex}];\nvar lines = [];\n` +
    `for (var k = 0; k < cases.length; k++) lines.push(attempt(cases[k]));\n${emit}`;
}

/** Compares an engine's lines with Node's; the engine-limit differences are counted, not failed. */
function compare(engine: string, flavor: string, seed: number, cases: Uint8Array[], expected: string[], got: string[]): void {
  // Two differences are the engines' limits, not bugs: a small engine cannot allocate a 2 GB arena
  // that V8 reserves lazily (BAD_ARENA instead of a run), and Duktape's JSON.parse refuses meta
  // nested thousands deep that V8 accepts (BAD_META).
  const limits = { arena: 0, nesting: 0 };
  const diffs = expected.map((e, k) => {
    if (e === got[k]) return '';
    if (e.startsWith('ok') && got[k]?.startsWith('BAD_ARENA: cannot allocate')) { limits.arena++; return ''; }
    if (e.startsWith('ok') && got[k]?.startsWith('BAD_META') && metaIsDeep(cases[k])) { limits.nesting++; return ''; }
    return `FUZZ_SEED=${seed} case ${k}: node '${e}' ${engine} '${got[k]}'`;
  }).filter(Boolean);
  expect(diffs.slice(0, 10).join('\n')).toBe('');
  expect(got).toHaveLength(cases.length);
  const ok = expected.filter((e) => e.startsWith('ok')).length;
  console.log(`${engine} fuzz (${flavor}): ${cases.length} cases, seed ${seed}: ${ok} ran in Node, ${cases.length - ok} refused; ` +
    `every case identical on ${engine} except ${limits.arena} unallocatable arenas and ${limits.nesting} deeply nested metas it refuses`);
  expect(ok).toBeGreaterThan(20);
}

beforeAll(ensureBundles, 300_000);

// The plain runtime and the fast one (load-time plans, fast kernels) must both end like Node's plain source.
for (const [flavor, bundlePath] of [['plain', ES5_BUNDLE], ['fast', FAST_ES5_BUNDLE]]) describe(`.tcm fuzzing on small engines (${flavor} runtime)`, () => {
  const total = Object.values(CASES).reduce((a, b) => a + b, 0);

  it.skipIf(!DUK)(`${total} mutated files end the same on Duktape as in Node`, { timeout: 600_000 }, () => {
    const seed = runSeed();
    const { cases, expected } = buildCases(seed);
    const dir = mkdtempSync(join(tmpdir(), 'tinyconv-duk-fuzz-'));
    try {
      const file = join(dir, 'fuzz.js');
      writeFileSync(file, script(bundlePath, cases, 'for (var j = 0; j < lines.length; j++) print(lines[j]);\n'));
      const got = execFileSync(DUK!, [file], { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 26 }).trimEnd().split('\n');
      compare('Duktape', flavor, seed, cases, expected, got);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`${total} mutated files end the same on QuickJS as in Node`, { timeout: 600_000 }, async () => {
    const seed = runSeed();
    const { cases, expected } = buildCases(seed);
    const QuickJS = await getQuickJS();
    const vm = QuickJS.newContext();
    try {
      const handle = vm.unwrapResult(vm.evalCode(script(bundlePath, cases, 'lines.join("\\n")'), 'fuzz.js'));
      const got = vm.getString(handle).split('\n');
      handle.dispose();
      compare('QuickJS', flavor, seed, cases, expected, got);
    } finally {
      vm.dispose();
    }
  });
});
