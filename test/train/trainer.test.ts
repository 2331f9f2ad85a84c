import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFloatModel } from '../../src/graph/io.js';
import { executeFloat } from '../../src/graph/execute.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { modelCard } from '../../src/train/card.js';
import { checkpointPath, trainModel, type TrainOptions } from '../../src/train/trainer.js';

const quiet = () => {};
const base: TrainOptions = {
  model: 'lenet5', data: 'fashion-mnist-subset', epochs: 1, batch: 64, optimizer: 'adam', lr: 2e-3, seed: 3,
  trainLimit: 1024, testLimit: 400, log: quiet,
};

describe('trainModel', () => {
  it('learns: LeNet-5 on 2000 subset images, 2 epochs, well above chance, and writes a usable float model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const out = join(dir, 'lenet.json');
    const r = await trainModel({ ...base, trainLimit: 2000, epochs: 2, out, command: 'test' });
    const acc = r.history[1].testAccuracy;
    expect(acc).toBeGreaterThan(0.6);
    expect(r.history[1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    const fm = readFloatModel(out);
    expect(fm.graph.labels[0]).toBe('T-shirt/top');
    expect(fm.graph.preprocess.pixelScale).toBeCloseTo(1 / 255, 12);
    expect((fm.graph.meta as { testAccuracy: number }).testAccuracy).toBe(acc);
    expect((fm.graph.meta as { command: string }).command).toBe('test');
    const probs = executeFloat(fm, new Float32Array(784));
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const card = modelCard(fm);
    expect(card).toContain('\n    test\n'); // the recorded command, as a code block
    expect(card).toContain(`test ${(100 * acc).toFixed(2)}%`);
    expect(card.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(2); // one row per epoch
  });

  it('is deterministic for a seed; resuming from a checkpoint reproduces the uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const a = await trainModel({ ...base, epochs: 2, model: 'mobilenet-v1', modelOptions: { alpha: 0.5 }, trainLimit: 512, testLimit: 200 });
    const b = await trainModel({ ...base, epochs: 2, model: 'mobilenet-v1', modelOptions: { alpha: 0.5 }, trainLimit: 512, testLimit: 200 });
    expect(Array.from(a.model.flatParams)).toEqual(Array.from(b.model.flatParams));
    const out = join(dir, 'm.json');
    await trainModel({ ...base, epochs: 1, model: 'mobilenet-v1', modelOptions: { alpha: 0.5 }, trainLimit: 512, testLimit: 200, out });
    expect(readCheckpoint(checkpointPath(out)).epochsDone).toBe(1);
    const c = await trainModel({ ...base, epochs: 2, model: 'mobilenet-v1', modelOptions: { alpha: 0.5 }, trainLimit: 512, testLimit: 200, out, resume: true });
    expect(Array.from(c.model.flatParams)).toEqual(Array.from(a.model.flatParams));
    expect(Array.from(c.model.flatBuffers)).toEqual(Array.from(a.model.flatBuffers));
    expect(c.history.map((h) => h.testAccuracy)).toEqual(a.history.map((h) => h.testAccuracy));
    await expect(trainModel({ ...base, epochs: 3, batch: 32, model: 'mobilenet-v1', modelOptions: { alpha: 0.5 }, trainLimit: 512, out, resume: true }))
      .rejects.toThrow(/was made with/);
  });

  it('stops on a NaN loss naming epoch and batch, keeping the last good checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-'));
    const out = join(dir, 'n.json');
    await trainModel({ ...base, out, trainLimit: 256 });
    const before = readFileSync(checkpointPath(out), 'utf8');
    const modelBefore = readFileSync(out, 'utf8');
    const err = await trainModel({ ...base, out, trainLimit: 256, epochs: 2, resume: true, lr: 1e30 }).catch((e: unknown) => e as Error & { code: string });
    expect((err as { code: string }).code).toBe('TRAIN_NAN_LOSS');
    expect((err as Error).message).toMatch(/at epoch 2, batch \d+; training stopped, the last good checkpoint is .*n\.ckpt\.json/);
    expect(readFileSync(checkpointPath(out), 'utf8')).toBe(before);
    expect(readFileSync(out, 'utf8')).toBe(modelBefore); // the failed run wrote no model
  });

  it('refuses bad options and unknown models', async () => {
    await expect(trainModel({ ...base, epochs: 0 })).rejects.toThrow(/--epochs must be a positive integer/);
    await expect(trainModel({ ...base, model: 'nope' })).rejects.toThrow(/unknown model 'nope'/);
    await expect(trainModel({ ...base, optimizer: 'lbfgs' as never })).rejects.toThrow(/unknown optimizer/);
    await expect(trainModel({ ...base, modelOptions: { alpha: 2 } })).rejects.toThrow(/has no option 'alpha'/);
  });
});

// Data-parallel training runs the compiled worker; compile just its import closure once.
describe('data-parallel training', () => {
  it('2 workers give the single-thread result within float tolerance (BN, dropout included)', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'worker-build-'));
    execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '--outDir', outDir, '--rootDir', '.',
      '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--skipLibCheck', '--types', 'node',
      'src/train/parallel-worker.ts'], { stdio: 'inherit' });
    process.env.TINYCONV_TRAIN_WORKER = join(outDir, 'src', 'train', 'parallel-worker.js');
    try {
      for (const [model, modelOptions] of [['mobilenet-v1', { alpha: 0.5 }], ['simple-cnn', {}]] as const) {
        const o: TrainOptions = { ...base, model, modelOptions, epochs: 1, batch: 50, trainLimit: 300, testLimit: 100 };
        const one = await trainModel({ ...o, workers: 1 });
        const two = await trainModel({ ...o, workers: 2 });
        let worst = 0;
        for (let i = 0; i < one.model.flatParams.length; i++) worst = Math.max(worst, Math.abs(one.model.flatParams[i] - two.model.flatParams[i]));
        expect(worst, model).toBeLessThan(1e-4);
        expect(worst, `${model}: suspiciously identical, did the workers run?`).toBeGreaterThan(0);
        for (let i = 0; i < one.model.flatBuffers.length; i++) expect(Math.abs(one.model.flatBuffers[i] - two.model.flatBuffers[i])).toBeLessThan(1e-3);
        expect(Math.abs(one.history[0].trainLoss - two.history[0].trainLoss)).toBeLessThan(1e-4);
      }
    } finally {
      delete process.env.TINYCONV_TRAIN_WORKER;
    }
  });
});

describe('data-parallel failures', () => {
  it('a worker that cannot start is reported as an error, not a hang', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-worker-'));
    const script = join(dir, 'worker.mjs');
    writeFileSync(script, "throw new Error('boom from worker');\n");
    process.env.TINYCONV_TRAIN_WORKER = script;
    try {
      await expect(trainModel({ ...base, workers: 2, trainLimit: 64 })).rejects.toThrow(/boom from worker/);
    } finally {
      delete process.env.TINYCONV_TRAIN_WORKER;
    }
  });
});
