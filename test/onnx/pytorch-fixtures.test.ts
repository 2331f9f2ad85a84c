// PyTorch-exported ONNX models (test/fixtures/onnx, made by make_fixtures.py) through our importer
// and float executor, against PyTorch's own eval-mode outputs saved beside them.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOnnx } from '../../src/onnx/import.js';
import { countLayers } from '../../src/graph/count.js';
import { onnxLayoutRunner, maxAbsDiff } from './harness.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/onnx');
const TOLERANCE = 1e-4;

interface Io { inputShape: number[]; outputShape: number[]; samples: { input: number[]; output: number[] }[] }

function check(name: string) {
  const model = importOnnx(readFileSync(join(DIR, `${name}.onnx`)), { source: `${name}.onnx` });
  const io = JSON.parse(readFileSync(join(DIR, `${name}.io.json`), 'utf8')) as Io;
  const run = onnxLayoutRunner(model);
  let worst = 0;
  for (const s of io.samples) worst = Math.max(worst, maxAbsDiff(run(s.input), s.output));
  const counts = countLayers(model.graph);
  console.log(`${name}: ${model.graph.nodes.length} nodes (${[...new Set(model.graph.nodes.map((n) => n.op))].join(', ')}), ` +
    `${counts.totalParams} params, ${counts.totalMacs} MACs; max abs error vs PyTorch over ${io.samples.length} samples: ${worst.toExponential(2)}`);
  return { model, worst };
}

describe('PyTorch-exported ONNX fixtures', () => {
  it('LeNet-5 (Shape/Gather/Unsqueeze/Concat flatten chain, dense after flatten) matches PyTorch', () => {
    const { model, worst } = check('lenet5');
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    expect(model.graph.nodes.map((n) => n.op)).toEqual(
      ['conv2d', 'relu', 'maxPool', 'conv2d', 'relu', 'avgPool', 'flatten', 'dense', 'relu', 'dense', 'relu', 'dense']);
    expect(model.graph.input.shape).toEqual([28, 28, 1]);
  });
  it('MobileNetV1 with BatchNorm and ReLU6 matches PyTorch', () => {
    const { model, worst } = check('mobilenet_v1');
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    const ops = model.graph.nodes.map((n) => n.op);
    expect(ops.filter((o) => o === 'batchnorm')).toHaveLength(9);
    expect(ops.filter((o) => o === 'relu6')).toHaveLength(9);
    expect(model.graph.nodes.filter((n) => n.op === 'conv2d' && n.attrs.groups !== 1)).toHaveLength(4);
    expect(ops.slice(-3)).toEqual(['globalAvgPool', 'flatten', 'dense']);
  });
  it('an op zoo (HardSwish, dilated conv, Concat, PReLU, ceil-mode pools, squeeze-excite, LogSoftmax) matches PyTorch', () => {
    const { model, worst } = check('opzoo');
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
    expect(model.graph.nodes.map((n) => n.op)).toEqual([
      'conv2d', 'batchnorm', 'hardSwish', 'conv2d', 'sigmoid', 'conv2d', 'tanh', 'concat', 'prelu', 'avgPool',
      'globalAvgPool', 'conv2d', 'relu', 'conv2d', 'hardSigmoid', 'mul', 'leakyRelu', 'maxPool', 'flatten', 'dense',
      'tanh', 'dense', 'logSoftmax']);
    const prelu = model.graph.nodes.find((n) => n.op === 'prelu');
    expect(prelu?.params.slope.shape).toEqual([16]);
    expect(model.graph.nodes.find((n) => n.op === 'avgPool')?.attrs).toMatchObject({ ceilMode: true, countIncludePad: false });
  });
});
