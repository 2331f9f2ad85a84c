// The peer runtimes, each set up on the same FloatNet and loaded only from node_modules files
// (no network): TensorFlow.js cpu and wasm-SIMD (fused tf ops), onnxruntime-web (wasm, 1 thread)
// and onnxruntime-node (native CPU, 1 intra-op thread, full graph optimisation).

import { createRequire } from 'node:module';
import path from 'node:path';
import type { FloatNet } from './float-net.js';
import { buildOnnxModel, nhwcToNchw, ONNX_INPUT, ONNX_OUTPUT } from './onnx-net.js';
import { createTfjsRunner } from './tfjs-net.js';

export interface Peer {
  /** Short id used in the table: tfjs-cpu, tfjs-wasm, ort-web, ort-node. */
  id: string;
  /** NHWC float input -> final float output. Async peers return a promise. */
  run(input: Float32Array): Float32Array | Promise<Float32Array>;
  /** Bytes of the model as this peer loads it (weights file or ONNX protobuf). */
  modelBytes: number;
  /** Called before each timed call (outside the timed region), e.g. to switch the tfjs backend. */
  before?(): Promise<void> | void;
}

const require = createRequire(import.meta.url);

/** Directory holding an installed package, found through its resolvable main entry. */
export function packageDir(name: string): string {
  const resolved = require.resolve(name);
  const marker = path.join('node_modules', name);
  return resolved.slice(0, resolved.lastIndexOf(marker) + marker.length);
}

/** Float32 weight bytes of a FloatNet (what a tfjs weights.bin of this net holds). */
export function floatWeightBytes(net: FloatNet): number {
  let bytes = 0;
  for (const layer of net.layers) {
    if (layer.kind === 'conv' || layer.kind === 'depthwise' || layer.kind === 'dense') bytes += 4 * (layer.weights.length + layer.bias.length);
  }
  return bytes;
}

export async function createTfjsPeers(net: FloatNet): Promise<Peer[]> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Quiet the "install tfjs-node" banner; it is not a peer here.
  tf.env().set('IS_NODE', true);
  wasm.setWasmPaths(path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep);
  // Single-threaded SIMD build, like onnxruntime-web with 1 thread and like us.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const peers: Peer[] = [];
  for (const backend of ['cpu', 'wasm']) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
    await tf.ready();
    if (backend === 'wasm' && !(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('tfjs-wasm: SIMD not available');
    const runner = createTfjsRunner(tf, net);
    peers.push({
      id: `tfjs-${backend}`,
      run: (input) => runner.run(input),
      modelBytes: floatWeightBytes(net),
      before: async () => {
        if (tf.getBackend() !== backend) await tf.setBackend(backend);
      },
    });
  }
  return peers;
}

interface OrtLike {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: {
    create(model: Uint8Array, options?: Record<string, unknown>): Promise<{
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
    }>;
  };
}

async function createOrtPeer(id: string, ort: OrtLike, model: Uint8Array, net: FloatNet, options: Record<string, unknown>): Promise<Peer> {
  const session = await ort.InferenceSession.create(model, options);
  const [h, w, c] = net.inputShape;
  return {
    id,
    modelBytes: model.length,
    run: async (input) => {
      const feeds = { [ONNX_INPUT]: new ort.Tensor('float32', nhwcToNchw(input, h, w, c), [1, c, h, w]) };
      const result = await session.run(feeds);
      return result[ONNX_OUTPUT].data as Float32Array;
    },
  };
}

export async function createOrtPeers(net: FloatNet): Promise<Peer[]> {
  const model = buildOnnxModel(net);
  const web = (await import('onnxruntime-web')) as unknown as OrtLike & { env: { wasm: Record<string, unknown> } };
  web.env.wasm.numThreads = 1;
  web.env.wasm.wasmPaths = path.join(packageDir('onnxruntime-web'), 'dist') + path.sep;
  const node = require('onnxruntime-node') as OrtLike;
  return [
    await createOrtPeer('ort-web', web, model, net, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }),
    await createOrtPeer('ort-node', node, model, net, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    }),
  ];
}
