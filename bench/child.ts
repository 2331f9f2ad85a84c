// One model's benchmark, run in its own process (spawned by run.ts): set up our runtime and every
// peer on the same network, check they agree, time them round-robin, print one JSON line.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countMacs, dequantizeTensor } from './dequantize.js';
import { runFloatReference } from './float-reference.js';
import { type BenchModel, type ModelId, loadBenchModel } from './models.js';
import { createNaiveInt8Runner } from './naive-int8.js';
import { createOrtPeers, createTfjsPeers, floatWeightBytes, type Peer } from './peers.js';
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
  runtimeSource: string;
  timings: Timing[];
  agreement: Agreement[];
  samples: string[];
  /** Samples with a TFLM golden output, and how many of them our int8 output equals exactly. */
  goldens: { checked: number; exact: number };
  /** Samples on which the generic-kernel run (naive int8 row) gives our exact output bytes. */
  naiveInt8Exact: number;
}

interface OurModel {
  input: Int8Array;
  output: Int8Array;
  run(): void;
}

/** Our runtime as users get it: the minified bundle when built, else the tsc output. */
async function loadRuntime(distDir: string): Promise<{ loadModel: (bytes: Uint8Array) => OurModel; source: string }> {
  const bundle = path.join(distDir, 'tinyconv.min.mjs');
  const compiled = path.join(distDir, 'src', 'runtime', 'index.js');
  const file = existsSync(bundle) ? bundle : compiled;
  const runtime = await import(pathToFileURL(file).href);
  return { loadModel: runtime.loadModel, source: path.relative(path.dirname(distDir), file) };
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
  const runtime = await loadRuntime(distDir);
  const ours = runtime.loadModel(model.tcm);
  const inputTensor = model.spec.tensors[model.spec.input];
  const outputTensor = model.spec.tensors[model.spec.output];

  const peers: Peer[] = [...(await quietly(() => createTfjsPeers(model.net))), ...(await createOrtPeers(model.net))];
  peers.push({ id: 'js-float-naive', modelBytes: floatWeightBytes(model.net), run: (x) => runFloatReference(model.net, x) });

  // Agreement on every sample.
  const agreement: Agreement[] = peers.map((p) => ({ id: p.id, argmaxEqual: 0, samples: 0, maxDiffVsOurs: 0, maxDiffVsFloat: 0 }));
  const goldens = { checked: 0, exact: 0 };
  const naive = createNaiveInt8Runner(model.tcm);
  let naiveInt8Exact = 0;
  for (const sample of model.samples) {
    ours.input.set(sample.data);
    ours.run();
    naive.input.set(sample.data);
    naive.run();
    if (naive.output.every((v, i) => v === ours.output[i])) naiveInt8Exact++;
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
  const runners: TimedRunner[] = [
    {
      id: 'tinyconv',
      call: () => {
        ours.input.set(sample);
        ours.run();
        return ours.output[0];
      },
    },
    ...peers.map((p) => ({ id: p.id, call: () => p.run(real), before: p.before })),
    {
      id: 'js-int8-naive',
      call: () => {
        naive.input.set(sample);
        naive.run();
        return naive.output[0];
      },
    },
  ];
  const timings = await timeRoundRobin(runners, options.warmup, options.runs);

  return {
    id,
    title: model.title,
    provenance: model.provenance,
    macs: countMacs(model.spec),
    ourModelBytes: model.tcm.length,
    onnxBytes: peers.find((p) => p.id === 'ort-node')!.modelBytes,
    floatWeightBytes: floatWeightBytes(model.net),
    runtimeSource: runtime.source,
    timings,
    agreement,
    samples: model.samples.map((s) => s.name),
    goldens,
    naiveInt8Exact,
  };
}
