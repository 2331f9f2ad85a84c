// `npm run bench`: our runtime against TensorFlow.js (cpu, wasm SIMD) and onnxruntime (web wasm,
// node native) on the same networks and weights. One child process per model (so one model's JIT
// state, heap and wasm instances do not colour the other's numbers); inside it every engine is
// timed round-robin. Prints the tables and writes bench/RESULTS.md.
//
//   node dist/bench/run.js [--runs 200] [--warmup 30] [--models mobilenet,lenet] [--no-write] [--no-profile]
// After the timings it profiles our runtime on MobileNetV1 (profile.ts) for RESULTS.md.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ModelResult, RESULT_MARKER, runModelBenchmark } from './child.js';
import { MODEL_IDS, type ModelId } from './models.js';
import { packageDir } from './peers.js';
import { profileModel, unminified } from './profile.js';
import { BUDGET_RAW } from '../tools/size.js';
import { floatAgreementLine, kb, modelHeading, modelTable, speedPerByteLine, targetLines } from './report.js';
import { type BundleSize, isOurs, ourBundleSizes, peerBundleSizes } from './sizes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.resolve(here, '..');
const repoRoot = path.resolve(distDir, '..');
const fixturesDir = process.env.TINYCONV_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'tflm');

interface Options {
  runs: number;
  warmup: number;
  models: ModelId[];
  write: boolean;
  profile: boolean;
  child: ModelId | null;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 200, warmup: 30, models: [...MODEL_IDS], write: true, profile: true, child: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${arg} needs a value`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench: ${arg} must be a positive integer, got ${v}`);
      return n;
    };
    const modelId = (v: string): ModelId => {
      if (!(MODEL_IDS as readonly string[]).includes(v)) throw new Error(`bench: unknown model ${v} (known: ${MODEL_IDS.join(', ')})`);
      return v as ModelId;
    };
    if (arg === '--runs') options.runs = positive(value());
    else if (arg === '--warmup') options.warmup = positive(value());
    else if (arg === '--models') options.models = value().split(',').map(modelId);
    else if (arg === '--no-write') options.write = false;
    else if (arg === '--no-profile') options.profile = false;
    else if (arg === '--child') options.child = modelId(value());
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node dist/bench/run.js [--runs 200] [--warmup 30] [--models mobilenet,lenet] [--no-write] [--no-profile]');
      process.exit(0);
    } else throw new Error(`bench: unknown option ${arg}`);
  }
  return options;
}

function runChild(id: ModelId, options: Options): Promise<ModelResult> {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), '--child', id, '--runs', String(options.runs), '--warmup', String(options.warmup)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) reject(new Error(`bench: the ${id} child exited with code ${code}\n${stdout}`));
      else resolve(JSON.parse(line.slice(RESULT_MARKER.length)));
    });
  });
}

/** Our other int8 rows must give the very bytes the fast runtime gives; say so loudly when not. */
function mismatchLines(r: ModelResult): string[] {
  const int8Rows = r.timings.map((t) => t.id).filter((id) => isOurs(id) && id !== r.reference);
  return int8Rows
    .filter((id) => (r.int8Exact[id] ?? 0) < r.samples.length)
    .map((id) => `- MISMATCH: ${id} output bytes differ from ${r.reference}'s on ${r.samples.length - (r.int8Exact[id] ?? 0)}/${r.samples.length} samples (every kernel path must be bit-exact)`);
}

function packageVersion(name: string): string {
  return JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')).version;
}

/** The commit the runtime was built from: BENCH_COMMIT when set (e.g. a build from `git archive`),
 *  else git's HEAD, marked dirty when src/ has uncommitted changes. */
function commitDescription(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  const git = (args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git(['status', '--porcelain', '--', 'src']).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' + uncommitted changes in src/' : ''}`;
}

function environment(): string[] {
  const cpus = os.cpus();
  const versions = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-web', 'onnxruntime-node'].map((p) => `${p} ${packageVersion(p)}`);
  return [
    `- machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()} ${os.arch()}`,
    `- Node ${process.version} (V8 ${process.versions.v8}); ${versions.join(', ')}`,
    `- tinyconv commit: ${commitDescription()}`,
    `- date: ${new Date().toISOString()}; load average before the run (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (other jobs share the cores; p10-p90 shows the spread)`,
  ];
}

function bundleLines(all: BundleSize[]): string[] {
  return all.map((b) => `- ${b.id}: ${kb(b.bytes)}${Number.isFinite(b.gzipBytes) ? ` (${kb(b.gzipBytes)} gzip)` : ''} = ${b.files.join(' + ')}${b.note ? ` (${b.note})` : ''}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.child) {
    const result = await runModelBenchmark(options.child, { runs: options.runs, warmup: options.warmup, fixturesDir, modelsDir: path.join(repoRoot, 'models') });
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
    // onnxruntime-web keeps handles open; the parent waits for exit.
    process.exit(0);
  }
  const started = Date.now();
  const env = environment();
  const results: ModelResult[] = [];
  for (const id of options.models) {
    console.error(`bench: ${id} (${options.runs} runs, warm-up ${options.warmup}) ...`);
    results.push(await runChild(id, options));
  }
  // Profile the SIMD and the pure-JS bundles: the two that carry issue 6's speed targets.
  let profile = '';
  if (options.profile && options.models.includes('mobilenet')) {
    for (const bundleId of ['tinyconv-simd', 'tinyconv-js'].filter((b) => unminified(b) !== null)) {
      console.error(`bench: profiling ${bundleId} on mobilenet ...`);
      profile += `### ${bundleId}\n\n${profileModel('mobilenet', 100, bundleId)}\n\n`;
    }
    profile = profile.trimEnd();
  }
  const ourBundles = ourBundleSizes(distDir);
  const peers = peerBundleSizes();
  const bundles = [...ourBundles, ...peers];
  const sections = results.map((r) => {
    const perByte = speedPerByteLine(r, bundles);
    return [
      modelHeading(r),
      '',
      modelTable(r, bundles),
      '',
      `- ${floatAgreementLine(r)}`,
      ...(perByte ? [`- ${perByte}`] : []),
      `- weights: ${r.provenance}`,
      `- samples: ${r.samples.join(', ')}; our runtime: ${r.runtimeSources.join(', ')}`,
      ...(r.goldens.checked > 0 ? [`- our int8 outputs equal TFLM's golden outputs on ${r.goldens.exact}/${r.goldens.checked} samples`] : []),
      ...mismatchLines(r),
    ].join('\n');
  });
  const targets = targetLines(results, bundles, BUDGET_RAW);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const text = sections.join('\n\n');
  console.log(text);
  if (profile) console.log(`\nprofile of our runtime on MobileNetV1 0.25@96:\n${profile}`);
  console.log(`\nbundles:\n${bundleLines(bundles).join('\n')}\n\ntargets (issue 6, MobileNetV1 0.25@96):\n${targets.join('\n')}\n(${seconds} s)`);
  if (!options.write) return;
  const command = `npm run build && npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const markdown = [
    '# Benchmark results',
    '',
    'Generated by `bench/run.ts` (do not edit by hand; rerun the command).',
    '',
    ...env,
    `- command: \`${command}\` (${seconds} s)`,
    '',
    'Method: one child process per model; inside it, every built bundle of our runtime (SIMD, pure-JS',
    'fast, plain generic kernels; the first one listed is the row every ratio is taken against, the others',
    'are checked to give the very same output bytes) and every peer run the same network',
    '(the peers get our int8 weights dequantized to float32) on the same input, round-robin (each round',
    'calls every engine once, in a rotating order), after a warm-up. The timed call includes writing the',
    'input and reading the output back. A ratio > 1 means the reference row is faster. GMAC/s counts',
    'the conv/depthwise/dense multiply-accumulates of the int8 model. "argmax = ours" compares each',
    "peer's top class with ours on every sample input. Every engine is single-threaded: tfjs-wasm without",
    'its threaded build, onnxruntime-web with numThreads 1, onnxruntime-node with intra/inter-op threads 1',
    '(all with graph optimisation on). onnxruntime calls are awaited (their API is async). Model bytes:',
    'our .tcm; the ONNX protobuf; for tfjs the float32 weights (a weights.bin, without model.json).',
    '',
    text,
    '',
    '## Bundle bytes',
    '',
    ...bundleLines(bundles),
    '',
    '## Targets (issue 6, MobileNetV1 0.25@96)',
    '',
    ...targets,
    '',
    ...(profile ? ['## Where our runtime spends its time (MobileNetV1 0.25@96)', '', profile, ''] : []),
  ].join('\n');
  writeFileSync(path.join(repoRoot, 'bench', 'RESULTS.md'), markdown);
  console.error(`bench: wrote ${path.join('bench', 'RESULTS.md')}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
