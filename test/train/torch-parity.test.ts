// External truth for the whole training stack: from identical initial weights, on identical batches,
// tinyconv's forward, backward and Adam must follow PyTorch's loss curve step by step (LeNet-5, and
// MobileNetV1-tiny for batchnorm, depthwise convs and ReLU6).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { embeddedSubsetDir, loadDataset } from '../../src/data/datasets.js';
import { computeNormalization, normalizeInto } from '../../src/data/normalize.js';
import { SoloEngine } from '../../src/train/engine.js';
import { createOptimizer } from '../../src/train/optimizers.js';
import { buildModel } from '../../src/train/zoo/index.js';

const PY = '/usr/bin/python3';
const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.log('skip: /usr/bin/python3 with torch (python3-torch) absent');
const script = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'torch_parity.py');

describe('training parity with PyTorch', () => {
  for (const [model, alpha] of [['lenet5', 1], ['mobilenet-v1', 0.5]] as const) {
    it.skipIf(!hasTorch)(`${model}: 25 Adam steps from the same weights give PyTorch's losses`, async () => {
      const steps = 25, B = 64;
      const m = buildModel(model, model === 'lenet5' ? { seed: 4 } : { alpha, seed: 4 }).finalize();
      const dir = mkdtempSync(join(tmpdir(), 'parity-'));
      const init = join(dir, 'init.json');
      writeFileSync(init, JSON.stringify(m.params().map((p) => ({ shape: p.shape, data: Array.from(p.data) }))));
      const d = loadDataset('fashion-mnist-subset', 'train', { log: () => {} });
      const norm = computeNormalization(d);
      const engine = new SoloEngine(m), opt = createOptimizer({ name: 'adam' }, m.flatParams.length);
      const x = new Float32Array(B * 784), ours: number[] = [];
      for (let s = 0; s < steps; s++) {
        normalizeInto(d.images.subarray(s * B * 784, (s + 1) * B * 784), 1, norm, x);
        const r = await engine.computeGradients(x, d.labels.subarray(s * B, (s + 1) * B), B, 1);
        opt.step(m.flatParams, m.flatGrads, 1e-3);
        ours.push(r.lossSum / B);
      }
      const out = execFileSync(PY, [script, model, String(alpha), init, embeddedSubsetDir(), String(norm.mean[0]), String(norm.std[0]), String(steps), String(B)], { encoding: 'utf8' });
      const theirs = JSON.parse(out.trim().split('\n').pop()!) as number[];
      expect(theirs).toHaveLength(steps);
      expect(ours[steps - 1]).toBeLessThan(ours[0] - 0.15); // it did learn
      for (let s = 0; s < steps; s++) expect(Math.abs(ours[s] - theirs[s]), `step ${s}: ${ours[s]} vs ${theirs[s]}`).toBeLessThan(2e-3 * (1 + s));
    });
  }
});
