// Data-parallel training across threads. Every thread holds a replica of the model whose parameters
// and batchnorm statistics are *the same memory* (SharedArrayBuffers), so there is nothing to
// broadcast after an optimiser step. A mini-batch is cut into one contiguous shard per thread
// (this thread is rank 0); each computes its shard's gradient of the batch-mean loss into its own
// gradient array and rank 0 sums them in rank order. Batchnorm all-reduces its per-channel sums
// through a shared slot array and a barrier, so the statistics are the whole batch's, and dropout
// masks are seeded per sample: the result equals single-threaded training up to float summation
// order.
//
// Synchronisation is Atomics.wait/notify on a small Int32Array (no message round trips per step).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TinyconvError } from '../format/errors.js';
import type { StepEngine } from './engine.js';
import { shardStep } from './engine.js';
import type { Collective } from './layer.js';
import type { LossResult } from './losses.js';
import type { Model } from './model.js';
import { Scratch, sizeOf } from './tensor.js';

// Control word indices.
const SEQ = 0; // incremented by rank 0 to start a step (or to stop: COUNT = -1)
const COUNT = 1; // samples in the batch
const SEED = 2; // step seed
const DONE = 3; // ranks finished with the step
const BAR_COUNT = 4; // barrier arrivals
const BAR_GEN = 5; // barrier generation
const FAILED = 6; // rank + 1 of a worker that threw (its message is in SharedState.error)
const CONTROL_WORDS = 8;
const WAIT_MS = 200;

/** Largest vector a layer all-reduces: batchnorm's 2C + 1 sums. */
function maxReduceLength(model: Model): number {
  let m = 1;
  for (const n of model.nodes) if (n.layer.kind === 'batchnorm') m = Math.max(m, 2 * n.shape[n.shape.length - 1] + 1);
  return m;
}

export interface SharedState {
  ranks: number;
  maxBatch: number;
  control: SharedArrayBuffer;
  params: SharedArrayBuffer;
  buffers: SharedArrayBuffer;
  grads: SharedArrayBuffer[]; // per rank >= 1
  inputs: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  slotLength: number;
  results: SharedArrayBuffer; // Float64 [ranks][2]
  error: SharedArrayBuffer; // UTF-8 message of a failed worker
}

/** Throws on rank 0 when a worker reported a failure (so a dead worker never leaves us waiting). */
function checkFailed(s: SharedState, ctrl: Int32Array): void {
  const failed = Atomics.load(ctrl, FAILED);
  if (failed === 0) return;
  const bytes = new Uint8Array(s.error);
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  throw new TinyconvError('TRAIN_WORKER_FAILED', `training worker ${failed - 1} failed: ${Buffer.from(bytes.slice(0, end)).toString('utf8')}`);
}

/** Called by a worker that caught an exception: records it and wakes everyone. */
export function reportFailure(s: SharedState, rank: number, message: string): void {
  const ctrl = new Int32Array(s.control);
  const bytes = Buffer.from(message, 'utf8').subarray(0, s.error.byteLength - 1);
  new Uint8Array(s.error).set(bytes);
  Atomics.store(ctrl, FAILED, rank + 1);
  Atomics.add(ctrl, BAR_GEN, 1);
  Atomics.notify(ctrl, BAR_GEN);
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}

/** Barrier + slot all-reduce shared by every rank. */
export class SharedCollective implements Collective {
  private ctrl: Int32Array;
  private slots: Float64Array;
  private calls = 0;
  constructor(private readonly s: SharedState, private readonly rank: number) {
    this.ctrl = new Int32Array(s.control);
    this.slots = new Float64Array(s.slots);
  }

  barrier(): void {
    const ctrl = this.ctrl;
    const gen = Atomics.load(ctrl, BAR_GEN);
    if (Atomics.add(ctrl, BAR_COUNT, 1) === this.s.ranks - 1) {
      Atomics.store(ctrl, BAR_COUNT, 0);
      Atomics.add(ctrl, BAR_GEN, 1);
      Atomics.notify(ctrl, BAR_GEN);
    } else {
      while (Atomics.load(ctrl, BAR_GEN) === gen) {
        Atomics.wait(ctrl, BAR_GEN, gen, WAIT_MS);
        checkFailed(this.s, ctrl);
      }
      checkFailed(this.s, ctrl);
    }
  }

  /** Slots are double-buffered: call k writes set k % 2, so the one barrier per call suffices. A rank
   *  can only reach call k + 2 (the next writer of this set) after barrier k + 1, which every rank
   *  enters only after it has read the sums of call k. */
  allReduceSum(values: Float64Array): void {
    const L = this.s.slotLength, R = this.s.ranks;
    const base = (this.calls++ % 2) * R * L;
    this.slots.set(values, base + this.rank * L);
    this.barrier();
    values.fill(0);
    for (let r = 0; r < R; r++) {
      const o = base + r * L;
      for (let i = 0; i < values.length; i++) values[i] += this.slots[o + i];
    }
  }
}

/** Shard [start, start + count) of `n` samples for `rank` of `ranks`. */
export function shardOf(n: number, rank: number, ranks: number): [number, number] {
  const start = Math.floor((n * rank) / ranks);
  return [start, Math.floor((n * (rank + 1)) / ranks) - start];
}

/** Points a replica's parameters, buffers and gradients at shared memory. */
export function bindShared(model: Model, s: SharedState, gradBuffer: SharedArrayBuffer): void {
  const params = new Float32Array(s.params), buffers = new Float32Array(s.buffers), grads = new Float32Array(gradBuffer);
  let o = 0;
  for (const p of model.params()) {
    const n = p.data.length;
    p.data = params.subarray(o, o + n);
    p.grad = grads.subarray(o, o + n);
    o += n;
  }
  model.flatParams = params;
  model.flatGrads = grads;
  o = 0;
  for (const node of model.nodes) {
    const bs = node.layer.buffers;
    for (let i = 0; i < bs.length; i++) {
      bs[i] = buffers.subarray(o, o + bs[i].length);
      o += bs[i].length;
    }
    const l = node.layer as unknown as { runningMean?: Float32Array; runningVar?: Float32Array };
    if (l.runningMean !== undefined) { l.runningMean = bs[0]; l.runningVar = bs[1]; }
  }
  model.flatBuffers = buffers;
}

/** Runs one rank's share of a step (used by rank 0 here and by every worker thread). */
export function runShard(model: Model, s: SharedState, rank: number, collective: Collective, grad: Scratch): void {
  const ctrl = new Int32Array(s.control);
  const n = Atomics.load(ctrl, COUNT), seed = Atomics.load(ctrl, SEED) >>> 0;
  const [start, count] = shardOf(n, rank, s.ranks);
  model.flatGrads.fill(0);
  const inputs = new Float32Array(s.inputs), labels = new Uint8Array(s.labels);
  const r = shardStep(model, grad, inputs, labels, start, count, n, seed, collective);
  const res = new Float64Array(s.results);
  res[2 * rank] = r.lossSum;
  res[2 * rank + 1] = r.correct;
}

function workerScript(): string {
  const override = process.env.TINYCONV_TRAIN_WORKER;
  if (override) return override;
  const here = fileURLToPath(import.meta.url);
  const js = join(dirname(here), 'parallel-worker.js');
  if (existsSync(js)) return js;
  // Running from TypeScript sources (vitest): use the built copy if there is one.
  let dir = dirname(here);
  for (let i = 0; i < 5; i++) {
    const built = join(dir, 'dist', 'src', 'train', 'parallel-worker.js');
    if (existsSync(built)) return built;
    dir = dirname(dir);
  }
  throw new TinyconvError('TRAIN_NO_WORKER', 'data-parallel training needs the compiled worker (npm run build), or set TINYCONV_TRAIN_WORKER');
}

export class ParallelEngine implements StepEngine {
  private workers: Worker[] = [];
  private collective: SharedCollective;
  private grad = new Scratch();
  private ctrl: Int32Array;

  private constructor(private readonly model: Model, private readonly s: SharedState) {
    this.collective = new SharedCollective(s, 0);
    this.ctrl = new Int32Array(s.control);
  }

  /** Starts `ranks - 1` worker threads building the same zoo model on shared memory. `model` must
   *  have been finalised with shared = true. */
  static async start(model: Model, zooName: string, zooOptions: Record<string, unknown>, ranks: number, maxBatch = 1024): Promise<ParallelEngine> {
    if (!(model.flatParams.buffer instanceof SharedArrayBuffer)) throw new Error('ParallelEngine needs model.finalize(true)');
    const inSize = sizeOf(model.inputShape);
    const slotLength = maxReduceLength(model);
    const s: SharedState = {
      ranks, maxBatch,
      control: new SharedArrayBuffer(4 * CONTROL_WORDS),
      params: model.flatParams.buffer as SharedArrayBuffer,
      buffers: model.flatBuffers.buffer as SharedArrayBuffer,
      grads: Array.from({ length: ranks - 1 }, () => new SharedArrayBuffer(4 * model.flatParams.length)),
      inputs: new SharedArrayBuffer(4 * maxBatch * inSize),
      labels: new SharedArrayBuffer(maxBatch),
      slots: new SharedArrayBuffer(8 * 2 * ranks * slotLength),
      slotLength,
      results: new SharedArrayBuffer(8 * 2 * ranks),
      error: new SharedArrayBuffer(2048),
    };
    const engine = new ParallelEngine(model, s);
    const script = workerScript();
    try {
      await Promise.all(Array.from({ length: ranks - 1 }, (_, i) => new Promise<void>((resolve, reject) => {
        const w = new Worker(script, { workerData: { shared: s, rank: i + 1, zooName, zooOptions } });
        engine.workers.push(w);
        w.once('message', (m) => (m === 'ready' ? resolve() : reject(new TinyconvError('TRAIN_WORKER_FAILED', String(m)))));
        w.once('error', reject);
      })));
    } catch (e) {
      await engine.close();
      throw e;
    }
    return engine;
  }

  async computeGradients(inputs: Float32Array, labels: Uint8Array, count: number, stepSeed: number): Promise<LossResult> {
    const s = this.s, ctrl = this.ctrl;
    if (count > s.maxBatch) throw new TinyconvError('TRAIN_BAD_OPTION', `batch ${count} exceeds the parallel engine's maximum ${s.maxBatch}`);
    const inSize = sizeOf(this.model.inputShape);
    new Float32Array(s.inputs).set(inputs.subarray(0, count * inSize));
    new Uint8Array(s.labels).set(labels.subarray(0, count));
    Atomics.store(ctrl, COUNT, count);
    Atomics.store(ctrl, SEED, stepSeed | 0);
    Atomics.store(ctrl, DONE, 0);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    runShard(this.model, s, 0, this.collective, this.grad);
    for (;;) {
      const done = Atomics.load(ctrl, DONE);
      checkFailed(s, ctrl);
      if (done === s.ranks - 1) break;
      Atomics.wait(ctrl, DONE, done, WAIT_MS);
    }
    const g = this.model.flatGrads;
    for (const buf of s.grads) {
      const wg = new Float32Array(buf);
      for (let i = 0; i < g.length; i++) g[i] += wg[i];
    }
    const res = new Float64Array(s.results);
    let lossSum = 0, correct = 0;
    for (let r = 0; r < s.ranks; r++) { lossSum += res[2 * r]; correct += res[2 * r + 1]; }
    return { lossSum, correct };
  }

  async close(): Promise<void> {
    Atomics.store(this.ctrl, COUNT, -1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    // terminate() also frees a worker stuck in a barrier because this thread failed mid-step.
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }

  static readonly control = { SEQ, COUNT, DONE, FAILED };
}
