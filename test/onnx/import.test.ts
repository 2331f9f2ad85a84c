// The ONNX importer on hand-made graphs: layout permutations, op mappings, and refusals that name
// the op, node and byte offset.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOnnx } from '../../src/onnx/import.js';
import { executeFloat } from '../../src/graph/execute.js';
import { model, node, tensor } from './onnx-builder.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const identity = (n: number) => range(n * n).map((i) => (i % (n + 1) === 0 ? 1 : 0));

describe('ONNX import mappings', () => {
  it('Flatten then Gemm: dense columns are permuted from CHW to HWC order', () => {
    // x: [1, C=2, H=2, W=2]; Gemm with B = I(8), transB: y = flatten_CHW(x).
    const bytes = model({
      nodes: [node('Flatten', ['x'], ['f']), node('Gemm', ['f', 'B'], ['y'], { transB: 1 })],
      initializers: [tensor('B', [8, 8], identity(8))],
      inputs: [['x', [1, 2, 2, 2]]], outputs: [['y', [1, 8]]],
    });
    const m = importOnnx(bytes);
    // Our input is NHWC: element (h, w, c) = 10c + 2h + w, so the CHW flatten is 0,1,2,3,10,11,12,13.
    const nhwc = new Float32Array(8);
    for (let c = 0; c < 2; c++) for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) nhwc[(h * 2 + w) * 2 + c] = 10 * c + 2 * h + w;
    expect(Array.from(executeFloat(m, nhwc))).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
  });
  it('Conv weights OIHW become OHWI', () => {
    // 1x1 conv, 2 in -> 1 out, weight [1, 2, 1, 1] = [3, 5]: y = 3 x0 + 5 x1
    const bytes = model({
      nodes: [node('Conv', ['x', 'W'], ['y'], { kernel_shape: [1, 1] }, 'conv')],
      initializers: [tensor('W', [1, 2, 1, 1], [3, 5])],
      inputs: [['x', [1, 2, 1, 2]]], outputs: [['y', [1, 1, 1, 2]]],
    });
    const m = importOnnx(bytes);
    expect(m.graph.nodes[0]).toMatchObject({ name: 'conv', op: 'conv2d', params: { weight: { shape: [1, 1, 1, 2] } } });
    // NHWC input: pixel 0 = (1, 2), pixel 1 = (10, 20)
    expect(Array.from(executeFloat(m, Float32Array.of(1, 2, 10, 20)))).toEqual([13, 130]);
  });
  it('Clip with constant inputs 0..6 becomes relu6; Clip attrs (opset 6) become clip', () => {
    const relu6 = importOnnx(model({
      nodes: [node('Clip', ['x', 'lo', 'hi'], ['y'])],
      initializers: [tensor('lo', [], [0]), tensor('hi', [], [6])],
      inputs: [['x', [1, 4]]], outputs: [['y', [1, 4]]],
    }));
    expect(relu6.graph.nodes.map((n) => n.op)).toEqual(['relu6']);
    const clip = importOnnx(model({
      nodes: [node('Clip', ['x'], ['y'], { min: { float: -1 }, max: { float: 0.5 } })],
      inputs: [['x', [1, 4]]], outputs: [['y', [1, 4]]], opset: 6,
    }));
    expect(clip.graph.nodes[0]).toMatchObject({ op: 'clip', attrs: { min: -1, max: 0.5 } });
    expect(Array.from(executeFloat(clip, Float32Array.of(-3, 0, 0.25, 2)))).toEqual([-1, 0, 0.25, 0.5]);
  });
  it('Sub and Div by per-channel constants become an affine batchnorm', () => {
    const m = importOnnx(model({
      nodes: [node('Sub', ['x', 'mean'], ['s']), node('Div', ['s', 'std'], ['y'])],
      initializers: [tensor('mean', [2, 1, 1], [1, 2]), tensor('std', [1, 2, 1, 1], [2, 4])],
      inputs: [['x', [1, 2, 1, 1]]], outputs: [['y', [1, 2, 1, 1]]],
    }));
    expect(m.graph.nodes.map((n) => n.op)).toEqual(['batchnorm', 'batchnorm']);
    expect(Array.from(executeFloat(m, Float32Array.of(5, 10)))).toEqual([2, 2]);
  });
  it('a Shape/Gather/Unsqueeze/Concat chain folds into a Reshape to [1, -1]', () => {
    const m = importOnnx(model({
      nodes: [
        node('Relu', ['x'], ['r']),
        node('Shape', ['r'], ['shape']),
        node('Gather', ['shape', 'zero'], ['batch'], { axis: 0 }),
        node('Unsqueeze', ['batch', 'axes'], ['b1']),
        node('Concat', ['b1', 'minus1'], ['target'], { axis: 0 }),
        node('Reshape', ['r', 'target'], ['y']),
      ],
      initializers: [tensor('zero', [], [0], 7), tensor('axes', [1], [0], 7), tensor('minus1', [1], [-1], 7)],
      inputs: [['x', [1, 3, 1, 1]]], outputs: [['y', [1, 3]]],
    }));
    expect(m.graph.nodes.map((n) => n.op)).toEqual(['relu', 'flatten']);
    expect(m.graph.nodes[1].inputs).toEqual([m.graph.nodes[0].output]);
  });
  it('Concat of two branches maps ONNX axes 1/2/3 to our C/H/W', () => {
    // x: [1, C=1, H=1, W=2] NHWC = [a, b]; y = concat(x, relu(x)) along `axis`.
    const build = (axis: number, out: number[]) => importOnnx(model({
      nodes: [node('Relu', ['x'], ['r']), node('Concat', ['x', 'r'], ['y'], { axis })],
      inputs: [['x', [1, 1, 1, 2]]], outputs: [['y', out]],
    }));
    const x = Float32Array.of(-1, 2);
    const channels = build(1, [1, 2, 1, 2]);
    expect(channels.graph.nodes[1].attrs.axis).toBe(2);
    expect(Array.from(executeFloat(channels, x))).toEqual([-1, 0, 2, 2]); // NHWC [1, 2, 2]
    expect(build(2, [1, 1, 2, 2]).graph.nodes[1].attrs.axis).toBe(0);
    expect(build(-1, [1, 1, 1, 4]).graph.nodes[1].attrs.axis).toBe(1);
    expect(Array.from(executeFloat(build(3, [1, 1, 1, 4]), x))).toEqual([-1, 2, 0, 2]);
  });
  it('ReduceMean over H, W is a global average pool; GlobalMaxPool a whole-map max pool', () => {
    const mean = importOnnx(model({
      nodes: [node('ReduceMean', ['x'], ['y'], { axes: [2, 3], keepdims: 0 })],
      inputs: [['x', [1, 2, 2, 1]]], outputs: [['y', [1, 2]]],
    }));
    expect(mean.graph.nodes.map((n) => n.op)).toEqual(['globalAvgPool', 'flatten']);
    expect(Array.from(executeFloat(mean, Float32Array.of(1, 10, 3, 30)))).toEqual([2, 20]);
    const max = importOnnx(model({
      nodes: [node('GlobalMaxPool', ['x'], ['y'])], inputs: [['x', [1, 2, 2, 1]]], outputs: [['y', [1, 2, 1, 1]]],
    }));
    expect(Array.from(executeFloat(max, Float32Array.of(1, 10, 3, 30)))).toEqual([3, 30]);
  });
  it('Mul of a feature map by a [1, C, 1, 1] gate (squeeze-excite) puts the gate second', () => {
    const m = importOnnx(model({
      nodes: [node('GlobalAveragePool', ['x'], ['g']), node('Sigmoid', ['g'], ['s']), node('Mul', ['s', 'x'], ['y'])],
      inputs: [['x', [1, 2, 1, 2]]], outputs: [['y', [1, 2, 1, 2]]],
    }));
    const mul = m.graph.nodes[2];
    expect(mul.op).toBe('mul');
    expect(mul.inputs).toEqual([m.graph.input.name, m.graph.nodes[1].output]);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const got = Array.from(executeFloat(m, Float32Array.of(0, 2, 2, 4)));
    const want = [0 * sig(1), 2 * sig(3), 2 * sig(1), 4 * sig(3)];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
  });
  it('a zero Pad is absorbed into the following Conv and AveragePool padding', () => {
    const padded = (consumer: number[]) => importOnnx(model({
      nodes: [node('Pad', ['x', 'p'], ['xp'], { mode: 'constant' }), consumer.length ? node('Conv', ['xp', 'W'], ['y'], { kernel_shape: [2, 2], pads: [0, 0, 1, 0] }, 'conv')
        : node('AveragePool', ['xp'], ['y'], { kernel_shape: [2, 2], strides: [2, 2] }, 'avg')],
      initializers: [tensor('p', [8], [0, 0, 1, 0, 0, 0, 0, 1], 7), tensor('W', [1, 1, 2, 2], [1, 1, 1, 1])],
      inputs: [['x', [1, 1, 2, 2]]], outputs: [['y', [1, 1, 2, 2]]],
    }));
    const conv = padded([1]);
    expect(conv.graph.nodes.map((n) => n.op)).toEqual(['conv2d']);
    expect(conv.graph.nodes[0].attrs.padding).toEqual([1, 0, 1, 1]);
    // x = [[1, 2], [3, 4]] padded to 4x3 (a zero row on top and bottom, a zero column right):
    // 2x2 sums of ones: [3, 2, 10, 6, 7, 4]
    expect(Array.from(executeFloat(conv, Float32Array.of(1, 2, 3, 4)))).toEqual([3, 2, 10, 6, 7, 4]);
    const avg = padded([]);
    expect(avg.graph.nodes[0]).toMatchObject({ op: 'avgPool', attrs: { padding: [1, 0, 0, 1], countIncludePad: true } });
    // padded rows [0 0 0], [1 2 0], [3 4 0]; one 2x2 stride-2 window: (0 + 0 + 1 + 2) / 4
    expect(Array.from(executeFloat(avg, Float32Array.of(1, 2, 3, 4)))).toEqual([0.75]);
  });
  it('a non-zero Pad feeding anything else is refused naming the Pad', () => {
    expect(() => importOnnx(model({
      nodes: [node('Pad', ['x', 'p'], ['xp'], {}, 'pad1'), node('Relu', ['xp'], ['y'], {}, 'act')],
      initializers: [tensor('p', [8], [0, 0, 1, 1, 0, 0, 1, 1], 7)],
      inputs: [['x', [1, 1, 2, 2]]], outputs: [['y', [1, 1, 4, 4]]],
    }))).toThrow(/node 'act' \(Relu.*comes from Pad 'pad1' with non-zero padding/);
    expect(() => importOnnx(model({
      nodes: [node('Pad', ['x', 'p'], ['y'], { mode: 'reflect' }, 'pad1')],
      initializers: [tensor('p', [8], [0, 0, 1, 1, 0, 0, 1, 1], 7)],
      inputs: [['x', [1, 1, 2, 2]]], outputs: [['y', [1, 1, 4, 4]]],
    }))).toThrow(/Pad mode 'reflect'/);
  });
  it('a symbolic batch dimension is taken as 1', () => {
    const bytes = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/onnx/lenet5.onnx'));
    expect(importOnnx(bytes).graph.meta).toMatchObject({ onnxInput: { shape: [1, 1, 28, 28] }, opset: 11 });
  });
});

describe('ONNX import refusals', () => {
  const one = (n: number[], extra: Partial<Parameters<typeof model>[0]> = {}) => model({
    nodes: [node('Erf', ['x'], ['y'], {}, 'mystery')], inputs: [['x', n]], outputs: [['y', n]], ...extra,
  });
  it('an unsupported op names the op type, node and byte offset', () => {
    expect(() => importOnnx(one([1, 4]), { source: 'm.onnx' })).toThrow(/m\.onnx: node 'mystery' \(Erf, byte offset \d+\): unsupported op type 'Erf'/);
  });
  it('a computed conv weight, a wrong Gemm width and NaN weights are refused by node', () => {
    expect(() => importOnnx(model({
      nodes: [node('Relu', ['x'], ['w']), node('Conv', ['x', 'w'], ['y'], {}, 'c')],
      inputs: [['x', [1, 1, 3, 3]]], outputs: [['y', [1, 1, 3, 3]]],
    }))).toThrow(/node 'c' \(Conv.*input 1 'w' must be a constant/);
    expect(() => importOnnx(model({
      nodes: [node('Gemm', ['x', 'B'], ['y'], {}, 'fc')], initializers: [tensor('B', [3, 2], range(6))],
      inputs: [['x', [1, 4]]], outputs: [['y', [1, 2]]],
    }))).toThrow(/node 'fc' \(Gemm.*A has 4 columns but B expects 3/);
    expect(() => importOnnx(model({
      nodes: [node('Gemm', ['x', 'B'], ['y'], {}, 'fc')], initializers: [tensor('B', [2, 2], [1, NaN, 0, 1])],
      inputs: [['x', [1, 2]]], outputs: [['y', [1, 2]]],
    }))).toThrow(/node 'fc' .*constant 'B' element 1 is NaN/);
  });
  it('preprocessing lists must have 1 value or one per input channel', () => {
    const bytes = model({ nodes: [node('Relu', ['x'], ['y'])], inputs: [['x', [1, 3, 2, 2]]], outputs: [['y', [1, 3, 2, 2]]] });
    expect(importOnnx(bytes, { inputMean: [0.5, 0.4, 0.3], inputStd: 0.2 }).graph.preprocess).toEqual({ pixelScale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2] });
    expect(() => importOnnx(bytes, { inputMean: [0.5, 0.4] })).toThrow(/inputMean has 2 values; give 1 or one per input channel \(3\)/);
  });
  it('two runtime inputs, batch > 1 and non-NCHW-expressible reshapes are refused', () => {
    expect(() => importOnnx(model({
      nodes: [node('Add', ['x', 'z'], ['y'])], inputs: [['x', [1, 4]], ['z', [1, 4]]], outputs: [['y', [1, 4]]],
    }))).toThrow(/2 non-constant inputs \('x', 'z'\)/);
    expect(() => importOnnx(model({
      nodes: [node('Relu', ['x'], ['y'])], inputs: [['x', [2, 4]]], outputs: [['y', [2, 4]]],
    }))).toThrow(/batch 2; only batch 1/);
    expect(() => importOnnx(model({
      nodes: [node('Reshape', ['x', 's'], ['y'], {}, 'rs')], initializers: [tensor('s', [4], [1, 2, 3, 2], 7)],
      inputs: [['x', [1, 3, 2, 2]]], outputs: [['y', [1, 2, 3, 2]]],
    }))).toThrow(/node 'rs' \(Reshape.*cannot be expressed in NHWC layout/);
  });
});

describe('corrupt ONNX bytes', () => {
  const bytes = new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/onnx/mobilenet_v1.onnx')));
  it('every truncation fails with a byte offset (or imports a valid prefix), never hangs', () => {
    let errors = 0;
    for (let cut = 0; cut < bytes.length; cut += 97) {
      try {
        importOnnx(bytes.subarray(0, cut));
      } catch (e) {
        expect((e as Error).name).toBe('TinyconvError');
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(300);
    expect(() => importOnnx(bytes.subarray(0, 1000), { source: 'cut.onnx' })).toThrow(/cut\.onnx: .* at byte offset \d+/);
  });
  it('random byte flips give TinyconvErrors or a runnable model, nothing else', () => {
    let imported = 0;
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    for (let trial = 0; trial < 300; trial++) {
      const b = bytes.slice();
      for (let k = 0; k < 4; k++) b[rand(b.length)] = rand(256);
      try {
        // A flip that still parses must give a model the executor runs (no crash deep in a kernel).
        const m = importOnnx(b);
        const [h, w, c] = m.graph.input.shape;
        executeFloat(m, new Float32Array(h * w * c));
        imported++;
      } catch (e) {
        if ((e as Error).name !== 'TinyconvError') throw e;
      }
    }
    expect(imported).toBeGreaterThan(0);
  });
});
