// The training loop behind `tinyconv train` and the demo: load data, build a zoo model, run
// mini-batch epochs with a seeded shuffle, evaluate after each epoch, checkpoint, export the float
// graph. Deterministic for a given seed (and worker count).
import { basename, dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { TinyconvError } from '../format/errors.js';
import { writeFloatModel } from '../graph/io.js';
import type { FloatModel } from '../graph/types.js';
import { augmentImage, type AugmentOptions } from '../data/augment.js';
import { describeDataset, loadDataset, type Dataset } from '../data/datasets.js';
import { computeNormalization, normalizeInto, unitScale, type Normalization } from '../data/normalize.js';
import { permutation, Rng } from '../data/random.js';
import { fitImages } from '../data/resize.js';
import { trainValidationSplit } from '../data/split.js';
import { readCheckpoint, writeCheckpoint, type EpochRecord } from './checkpoint.js';
import { assertFiniteLoss, SoloEngine, stepSeedOf, type StepEngine } from './engine.js';
import { softmaxCrossEntropy } from './losses.js';
import type { Model } from './model.js';
import { createOptimizer, type OptimizerName } from './optimizers.js';
import { ParallelEngine } from './parallel.js';
import { learningRate, type ScheduleName } from './schedule.js';
import { sizeOf } from './tensor.js';
import { buildModel } from './zoo/index.js';

export interface TrainOptions {
  model: string;
  /** Zoo knobs (alpha, rho, variant...). */
  modelOptions?: Record<string, unknown>;
  /** Dataset name or directory (default 'fashion-mnist'). */
  data?: string;
  epochs: number;
  batch: number;
  optimizer: OptimizerName;
  lr: number;
  weightDecay?: number;
  momentum?: number;
  nesterov?: boolean;
  schedule?: ScheduleName;
  stepEpochs?: number;
  gamma?: number;
  warmupEpochs?: number;
  seed: number;
  /** true = random crop (padding 2) + horizontal flip. */
  augment?: boolean | AugmentOptions;
  /** 'dataset' (default): mean/std of the training images; 'unit': pixels / 255 only. */
  normalize?: 'dataset' | 'unit';
  /** Hold out this fraction of the training set for validation instead of using the test split. */
  validationSplit?: number;
  /** Use only the first N training / test samples (quick runs, tests). */
  trainLimit?: number;
  testLimit?: number;
  /** Worker threads for data-parallel training (1 = this thread only). */
  workers?: number;
  /** Output float model (.json + .bin); its checkpoint is `<out minus .json>.ckpt.json`. */
  out?: string;
  resume?: boolean;
  /** Recorded in the model's meta (the exact command line). */
  command?: string;
  log?: (message: string) => void;
}

export type TrainProgress =
  | { kind: 'batch'; epoch: number; epochs: number; batch: number; batches: number; loss: number; accuracy: number;
      samplesPerSecond: number; etaSeconds: number; learningRate: number }
  | { kind: 'epoch'; record: EpochRecord; epochs: number };

export interface TrainResult {
  model: Model;
  floatModel: FloatModel;
  history: EpochRecord[];
  normalization: Normalization;
  checkpoint: string | null;
}

export function checkpointPath(out: string): string {
  return out.replace(/\.json$/i, '') + '.ckpt.json';
}

/** The options a resumed run must share with the checkpoint it continues. */
function recipeOf(o: TrainOptions): Record<string, unknown> {
  return {
    model: o.model, modelOptions: o.modelOptions ?? {}, data: o.data ?? 'fashion-mnist', batch: o.batch,
    optimizer: o.optimizer, seed: o.seed, normalize: o.normalize ?? 'dataset', validationSplit: o.validationSplit ?? 0,
    trainLimit: o.trainLimit ?? 0, augment: o.augment ?? false,
  };
}

function augmentOptions(a: TrainOptions['augment']): AugmentOptions | null {
  if (!a) return null;
  return a === true ? { padding: 2, flip: true } : a;
}

function checkOptions(o: TrainOptions): void {
  const positiveInt = (v: number, name: string) => {
    if (!(Number.isInteger(v) && v > 0)) throw new TinyconvError('TRAIN_BAD_OPTION', `--${name} must be a positive integer, got ${v}`);
  };
  positiveInt(o.epochs, 'epochs');
  positiveInt(o.batch, 'batch');
  positiveInt(o.workers ?? 1, 'workers');
  if (!(o.lr > 0 && Number.isFinite(o.lr))) throw new TinyconvError('TRAIN_BAD_OPTION', `--lr must be a positive number, got ${o.lr}`);
  if (!Number.isInteger(o.seed)) throw new TinyconvError('TRAIN_BAD_OPTION', `--seed must be an integer, got ${o.seed}`);
}

/** Loads train/evaluation sets, fitted to the model's input. */
function loadData(o: TrainOptions, inputShape: number[], log: (m: string) => void): { train: Dataset; evalSet: Dataset } {
  const name = o.data ?? 'fashion-mnist';
  let train = loadDataset(name, 'train', { log });
  let evalSet: Dataset;
  if (o.validationSplit) {
    const s = trainValidationSplit(train, o.validationSplit, o.seed);
    train = s.train;
    evalSet = s.validation;
  } else {
    evalSet = loadDataset(name, 'test', { log });
  }
  const limit = (d: Dataset, n?: number) => (n && n < d.count ? { ...d, count: n, images: d.images.subarray(0, n * d.height * d.width * d.channels), labels: d.labels.subarray(0, n) } : d);
  train = limit(train, o.trainLimit);
  evalSet = limit(evalSet, o.testLimit);
  if (train.channels !== inputShape[2]) {
    throw new TinyconvError('TRAIN_BAD_SHAPE', `model input has ${inputShape[2]} channels but ${train.name} images have ${train.channels}`);
  }
  return { train: fitImages(train, inputShape[0], inputShape[1]), evalSet: fitImages(evalSet, inputShape[0], inputShape[1]) };
}

/** Eval-mode loss and accuracy of `model` on a whole dataset. */
export function evaluate(model: Model, d: Dataset, norm: Normalization, chunk = 500): { loss: number; accuracy: number } {
  const inSize = d.height * d.width * d.channels;
  const K = sizeOf(model.shapeOf(model.output));
  const x = new Float32Array(chunk * inSize);
  let lossSum = 0, correct = 0;
  for (let s = 0; s < d.count; s += chunk) {
    const n = Math.min(chunk, d.count - s);
    normalizeInto(d.images.subarray(s * inSize, (s + n) * inSize), d.channels, norm, x);
    const logits = model.predict(x, n, chunk);
    const r = softmaxCrossEntropy(logits, d.labels, s, n, K, n, null);
    lossSum += r.lossSum;
    correct += r.correct;
  }
  return { loss: lossSum / d.count, accuracy: correct / d.count };
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function trainModel(o: TrainOptions, onProgress: (p: TrainProgress) => void = () => {}): Promise<TrainResult> {
  checkOptions(o);
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const workers = o.workers ?? 1;
  let modelOptions: Record<string, unknown> = { ...(o.modelOptions ?? {}), seed: o.seed };
  let model = buildModel(o.model, modelOptions);
  const { train, evalSet } = loadData(o, model.inputShape, log);
  if (train.classes.length !== sizeOf(model.shapeOf(model.output))) {
    modelOptions = { ...modelOptions, classes: train.classes.length };
    model = buildModel(o.model, modelOptions);
  }
  model.finalize(workers > 1);
  const norm = (o.normalize ?? 'dataset') === 'dataset' ? computeNormalization(train) : unitScale(train.channels);
  const opt = createOptimizer({ name: o.optimizer, weightDecay: o.weightDecay, momentum: o.momentum, nesterov: o.nesterov }, model.flatParams.length);
  const schedule = { name: o.schedule ?? 'constant', stepEpochs: o.stepEpochs, gamma: o.gamma, warmupEpochs: o.warmupEpochs };
  const ckpt = o.out ? checkpointPath(o.out) : null;
  let history: EpochRecord[] = [];
  let startEpoch = 0, step = 0;
  if (o.resume) {
    if (!ckpt) throw new TinyconvError('TRAIN_BAD_OPTION', '--resume needs --out (the checkpoint sits next to it)');
    const c = readCheckpoint(ckpt);
    const want = JSON.stringify(recipeOf(o)), have = JSON.stringify(c.recipe);
    if (want !== have) throw new TinyconvError('TRAIN_CHECKPOINT_MISMATCH', `${ckpt} was made with ${have}, not ${want}`);
    if (c.params.length !== model.flatParams.length) throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `${ckpt} has ${c.params.length} parameters, the model ${model.flatParams.length}`);
    if (c.buffers.length !== model.flatBuffers.length) throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `${ckpt} has ${c.buffers.length} buffer values, the model ${model.flatBuffers.length}`);
    model.flatParams.set(c.params);
    model.flatBuffers.set(c.buffers);
    opt.restore(c.optimizer);
    history = c.history;
    startEpoch = c.epochsDone;
    step = c.step;
    log(`resuming ${ckpt} after epoch ${startEpoch}`);
  }
  log(describeDataset(train));
  log(describeDataset(evalSet));
  log(`model ${model.name}: ${model.paramCount()} parameters, input ${model.inputShape.join('x')}; ` +
    `train ${train.count}, ${o.validationSplit ? 'validation' : 'test'} ${evalSet.count}; ${workers} thread(s)`);

  const engine: StepEngine = workers > 1 ? await ParallelEngine.start(model, o.model, modelOptions, workers, o.batch) : new SoloEngine(model);
  const inSize = train.height * train.width * train.channels;
  const batches = Math.ceil(train.count / o.batch);
  const aug = augmentOptions(o.augment);
  const x = new Float32Array(o.batch * inSize);
  const pixels = new Uint8Array(o.batch * inSize);
  const labels = new Uint8Array(o.batch);
  try {
    for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
      // Per-epoch generators derived from the seed: a resumed run replays the same order.
      const order = permutation(train.count, new Rng(o.seed * 7919 + epoch));
      const augRng = new Rng(o.seed * 104729 + epoch);
      const t0 = performance.now();
      let lossSum = 0, correct = 0, seen = 0, lr = o.lr;
      let lastYield = t0;
      for (let b = 0; b < batches; b++) {
        const n = Math.min(o.batch, train.count - b * o.batch);
        for (let i = 0; i < n; i++) {
          const j = order[b * o.batch + i];
          const src = train.images.subarray(j * inSize, (j + 1) * inSize);
          if (aug) augmentImage(src, pixels.subarray(i * inSize, (i + 1) * inSize), train.height, train.width, train.channels, aug, augRng);
          else pixels.set(src, i * inSize);
          labels[i] = train.labels[j];
        }
        normalizeInto(pixels.subarray(0, n * inSize), train.channels, norm, x);
        const r = await engine.computeGradients(x, labels, n, stepSeedOf(o.seed, step));
        assertFiniteLoss(r, epoch + 1, b + 1, ckpt && history.length > 0 ? ckpt : null);
        lr = learningRate(schedule, o.lr, o.epochs, epoch, b, batches);
        opt.step(model.flatParams, model.flatGrads, lr);
        step++;
        lossSum += r.lossSum; correct += r.correct; seen += n;
        const now = performance.now();
        const rate = seen / ((now - t0) / 1000);
        onProgress({
          kind: 'batch', epoch: epoch + 1, epochs: o.epochs, batch: b + 1, batches, loss: lossSum / seen, accuracy: correct / seen,
          samplesPerSecond: rate, etaSeconds: (train.count - seen) / rate + (o.epochs - epoch - 1) * train.count / rate, learningRate: lr,
        });
        if (now - lastYield > 100) { await yieldToEventLoop(); lastYield = performance.now(); }
      }
      const seconds = (performance.now() - t0) / 1000;
      const ev = evaluate(model, evalSet, norm);
      const record: EpochRecord = { epoch: epoch + 1, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testLoss: ev.loss, testAccuracy: ev.accuracy, seconds, learningRate: lr };
      history.push(record);
      if (ckpt) {
        mkdirSync(dirname(ckpt), { recursive: true });
        writeCheckpoint(ckpt, {
          format: 'tinyconv-checkpoint', version: 1, recipe: recipeOf(o), epochsDone: epoch + 1, step, history,
          normalization: norm, params: model.flatParams, buffers: model.flatBuffers, optimizer: opt.state(),
        });
      }
      onProgress({ kind: 'epoch', record, epochs: o.epochs });
    }
  } finally {
    await engine.close();
  }

  const last = history[history.length - 1];
  const floatModel = model.toFloatModel({
    labels: train.classes, preprocess: norm,
    meta: {
      trainedBy: 'tinyconv train', command: o.command ?? null, model: o.model, modelOptions: o.modelOptions ?? {},
      dataset: { name: train.name, source: train.source, train: train.count, evaluation: evalSet.count, evaluationSplit: o.validationSplit ? 'validation' : 'test' },
      recipe: { epochs: o.epochs, batch: o.batch, optimizer: o.optimizer, lr: o.lr, weightDecay: o.weightDecay ?? 0, schedule: schedule.name, augment: o.augment ?? false, seed: o.seed, workers },
      parameters: model.paramCount(),
      trainAccuracy: last?.trainAccuracy ?? null, testAccuracy: last?.testAccuracy ?? null,
      history,
    },
  });
  if (o.out) {
    mkdirSync(dirname(o.out), { recursive: true });
    floatModel.graph.weights = basename(o.out).replace(/\.json$/i, '') + '.bin'; // as writeFloatModel names it
    writeFloatModel(o.out, floatModel);
  }
  return { model, floatModel, history, normalization: norm, checkpoint: ckpt };
}
