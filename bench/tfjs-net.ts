// FloatNet -> a TensorFlow.js forward function built from tf ops (fused conv/depthwise/matMul with
// bias and ReLU/ReLU6, the fastest form tfjs offers). Weights are uploaded once, to whichever backend
// is active when the runner is made; the harness makes one runner per backend and switches backend
// (tf.setBackend) outside the timed region before each call.

import type * as tfNamespace from '@tensorflow/tfjs';
import { type Activation, type FloatNet, type Window, isTfSamePadding, layerShapes } from './float-net.js';

type Tf = typeof tfNamespace;
type Tensor = tfNamespace.Tensor;

export interface TfjsRunner {
  backend: string;
  /** NHWC float input -> final activation (read back synchronously). */
  run(input: Float32Array): Float32Array;
  dispose(): void;
}

type FusedActivation = 'linear' | 'relu' | 'relu6';

function fusedActivation(act: Activation): FusedActivation {
  return act.kind === 'relu' ? 'relu' : act.kind === 'relu6' ? 'relu6' : 'linear';
}

/** tfjs accepts 'same' | 'valid' | explicit [[0,0],[t,b],[l,r],[0,0]] for conv and depthwise. */
function convPad(inH: number, inW: number, win: Window): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  const [t, l, b, r] = win.pads;
  if (t === 0 && l === 0 && b === 0 && r === 0) return 'valid';
  if (isTfSamePadding(inH, inW, win)) return 'same';
  return [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ];
}

/** OHWI -> HWIO (tfjs conv2d filter layout). */
function ohwiToHwio(w: Float32Array, outC: number, kh: number, kw: number, inC: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < outC; o++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < inC; i++) out[((y * kw + x) * inC + i) * outC + o] = w[((o * kh + y) * kw + x) * inC + i];
  return out;
}

export function createTfjsRunner(tf: Tf, net: FloatNet): TfjsRunner {
  const shapes = layerShapes(net);
  const owned: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  // Each step maps the running activation to the next; weights are captured as tensors.
  const steps: ((x: Tensor) => Tensor)[] = net.layers.map((layer, index) => {
    const [inH, inW] = shapes[index];
    switch (layer.kind) {
      case 'conv': {
        const filter = keep(
          tf.tensor4d(ohwiToHwio(layer.weights, layer.outC, layer.kernelH, layer.kernelW, layer.inC), [
            layer.kernelH,
            layer.kernelW,
            layer.inC,
            layer.outC,
          ]),
        );
        const bias = keep(tf.tensor1d(layer.bias));
        const pad = convPad(inH, inW, layer);
        const act = layer.activation;
        return (x) => {
          const y = tf.fused.conv2d({
            x: x as tfNamespace.Tensor4D,
            filter,
            strides: [layer.strideH, layer.strideW],
            pad,
            bias,
            activation: fusedActivation(act),
          });
          return act.kind === 'clip' ? tf.clipByValue(y, act.min, act.max) : y;
        };
      }
      case 'depthwise': {
        // [kh][kw][inC * mult] is already tfjs's [kh, kw, inC, mult] in memory.
        const filter = keep(tf.tensor4d(layer.weights, [layer.kernelH, layer.kernelW, layer.inC, layer.depthMultiplier]));
        const bias = keep(tf.tensor1d(layer.bias));
        // tfjs depthwise takes only 'same'/'valid': other pads become an explicit zero pad first.
        const explicit = convPad(inH, inW, layer);
        const pad = typeof explicit === 'string' ? explicit : 'valid';
        const act = layer.activation;
        return (x) => {
          const padded = typeof explicit === 'string' ? x : tf.pad(x, explicit);
          const y = tf.fused.depthwiseConv2d({
            x: padded as tfNamespace.Tensor4D,
            filter,
            strides: [layer.strideH, layer.strideW],
            pad,
            bias,
            activation: fusedActivation(act),
          });
          return act.kind === 'clip' ? tf.clipByValue(y, act.min, act.max) : y;
        };
      }
      case 'dense': {
        // Stored [in, out]: tfjs-backend-wasm 4.22's fused matMul with transposeB and a bias gives
        // wrong results (seen on 400x120), so the bench transposes once here instead.
        const transposed = new Float32Array(layer.weights.length);
        for (let o = 0; o < layer.outN; o++) for (let i = 0; i < layer.inN; i++) transposed[i * layer.outN + o] = layer.weights[o * layer.inN + i];
        const weights = keep(tf.tensor2d(transposed, [layer.inN, layer.outN]));
        const bias = keep(tf.tensor1d(layer.bias));
        const act = layer.activation;
        return (x) => {
          const y = tf.fused.matMul({ a: x as tfNamespace.Tensor2D, b: weights, bias, activation: fusedActivation(act) });
          return act.kind === 'clip' ? tf.clipByValue(y, act.min, act.max) : y;
        };
      }
      case 'maxPool':
      case 'avgPool': {
        const [t, l, b, r] = layer.pads;
        const pad = t + l + b + r === 0 ? 'valid' : isTfSamePadding(inH, inW, layer) ? 'same' : null;
        if (pad === null) throw new Error(`tfjs: pool layer ${index} has padding [${layer.pads}] that is neither VALID nor SAME`);
        const pool = layer.kind === 'maxPool' ? tf.maxPool : tf.avgPool;
        return (x) => pool(x as tfNamespace.Tensor4D, [layer.kernelH, layer.kernelW], [layer.strideH, layer.strideW], pad);
      }
      case 'flatten':
        return (x) => tf.reshape(x, [1, -1]);
      case 'softmax':
        return (x) => tf.softmax(x);
    }
  });
  const [h, w, c] = net.inputShape;
  return {
    backend: tf.getBackend(),
    run(input) {
      const result = tf.tidy(() => steps.reduce((x, step) => step(x), tf.tensor4d(input, [1, h, w, c]) as Tensor));
      const data = result.dataSync() as Float32Array;
      result.dispose();
      return data;
    },
    dispose() {
      for (const t of owned) t.dispose();
    },
  };
}
