// `tinyconv train`: train a zoo network on an image dataset and write the float model.
import { parseVerbArgs, numberOption, UsageError, type VerbSpec } from '../args.js';
import { MODEL_NAMES, ZOO } from '../../src/train/zoo/index.js';
import { OPTIMIZERS, type OptimizerName } from '../../src/train/optimizers.js';
import { SCHEDULES, type ScheduleName } from '../../src/train/schedule.js';
import { trainModel, type TrainProgress } from '../../src/train/trainer.js';
import { modelCard } from '../../src/train/card.js';
import { writeFileSync } from 'node:fs';

export const spec: VerbSpec = {
  name: 'train',
  summary: 'train a network from the zoo on an image dataset, writing a float model (.json + .bin)',
  usage: 'tinyconv train --model <name> [options] --out models/x.json',
  options: {
    model: { type: 'string', arg: 'NAME', description: `zoo model: ${MODEL_NAMES.join(', ')}` },
    alpha: { type: 'string', arg: 'N', description: 'MobileNet width multiplier' },
    resolution: { type: 'string', arg: 'PX', description: 'input side in pixels (28 native; 32 pads; less resizes) - the resolution multiplier' },
    variant: { type: 'string', arg: 'NAME', description: 'lenet5: relu (default) or original (sigmoid + avg-pool)' },
    'model-options': { type: 'string', arg: 'JSON', description: 'other zoo knobs as JSON, e.g. \'{"growth":8}\'' },
    data: { type: 'string', arg: 'DIR|NAME', description: 'fashion-mnist (full set when installed), fashion-mnist-subset, or a directory of IDX files', default: 'fashion-mnist' },
    epochs: { type: 'string', arg: 'N', description: 'epochs', default: '5' },
    batch: { type: 'string', arg: 'N', description: 'mini-batch size', default: '128' },
    optimizer: { type: 'string', arg: 'NAME', description: OPTIMIZERS.join(', '), default: 'adam' },
    lr: { type: 'string', arg: 'N', description: 'learning rate', default: '0.001' },
    'weight-decay': { type: 'string', arg: 'N', description: 'weight decay (L2; decoupled for adamw)' },
    momentum: { type: 'string', arg: 'N', description: 'sgd / rmsprop momentum' },
    nesterov: { type: 'boolean', description: 'Nesterov momentum (sgd)' },
    schedule: { type: 'string', arg: 'NAME', description: SCHEDULES.join(', '), default: 'constant' },
    'step-epochs': { type: 'string', arg: 'N', description: 'step schedule: epochs between decays' },
    gamma: { type: 'string', arg: 'N', description: 'step schedule: decay factor' },
    warmup: { type: 'string', arg: 'EPOCHS', description: 'linear warm-up epochs' },
    seed: { type: 'string', arg: 'N', description: 'random seed (init, shuffling, augmentation, dropout)', default: '1' },
    augment: { type: 'boolean', description: 'random crop (2-pixel padding) + horizontal flip' },
    normalize: { type: 'string', arg: 'MODE', description: "'dataset' (mean/std of the training images) or 'unit' (pixels / 255 only)", default: 'dataset' },
    'val-split': { type: 'string', arg: 'F', description: 'validate on this held-out fraction of the training set instead of the test set' },
    'train-limit': { type: 'string', arg: 'N', description: 'use only the first N training images' },
    'test-limit': { type: 'string', arg: 'N', description: 'evaluate on only the first N images' },
    workers: { type: 'string', arg: 'N', description: 'threads for data-parallel training', default: '1' },
    out: { type: 'string', arg: 'FILE', description: 'output float model (.json; weights go to .bin beside it)' },
    resume: { type: 'boolean', description: 'continue from the checkpoint next to --out' },
    quiet: { type: 'boolean', description: 'no progress bar' },
  },
  details: [
    'examples:',
    '  tinyconv train --model lenet5 --epochs 5 --out models/lenet5.json',
    '  tinyconv train --model mobilenet-v1 --alpha 0.5 --resolution 28 --epochs 5 --optimizer adam --lr 1e-3 --batch 128 --seed 1 --workers 2 --out models/mnv1.json',
    '',
    'models:',
    ...MODEL_NAMES.map((n) => `  ${n.padEnd(20)} ${ZOO[n].summary}`),
    '',
    'A checkpoint <out>.ckpt.json is written atomically after every epoch; --resume continues from it.',
    'With --out x.json the model card x.md (recipe, command, per-epoch accuracy) is written beside it.',
  ].join('\n'),
};

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(r).padStart(2, '0')}`;
}

function progressLine(p: Extract<TrainProgress, { kind: 'batch' }>): string {
  const width = 24, filled = Math.round((p.batch / p.batches) * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  return `epoch ${p.epoch}/${p.epochs} [${bar}] ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} acc ${(100 * p.accuracy).toFixed(2)}% ` +
    `${Math.round(p.samplesPerSecond)} samples/s ETA ${fmtTime(p.etaSeconds)}`;
}

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}' (see 'tinyconv train --help')`);
  const v = args.values;
  const model = v.model as string | undefined;
  if (!model) throw new UsageError(`--model is required (one of ${MODEL_NAMES.join(', ')})`);
  if (!MODEL_NAMES.includes(model)) throw new UsageError(`unknown model '${model}' (expected one of ${MODEL_NAMES.join(', ')})`);
  const optimizer = v.optimizer as string;
  if (!OPTIMIZERS.includes(optimizer as OptimizerName)) throw new UsageError(`unknown optimizer '${optimizer}' (expected ${OPTIMIZERS.join(', ')})`);
  const schedule = v.schedule as string;
  if (!SCHEDULES.includes(schedule as ScheduleName)) throw new UsageError(`unknown schedule '${schedule}' (expected ${SCHEDULES.join(', ')})`);
  let modelOptions: Record<string, unknown> = {};
  if (v['model-options']) {
    try {
      modelOptions = JSON.parse(v['model-options'] as string) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`--model-options is not valid JSON: ${(e as Error).message}`);
    }
  }
  const alpha = numberOption(args, 'alpha');
  if (alpha !== undefined) modelOptions.alpha = alpha;
  if (v.variant !== undefined) modelOptions.variant = v.variant;
  const resolution = numberOption(args, 'resolution');
  if (resolution !== undefined) {
    if (!(Number.isInteger(resolution) && resolution >= 8)) throw new UsageError(`--resolution must be an integer >= 8, got ${resolution}`);
    modelOptions.inputShape = [resolution, resolution, 1];
  }
  const normalize = v.normalize as string;
  if (normalize !== 'dataset' && normalize !== 'unit') throw new UsageError(`--normalize must be 'dataset' or 'unit', got '${normalize}'`);
  const quiet = v.quiet === true || !process.stderr.isTTY;
  let lastDraw = 0;
  const onProgress = (p: TrainProgress) => {
    if (p.kind === 'batch') {
      const now = Date.now();
      if (quiet || (now - lastDraw < 200 && p.batch !== p.batches)) return;
      lastDraw = now;
      process.stderr.write(`\r${progressLine(p)}\x1b[K`);
    } else {
      const r = p.record;
      if (!quiet) process.stderr.write('\r\x1b[K');
      process.stderr.write(`epoch ${r.epoch}/${p.epochs}: train loss ${r.trainLoss.toFixed(4)} acc ${(100 * r.trainAccuracy).toFixed(2)}% | ` +
        `eval loss ${r.testLoss.toFixed(4)} acc ${(100 * r.testAccuracy).toFixed(2)}% | ${r.seconds.toFixed(1)} s/epoch, lr ${r.learningRate.toPrecision(3)}\n`);
    }
  };
  const result = await trainModel({
    model, modelOptions,
    data: v.data as string,
    epochs: numberOption(args, 'epochs')!, batch: numberOption(args, 'batch')!,
    optimizer: optimizer as OptimizerName, lr: numberOption(args, 'lr')!,
    weightDecay: numberOption(args, 'weight-decay'), momentum: numberOption(args, 'momentum'), nesterov: v.nesterov === true,
    schedule: schedule as ScheduleName, stepEpochs: numberOption(args, 'step-epochs'), gamma: numberOption(args, 'gamma'),
    warmupEpochs: numberOption(args, 'warmup'),
    seed: numberOption(args, 'seed')!, augment: v.augment === true, normalize,
    validationSplit: numberOption(args, 'val-split'), trainLimit: numberOption(args, 'train-limit'), testLimit: numberOption(args, 'test-limit'),
    workers: numberOption(args, 'workers')!,
    out: v.out as string | undefined, resume: v.resume === true,
    command: ['tinyconv', 'train', ...argv].join(' '),
  }, onProgress);
  const last = result.history[result.history.length - 1];
  if (v.out) {
    const card = (v.out as string).replace(/\.json$/i, '') + '.md';
    writeFileSync(card, modelCard(result.floatModel));
    console.log(`wrote ${v.out} and its model card ${card} (${result.model.paramCount()} parameters, eval accuracy ${(100 * (last?.testAccuracy ?? 0)).toFixed(2)}%)`);
  }
  else console.log(`done: eval accuracy ${(100 * (last?.testAccuracy ?? 0)).toFixed(2)}% (no --out given, nothing written)`);
}
