// Where our runtime spends its time on a benchmarked model, two ways:
// 1. per op, timed through run()'s per-op hook (performance.now() between hooks), summed by op
//    kind and shape class, with each group's share and GMAC/s;
// 2. per function, from a V8 CPU profile (`node --cpu-prof`) of the unminified bundle, self time
//    (WebAssembly kernels show up as wasm-function entries).
//
//   node dist/bench/profile.js [--model mobilenet] [--runs 300] [--bundle tinyconv-simd|tinyconv-js|tinyconv-plain]
// The parent re-runs itself under --cpu-prof, then summarises the .cpuprofile. run.ts calls
// profileModel() so bench/RESULTS.md always carries the profile of the kernels it timed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ModelId, MODEL_IDS, loadBenchModel } from './models.js';
import { RUNTIME_BUNDLES } from './sizes.js';
import { OP_CONV2D, OP_DENSE, OP_DEPTHWISE_CONV2D, type ModelSpec, type OpSpec } from '../src/format/schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.resolve(here, '..');
const repoRoot = path.resolve(distDir, '..');
const fixturesDir = process.env.TINYCONV_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'tflm');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A name for the kernel an op goes to: kind plus the shape class the fast paths key on. */
export function opGroup(op: OpSpec, spec: ModelSpec): string {
  const input = spec.tensors[op.inputs[0]];
  if (op.type === OP_CONV2D) {
    const k = `${op.kernelH}x${op.kernelW}`;
    return op.kernelH === 1 && op.kernelW === 1 && op.strideH === 1 && op.strideW === 1 ? 'conv 1x1 (pointwise)' : `conv ${k} s${op.strideH} in ${input.shape[2]}ch`;
  }
  if (op.type === OP_DEPTHWISE_CONV2D) return `depthwise ${op.kernelH}x${op.kernelW} s${op.strideH}${op.depthMultiplier > 1 ? ` x${op.depthMultiplier}` : ''}`;
  if (op.type === OP_DENSE) return 'dense';
  return OTHER_OP_NAMES[op.type] ?? `op type ${op.type}`;
}

const OTHER_OP_NAMES: Record<number, string> = {
  4: 'max pool', 5: 'average pool', 6: 'global average pool', 7: 'add', 8: 'mul', 9: 'concat',
  10: 'reshape', 11: 'pad', 12: 'lookup table', 13: 'softmax', 14: 'requantize',
};

function opMacs(op: OpSpec, spec: ModelSpec): number {
  const input = spec.tensors[op.inputs[0]];
  const out = spec.tensors[op.outputs[0]].shape.reduce((a, b) => a * b, 1);
  if (op.type === OP_CONV2D) return out * op.kernelH * op.kernelW * (input.shape[2] / op.groups);
  if (op.type === OP_DEPTHWISE_CONV2D) return out * op.kernelH * op.kernelW;
  if (op.type === OP_DENSE) return op.weights.length;
  return 0;
}

/** The unminified twin of a built bundle (readable function names in the profile), or null. */
export function unminified(bundleId: string): string | null {
  const bundle = RUNTIME_BUNDLES.find((b) => b.id === bundleId);
  const file = bundle ? path.join(distDir, bundle.file.replace('.min.mjs', '.mjs')) : '';
  return bundle && existsSync(file) ? file : null;
}

async function child(id: ModelId, runs: number, bundleId: string): Promise<void> {
  const file = unminified(bundleId);
  if (!file) throw new Error(`profile: bundle ${bundleId} is not built (npm run build)`);
  const runtime = await import(pathToFileURL(file).href);
  const model = loadBenchModel(id, fixturesDir, path.join(repoRoot, 'models'));
  const ours = runtime.loadModel(model.tcm);
  ours.input.set(model.samples[0].data);
  const spec = model.spec;
  const opTimes = new Float64Array(spec.ops.length);
  for (let i = 0; i < 30; i++) ours.run();
  // Per-op times through the hook.
  let last = 0;
  const hook = (index: number) => {
    const now = performance.now();
    opTimes[index] += now - last;
    last = now;
  };
  for (let r = 0; r < runs; r++) {
    last = performance.now();
    ours.run(hook);
  }
  // Plain runs for the CPU profile (no hook overhead).
  const start = performance.now();
  for (let r = 0; r < runs; r++) ours.run();
  const perRun = (performance.now() - start) / runs;
  const groups = new Map<string, { ms: number; macs: number; ops: number; outputs: number }>();
  spec.ops.forEach((op, i) => {
    const g = opGroup(op, spec);
    const entry = groups.get(g) ?? { ms: 0, macs: 0, ops: 0, outputs: 0 };
    entry.ms += opTimes[i] / runs;
    entry.macs += opMacs(op, spec);
    entry.ops++;
    entry.outputs += spec.tensors[op.outputs[0]].shape.reduce((a, b) => a * b, 1);
    groups.set(g, entry);
  });
  const total = [...groups.values()].reduce((a, g) => a + g.ms, 0);
  const totalMacs = [...groups.values()].reduce((a, g) => a + g.macs, 0);
  const sorted = [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms);
  console.log(`${model.title}, ${runs} runs of ${path.relative(repoRoot, file)}: ${perRun.toFixed(3)} ms per run without the per-op hook, ${total.toFixed(3)} ms with it.`);
  console.log('\n| kernel group | ops | ms per run | share of time | share of MACs | GMAC/s | ns per output value |\n|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, g] of sorted) {
    const gmacs = g.macs > 0 ? (g.macs / (g.ms * 1e-3) / 1e9).toFixed(3) : '-';
    const macShare = `${((100 * g.macs) / totalMacs).toFixed(1)}%`;
    console.log(`| ${name} | ${g.ops} | ${g.ms.toFixed(3)} | ${((100 * g.ms) / total).toFixed(1)}% | ${macShare} | ${gmacs} | ${((g.ms * 1e6) / g.outputs).toFixed(1)} |`);
  }
  // The one-line answer to "which kernels dominate": the groups that make up 90% of the time.
  const dominant: string[] = [];
  let covered = 0;
  for (const [name, g] of sorted) {
    if (covered >= 0.9 * total) break;
    covered += g.ms;
    dominant.push(`${name} ${((100 * g.ms) / total).toFixed(0)}% of the time for ${((100 * g.macs) / totalMacs).toFixed(0)}% of the MACs`);
  }
  console.log(`\nDominant kernels (90% of the time): ${dominant.join('; ')}.`);
}

function summariseProfile(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const rows = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `| ${name} | ${(us / 1e3).toFixed(1)} | ${((100 * us) / total).toFixed(1)}% |`);
  return [
    '',
    `CPU profile of the whole child process (self time, top ${top} of ${self.size} functions, ${(total / 1e3).toFixed(0)} ms sampled; model loading included):`,
    '',
    '| function (file:line in the unminified bundle) | self ms | share |',
    '|---|---:|---:|',
    ...rows,
  ].join('\n');
}

/** Profile our runtime on `id`: per-op-kind table (from a child run under --cpu-prof) followed by
 *  the CPU profile's top functions, as Markdown. */
export function profileModel(id: ModelId, runs: number, bundleId: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tinyconv-prof-'));
  try {
    const script = fileURLToPath(import.meta.url);
    const result = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, script, '--child', '--model', id, '--runs', String(runs), '--bundle', bundleId], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`profile: the child exited with ${result.status}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('profile: no .cpuprofile written');
    return `${result.stdout.trimEnd()}\n${summariseProfile(path.join(dir, file), 12)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const get = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const id = get('--model', 'mobilenet') as ModelId;
  if (!MODEL_IDS.includes(id)) throw new Error(`profile: unknown model ${id} (known: ${MODEL_IDS.join(', ')})`);
  const runs = Number(get('--runs', '300'));
  if (!(runs >= 1)) throw new Error(`profile: --runs must be a positive number`);
  const bundleId = get('--bundle', RUNTIME_BUNDLES.map((b) => b.id).find((b) => unminified(b) !== null) ?? 'tinyconv-js');
  if (argv.includes('--child')) return child(id, runs, bundleId);
  console.log(profileModel(id, runs, bundleId));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  });
}
