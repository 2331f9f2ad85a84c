// Checkpoints: everything needed to continue a run exactly (parameters, batchnorm statistics,
// optimiser slots, the epoch reached, the recipe), in one JSON file written atomically (temp file +
// rename), so a crash or a NaN never leaves a half-written checkpoint behind.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { TinyconvError } from '../format/errors.js';
import type { OptimizerState } from './optimizers.js';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  learningRate: number;
}

export interface Checkpoint {
  format: 'tinyconv-checkpoint';
  version: 1;
  /** The options that must match to resume (model, knobs, data, batch, optimizer, seed...). */
  recipe: Record<string, unknown>;
  epochsDone: number;
  step: number;
  history: EpochRecord[];
  normalization: { pixelScale: number; mean: number[]; std: number[] };
  params: Float32Array;
  buffers: Float32Array;
  optimizer: OptimizerState;
}

function b64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function unb64(s: unknown, path: string, what: string): Float32Array {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'base64') : null;
  if (!bytes || bytes.length % 4 !== 0) {
    throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `${path}: ${what} is not base64 float32 data`);
  }
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function writeCheckpoint(path: string, c: Checkpoint): void {
  const json = JSON.stringify({
    ...c, params: b64(c.params), buffers: b64(c.buffers),
    optimizer: { step: c.optimizer.step, slots: c.optimizer.slots.map(b64) },
  });
  const tmp = `${path}.tmp-${process.pid}`;
  // Flushed to the disk before the rename: after a power cut the path holds the old checkpoint or
  // the new one, never a renamed file whose data never reached the disk.
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, json);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new TinyconvError('TRAIN_NO_CHECKPOINT', `--resume: no checkpoint at ${path}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `${path}: not a readable checkpoint (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || raw.format !== 'tinyconv-checkpoint' || raw.version !== 1) {
    throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `${path}: not a tinyconv checkpoint (format ${String(raw?.format)}, version ${String(raw?.version)})`);
  }
  // A checkpoint damaged on disk must fail here, naming the field, not as a TypeError mid-resume.
  const bad = (what: string): never => { throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `${path}: ${what}`); };
  const opt = raw.optimizer as { step?: unknown; slots?: unknown } | null;
  if (!opt || typeof opt !== 'object' || !Number.isInteger(opt.step) || !Array.isArray(opt.slots)) bad('optimizer state is malformed');
  if (!Number.isInteger(raw.epochsDone) || (raw.epochsDone as number) < 0 || !Number.isInteger(raw.step)) bad('epochsDone/step are not integers');
  if (!Array.isArray(raw.history) || (raw.history as unknown[]).length !== raw.epochsDone) bad('history does not list every epoch done');
  if (!raw.recipe || typeof raw.recipe !== 'object' || !raw.normalization || typeof raw.normalization !== 'object') bad('recipe or normalization missing');
  return {
    ...(raw as unknown as Checkpoint),
    params: unb64(raw.params, path, 'params'), buffers: unb64(raw.buffers, path, 'buffers'),
    optimizer: { step: opt!.step as number, slots: (opt!.slots as unknown[]).map((x, i) => unb64(x, path, `optimizer slot ${i}`)) },
  };
}
