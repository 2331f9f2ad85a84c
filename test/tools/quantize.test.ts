// `tinyconv quantize`: a small float model (.json) and the PyTorch LeNet-5 fixture (.onnx),
// calibrated on the embedded Fashion-MNIST subset, written, reloaded and run; and its refusals.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/verbs/quantize.js';
import { writeFloatModel } from '../../src/graph/io.js';
import { createExecutor } from '../../src/graph/execute.js';
import { loadModel } from '../../src/runtime/model.js';
import { loadDataset } from '../../src/data/datasets.js';
import { GraphBuilder } from '../convert/graph-builder.js';

const ONNX_LENET = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'onnx', 'lenet5.onnx');

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { printed.push(a.join(' ')); });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

function tinyFloatModel(dir: string): string {
  const g = new GraphBuilder([28, 28, 1], 8);
  let t = g.conv('input', 1, 4, 3, { stride: [2, 2] }, 1);
  t = g.add('relu6', [g.batchnorm(t, 4)]);
  t = g.add('flatten', [g.add('maxPool', [t], { kernel: [2, 2] })]);
  const model = g.build(g.add('softmax', [g.dense(t, 144, 10, 0.5)]), 'tiny');
  model.graph.preprocess = { pixelScale: 1 / 255, mean: [0.28], std: [0.35] };
  const path = join(dir, 'tiny.json');
  writeFloatModel(path, model);
  return path;
}

describe('tinyconv quantize', () => {
  it('quantizes a .json float model, prints a summary and writes a loadable .tcm that tracks the float model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quantize-'));
    const json = tinyFloatModel(dir);
    const out = join(dir, 'tiny.tcm');
    await main([json, '--calib', 'fashion-mnist-subset', '--samples', '64', '--method', 'mse', '--out', out, '--layers']);
    const text = printed.join('\n');
    expect(text).toMatch(/tiny\.tcm: 5 int8 ops/);
    expect(text).toMatch(/model [\d,]+ bytes, arena [\d,]+ bytes/);
    expect(text).toMatch(/calibration: 64 images of fashion-mnist-subset train, method mse, per-channel weights/);
    expect(text).toMatch(/preprocess pixel \* 0\.003922 - \[0\.28\] \/ \[0\.35\]/);
    expect(text).toMatch(/\n\s+0\s+conv2d\s+relu6\d+\s+13x13x4\s+0\.02353\s+-128\s+\[0, 6\]/);
    const int8 = loadModel(readFileSync(out));
    expect(int8.spec.preprocess).toEqual({ pixelScale: 1 / 255, mean: [0.28], std: [0.35] });
    // Run real images through both: the runtime's setInput(pixels) applies the recorded preprocess.
    const test = loadDataset('fashion-mnist-subset', 'test', { log: () => {} });
    const { readFloatModel } = await import('../../src/graph/io.js');
    const float = createExecutor(readFloatModel(json));
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      const pixels = test.images.subarray(i * 784, (i + 1) * 784);
      const x = Float32Array.from(pixels, (p) => (p / 255 - 0.28) / 0.35);
      int8.setInput(pixels);
      int8.run();
      const got = int8.readOutput();
      const want = float(x);
      for (let k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
    }
    expect(worst).toBeLessThan(0.05);
  });

  it.skipIf(!existsSync(ONNX_LENET))('quantizes the PyTorch LeNet-5 .onnx with --input-* preprocessing and --per-tensor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quantize-'));
    const out = join(dir, 'lenet.tcm');
    await main([ONNX_LENET, '--calib', 'fashion-mnist-subset', '--samples', '32', '--per-tensor', '--input-mean', '0.5', '--input-std', '0.25', '--out', out]);
    expect(printed.join('\n')).toMatch(/per-tensor weights/);
    const int8 = loadModel(readFileSync(out));
    expect(int8.inputShape).toEqual([28, 28, 1]);
    expect(int8.spec.preprocess).toEqual({ pixelScale: 1 / 255, mean: [0.5], std: [0.25] });
  });

  it('refuses calibration images whose shape differs from the graph input, naming both shapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quantize-'));
    const g = new GraphBuilder([8, 8, 1]);
    const path = join(dir, 'small.json');
    writeFloatModel(path, g.build(g.add('relu', ['input'])));
    await expect(main([path, '--calib', 'fashion-mnist-subset', '--out', join(dir, 'x.tcm')]))
      .rejects.toThrow(/calibration images are \[28, 28, 1\] but graph input 'input' has shape \[8, 8, 1\]/);
  });

  it('refuses missing or malformed options with a usage error', async () => {
    await expect(main(['m.json', '--out', 'x.tcm'])).rejects.toThrow(/--calib <dataset> is required/);
    await expect(main(['m.json', '--calib', 'fashion-mnist-subset'])).rejects.toThrow(/--out <model.tcm> is required/);
    await expect(main(['m.json', '--calib', 'x', '--out', 'x.tcm', '--method', 'kl'])).rejects.toThrow(/--method must be one of/);
    await expect(main(['m.json', '--calib', 'x', '--out', 'x.tcm', '--samples', '0'])).rejects.toThrow(/--samples expects a positive integer/);
    await expect(main(['m.pt', '--calib', 'fashion-mnist-subset', '--out', 'x.tcm'])).rejects.toThrow(/expected a float model/);
  });
});
