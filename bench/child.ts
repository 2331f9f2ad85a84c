// One model's benchmark, run in its own process (spawned by run.ts): set up our runtime and every
// peer on the same network, check they agree, time them round-robin, print one JSON line.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countMacs, dequantizeTensor } from './dequantize.js';
import { runFloatReference } from './float-reference.js';
import { type BenchModel, type ModelId, loadBenchModel } from './models.js';
import { createOrtPeers, createTfjsPeers, floatWeightBytes, type Peer } from './peers.js';
import { RUNTIME_BUNDLES } from './sizes.js';
import { type TimedRunner, type Timing, timeRoundRobin } from './timing.js';

export const RESULT_MARKER = 'BENCH_RESULT ';

export interface Agreement {
  id: string;
  /** Samples whose argmax equals ours. */
  argmaxEqual: number;
  samples: number;
  /** Largest |peer - ours| over the outputs (ours dequantized). */
  maxDiffVsOurs: number;
  /** Largest |peer - float reference| (the float peers must all compute the same function). */
  maxDiffVsFloat: number;
}

export interface ModelResult {
  id: ModelId;
  title: string;
  provenance: string;
  macs: number;
  ourModelBytes: number;
  onnxBytes: number;
  floatWeightBytes: number;
  /** Which file each of our rows loaded. */
  runtimeSources: string[];
  /** Our best row (the first bundle built): every ratio is taken against it. */
  reference: string;
  timings: Timing[];
  agreement: Agreement[];
  samples: string[];
  /** Samples with a TFLM golden output, and how many of them our int8 output equals exactly. */
  goldens: { checked: number; exact: number };
  /** For our other int8 rows: samples on which their output bytes equal the reference row's. */
  int8Exact: Record<string, number>;
}

interface Int8Runner {
  id: string;
  input: Int8Array;
  output: Int8Array;
  run(): void;
}

/** Load every built runtime bundle (RUNTIME_BUNDLES, best first); with none built, the tsc output
 *  of the plain runtime. */
async function loadRuntimes(distDir: string, tcm: Uint8Array): Promise<{ runners: Int8Runner[]; sources: string[] }> {
  let found = RUNTIME_BUNDLES.map((b) => ({ ...b, path: path.join(distDir, b.file) })).filter((b) => existsSync(b.path));
  if (found.length === 0) found = [{ id: 'tinyconv-plain', file: '', label: '', path: path.join(distDir, 'src', 'runtime', 'index.js') }];
  const runners: Int8Runner[] = [];
  for (const b of found) {
    const runtime = await import(pathToFileURL(b.path).href);
    const model = runtime.loadModel(tcm);
    runners.push({ id: b.id, input: model.input, output: model.output, run: () => model.run() });
  }
  return { runners, sources: found.map((b) => `${b.id} = ${path.relative(path.dirname(distDir), b.path)}`) };
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** tfjs prints a "use tfjs-node" banner through console.warn/log; keep the bench output clean. */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const { log, warn } = console;
  console.log = console.warn = () => {};
  try {
    return await f();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

export async function runModelBenchmark(id: ModelId, options: { runs: number; warmup: number; fixturesDir: string; modelsDir: string }): Promise<ModelResult> {
  const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const model: BenchModel = loadBenchModel(id, options.fixturesDir, options.modelsDir);
  const runtimes = await loadRuntimes(distDir, model.tcm);
  const int8Runners = runtimes.runners;
  const ours = int8Runners[0];
  const inputTensor = model.spec.tensors[model.spec.input];
  const outputTensor = model.spec.tensors[model.spec.output];

  const peers: Peer[] = [...(await quietly(() => createTfjsPeers(model.net))), ...(await createOrtPeers(model.net))];
  peers.push({ id: 'js-float-naive', modelBytes: floatWeightBytes(model.net), run: (x) => runFloatReference(model.net, x) });

  // Agreement on every sample: our other int8 rows byte for byte, the float peers by argmax.
  const agreement: Agreement[] = peers.map((p) => ({ id: p.id, argmaxEqual: 0, samples: 0, maxDiffVsOurs: 0, maxDiffVsFloat: 0 }));
  const goldens = { checked: 0, exact: 0 };
  const int8Exact: Record<string, number> = {};
  for (const sample of model.samples) {
    for (const r of int8Runners) {
      r.input.set(sample.data);
      r.run();
      if (r !== ours && r.output.every((v, i) => v === ours.output[i])) int8Exact[r.id] = (int8Exact[r.id] ?? 0) + 1;
    }
    if (sample.golden) {
      goldens.checked++;
      if (sample.golden.length === ours.output.length && sample.golden.every((v, i) => v === ours.output[i])) goldens.exact++;
    }
    const ourOut = dequantizeTensor(ours.output, outputTensor);
    const real = dequantizeTensor(sample.data, inputTensor);
    const reference = runFloatReference(model.net, real);
    for (let k = 0; k < peers.length; k++) {
      if (peers[k].before) await peers[k].before!();
      const out = await peers[k].run(real);
      const a = agreement[k];
      a.samples++;
      if (argmax(out) === argmax(ourOut)) a.argmaxEqual++;
      a.maxDiffVsOurs = Math.max(a.maxDiffVsOurs, maxAbsDiff(out, ourOut));
      a.maxDiffVsFloat = Math.max(a.maxDiffVsFloat, maxAbsDiff(out, reference));
    }
  }

  // Timing on the first sample.
  const sample = model.samples[0].data;
  const real = dequantizeTensor(sample, inputTensor);
  const int8Timed = (r: Int8Runner): TimedRunner => ({
    id: r.id,
    call: () => {
      r.input.set(sample);
      r.run();
      return r.output[0];
    },
  });
  const runners: TimedRunner[] = [...int8Runners.map(int8Timed), ...peers.map((p) => ({ id: p.id, call: () => p.run(real), before: p.before }))];
  const timings = await timeRoundRobin(runners, options.warmup, options.runs);

  return {
    id,
    title: model.title,
    provenance: model.provenance,
    macs: countMacs(model.spec),
    ourModelBytes: model.tcm.length,
    onnxBytes: peers.find((p) => p.id === 'ort-node')!.modelBytes,
    floatWeightBytes: floatWeightBytes(model.net),
    runtimeSources: runtimes.sources,
    reference: ours.id,
    timings,
    agreement,
    samples: model.samples.map((s) => s.name),
    goldens,
    int8Exact,
  };
}
