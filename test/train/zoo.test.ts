import { describe, expect, it } from 'vitest';
import { executeFloat } from '../../src/graph/execute.js';
import { inferShapes } from '../../src/graph/shapes.js';
import { loadDataset } from '../../src/data/datasets.js';
import { normalizeInto, unitScale } from '../../src/data/normalize.js';
import { SoloEngine } from '../../src/train/engine.js';
import { createOptimizer } from '../../src/train/optimizers.js';
import { buildModel, MODEL_NAMES } from '../../src/train/zoo/index.js';
import { softmaxCrossEntropy } from '../../src/train/losses.js';
import { stepSeedOf } from '../../src/train/engine.js';

// Parameter counts, computed by hand for LeNet-5 (156 + 2416 + 48120 + 10164 + 850) and the
// MobileNetV1-tiny (35402 weights + 1472 BN parameters); the rest pin the zoo's defaults.
const EXPECTED_PARAMS: Record<string, number> = {
  'simple-cnn': 105866, lenet5: 61706, 'lenet5-original': 61706, 'alexnet-small': 195914, vgg: 135370, nin: 35750,
  'googlenet-small': 38570, 'resnet-small': 174970, 'densenet-small': 76378, 'mobilenet-v1': 36874,
  'mobilenet-v2': 51114, 'mobilenet-v3-small': 68578,
};

const test = loadDataset('fashion-mnist-subset', 'test', { log: () => {} });
const norm = unitScale(1);
const BATCH = 16;
const x = new Float32Array(BATCH * 784);
normalizeInto(test.images.subarray(0, BATCH * 784), 1, norm, x);
const labels = test.labels.slice(0, BATCH);

describe('model zoo', () => {
  it('has every model the issue lists', () => {
    expect(Object.keys(EXPECTED_PARAMS).sort()).toEqual(MODEL_NAMES.slice().sort());
  });

  for (const name of MODEL_NAMES) {
    it(`${name}: shape, parameter count, export equals eval forward, one step lowers the loss`, async () => {
      const model = buildModel(name, { seed: 3 }).finalize();
      expect(model.shapeOf(model.output)).toEqual([10]);
      expect(model.paramCount()).toBe(EXPECTED_PARAMS[name]);

      // Train a few steps so batchnorm running statistics are not the identity, then compare the
      // exported graph under the reference executor with our eval-mode forward.
      const engine = new SoloEngine(model);
      const opt = createOptimizer({ name: 'adam' }, model.flatParams.length);
      const seed = stepSeedOf(1, 0);
      const before = await engine.computeGradients(x, labels, BATCH, seed);
      opt.step(model.flatParams, model.flatGrads, 1e-3);
      const after = await engine.computeGradients(x, labels, BATCH, seed);
      expect(after.lossSum, `${name} loss ${before.lossSum / BATCH} -> ${after.lossSum / BATCH}`).toBeLessThan(before.lossSum);

      const fm = model.toFloatModel({ labels: test.classes, preprocess: norm });
      const shapes = inferShapes(fm.graph);
      expect(shapes[fm.graph.output]).toEqual([10]);
      const logits = model.predict(x, 4);
      for (let s = 0; s < 4; s++) {
        const probs = executeFloat(fm, x.slice(s * 784, (s + 1) * 784));
        const z = logits.subarray(s * 10, s * 10 + 10);
        const m = Math.max(...z);
        const e = Array.from(z, (v) => Math.exp(v - m));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let k = 0; k < 10; k++) expect(Math.abs(probs[k] - e[k] / sum), `${name} sample ${s} class ${k}`).toBeLessThan(1e-4);
      }
      const r = softmaxCrossEntropy(logits, labels, 0, 4, 10, 4, null);
      expect(Number.isFinite(r.lossSum)).toBe(true);
    });
  }

  it('refuses unknown models and options', () => {
    expect(() => buildModel('resnet-9000')).toThrow(/unknown model 'resnet-9000'/);
    expect(() => buildModel('lenet5', { alpha: 0.5 })).toThrow(/model 'lenet5' has no option 'alpha'/);
  });

  it('MobileNetV1 alpha and rho scale channels and input', () => {
    const m = buildModel('mobilenet-v1', { alpha: 0.5, rho: 8 / 7 });
    expect(m.inputShape).toEqual([32, 32, 1]);
    const convs = m.nodes.filter((n) => n.layer.kind === 'conv2d').map((n) => n.shape[2]);
    expect(convs).toEqual([8, 8, 16, 16, 32, 32, 32, 32, 64, 64, 64]);
  });
});
