// One optimisation step's forward/backward over a mini-batch, on the calling thread. The parallel
// engine (parallel.ts) splits the same work across worker threads; both leave the summed gradient of
// the batch-mean loss in model.flatGrads.
import { TinyconvError } from '../format/errors.js';
import type { Collective, Context } from './layer.js';
import { SOLO } from './layer.js';
import { nllLoss, softmaxCrossEntropy, type LossResult } from './losses.js';
import type { Model } from './model.js';
import { Scratch, sizeOf } from './tensor.js';

export interface StepEngine {
  /** Forward + backward of `count` samples (inputs NHWC, normalised); returns loss sum and hits. */
  computeGradients(inputs: Float32Array, labels: Uint8Array, count: number, stepSeed: number): Promise<LossResult>;
  close(): Promise<void>;
}

/** Forward/backward of one shard [offset, offset + count) of a batch of `globalBatch` samples. */
export function shardStep(model: Model, gradBuf: Scratch, inputs: Float32Array, labels: ArrayLike<number>,
  offset: number, count: number, globalBatch: number, stepSeed: number, collective: Collective): LossResult {
  const inSize = sizeOf(model.inputShape);
  const ctx: Context = { training: true, batch: count, sampleOffset: offset, stepSeed, collective };
  const out = model.forward(inputs.subarray(offset * inSize, (offset + count) * inSize), ctx);
  const K = sizeOf(model.shapeOf(model.output));
  const grad = gradBuf.get(count * K);
  const lossFn = model.nodes[model.nodes.length - 1].layer.kind === 'logSoftmax' ? nllLoss : softmaxCrossEntropy;
  const r = lossFn(out, labels, offset, count, K, globalBatch, grad);
  // A non-finite loss still runs backward so data-parallel shards stay in lock-step; the trainer
  // stops right after the step without applying it.
  model.backward(grad, ctx);
  return r;
}

export class SoloEngine implements StepEngine {
  private grad = new Scratch();
  constructor(private readonly model: Model) {}
  async computeGradients(inputs: Float32Array, labels: Uint8Array, count: number, stepSeed: number): Promise<LossResult> {
    this.model.flatGrads.fill(0);
    return shardStep(this.model, this.grad, inputs, labels, 0, count, count, stepSeed, SOLO);
  }
  async close(): Promise<void> {}
}

/** Stable 32-bit mix of the run seed and the step number (dropout masks, per step). */
export function stepSeedOf(seed: number, step: number): number {
  let h = Math.imul(seed ^ 0x2545f491, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 13)) >>> 0;
}

export function assertFiniteLoss(r: LossResult, epoch: number, batch: number, checkpoint: string | null): void {
  if (!Number.isFinite(r.lossSum)) {
    throw new TinyconvError('TRAIN_NAN_LOSS',
      `loss became ${r.lossSum} at epoch ${epoch}, batch ${batch}; training stopped` +
      (checkpoint ? `, the last good checkpoint is ${checkpoint}` : ' (no checkpoint was written yet)') +
      ' (try a lower --lr)');
  }
}
