// The bench's ONNX writer and tfjs graph must compute the same network as a plain JS float loop,
// or the benchmark would compare different networks. Checked on a small net that exercises every
// layer kind, asymmetric padding, depth multiplier 2, a 3-channel input (NHWC -> NCHW) and a dense
// layer after a flatten (column permutation).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { FloatLayer, FloatNet } from '../../bench/float-net.js';
import { runFloatReference } from '../../bench/float-reference.js';
import { buildOnnxModel, nhwcToNchw } from '../../bench/onnx-net.js';
import { ProtoWriter } from '../../bench/onnx-writer.js';
import { createTfjsRunner } from '../../bench/tfjs-net.js';
import { lenet5Random } from '../../bench/random-nets.js';
import { Rng } from '../../src/data/random.js';

const require = createRequire(import.meta.url);

function randomArray(rng: Rng, n: number, std = 0.5): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}

/** 10x9x3 -> conv 3x3 stride (2,1) pads t0 l1 b1 r2 -> [5,10,4] -> depthwise x2 pads t2 l1 b0 r1 -> [5,10,8]
 *  -> maxpool 2 -> [2,5,8] -> avgpool 2x1 -> [1,5,8] -> flatten 40 -> dense 5 -> dense 3 -> softmax. */
function testNet(): FloatNet {
  const rng = new Rng(7);
  const layers: FloatLayer[] = [
    {
      kind: 'conv', kernelH: 3, kernelW: 3, strideH: 2, strideW: 1, pads: [0, 1, 1, 2], inC: 3, outC: 4,
      weights: randomArray(rng, 4 * 3 * 3 * 3), bias: randomArray(rng, 4), activation: { kind: 'relu6' },
    },
    {
      kind: 'depthwise', kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, pads: [2, 1, 0, 1], inC: 4, depthMultiplier: 2,
      weights: randomArray(rng, 3 * 3 * 8), bias: randomArray(rng, 8), activation: { kind: 'clip', min: -0.5, max: 1.5 },
    },
    { kind: 'maxPool', kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, pads: [0, 0, 0, 0] },
    { kind: 'avgPool', kernelH: 2, kernelW: 1, strideH: 1, strideW: 1, pads: [0, 0, 0, 0] },
    { kind: 'flatten' },
    { kind: 'dense', inN: 40, outN: 5, weights: randomArray(rng, 40 * 5), bias: randomArray(rng, 5), activation: { kind: 'relu' } },
    { kind: 'dense', inN: 5, outN: 3, weights: randomArray(rng, 15), bias: randomArray(rng, 3), activation: { kind: 'none' } },
    { kind: 'softmax' },
  ];
  return { name: 'small', inputShape: [10, 9, 3], layers };
}

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  return worst;
}

describe('ProtoWriter', () => {
  it('encodes varints, negative int64 and fixed32 floats as protobuf does', () => {
    const w = new ProtoWriter();
    w.int(1, 300); // tag 0x08, varint 300 = ac 02
    w.int(2, -1); // tag 0x10, ten bytes of two's complement
    w.float(3, 1.5); // tag 0x1d, 00 00 c0 3f
    expect(Array.from(w.finish())).toEqual([
      0x08, 0xac, 0x02, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x1d, 0x00, 0x00, 0xc0, 0x3f,
    ]);
  });
});

describe('bench ONNX model', () => {
  it('runs in onnxruntime-node and matches the JS float reference', async () => {
    const ort = require('onnxruntime-node');
    for (const net of [testNet(), lenet5Random(3)]) {
      const [h, w, c] = net.inputShape;
      const session = await ort.InferenceSession.create(buildOnnxModel(net));
      const input = randomArray(new Rng(5), h * w * c, 1);
      const result = await session.run({ input: new ort.Tensor('float32', nhwcToNchw(input, h, w, c), [1, c, h, w]) });
      const actual = result.output.data as Float32Array;
      const expected = runFloatReference(net, input);
      expect(actual.length).toBe(expected.length);
      expect(maxRelativeError(actual, expected)).toBeLessThan(1e-4);
    }
  });
});

describe('bench tfjs graph', () => {
  // Both backends: tfjs-wasm 4.22 has a fused-matMul bug (transposeB with bias) that the graph
  // must route around; a wrong layout or pad here would make the benchmark compare other networks.
  it.each(['cpu', 'wasm'])('matches the JS float reference on the %s backend', async (backend) => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm').replace(/[^/\\]+$/, ''));
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    expect(await tf.setBackend(backend)).toBe(true);
    // The conv's asymmetric pads go to tfjs as explicit padding; the pools are VALID.
    for (const net of [testNet(), lenet5Random(3)]) {
      const [h, w, c] = net.inputShape;
      const runner = createTfjsRunner(tf, net);
      const input = randomArray(new Rng(5), h * w * c, 1);
      const actual = runner.run(input);
      runner.dispose();
      expect(maxRelativeError(actual, runFloatReference(net, input))).toBeLessThan(1e-4);
    }
  });
});
