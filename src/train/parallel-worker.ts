// A data-parallel training thread: builds the same zoo model as rank 0 on shared parameters, then
// runs its shard of every step until told to stop (see parallel.ts for the protocol).
import { parentPort, workerData } from 'node:worker_threads';
import { bindShared, ParallelEngine, reportFailure, runShard, SharedCollective, type SharedState } from './parallel.js';
import { Scratch } from './tensor.js';
import { buildModel } from './zoo/index.js';

const { shared, rank, zooName, zooOptions } = workerData as { shared: SharedState; rank: number; zooName: string; zooOptions: Record<string, unknown> };
const { SEQ, COUNT, DONE } = ParallelEngine.control;

try {
  const model = buildModel(zooName, zooOptions).finalize(false);
  bindShared(model, shared, shared.grads[rank - 1]);
  const collective = new SharedCollective(shared, rank);
  const grad = new Scratch();
  const ctrl = new Int32Array(shared.control);
  let seq = Atomics.load(ctrl, SEQ);
  parentPort!.postMessage('ready');
  for (;;) {
    Atomics.wait(ctrl, SEQ, seq);
    const now = Atomics.load(ctrl, SEQ);
    if (now === seq) continue;
    seq = now;
    if (Atomics.load(ctrl, COUNT) < 0) break;
    runShard(model, shared, rank, collective, grad);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
} catch (e) {
  const message = (e as Error).stack ?? String(e);
  reportFailure(shared, rank, message);
  parentPort!.postMessage(`worker ${rank} failed: ${message}`);
}
