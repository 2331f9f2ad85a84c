// The two benchmarked architectures as FloatNets with seeded random weights (He-scaled, so
// activations keep a sensible range through the depth). Used to test the peers before real weights
// exist, and as LeNet-5's weights when no trained model is shipped in models/.

import { Rng } from '../src/data/random.js';
import type { Activation, FloatLayer, FloatNet } from './float-net.js';

function randomArray(rng: Rng, count: number, std: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal() * std;
  return out;
}

function conv(rng: Rng, inC: number, outC: number, k: number, stride: number, pads: [number, number, number, number], activation: Activation): FloatLayer {
  const fanIn = k * k * inC;
  return {
    kind: 'conv',
    kernelH: k,
    kernelW: k,
    strideH: stride,
    strideW: stride,
    pads,
    inC,
    outC,
    weights: randomArray(rng, outC * fanIn, Math.sqrt(2 / fanIn)),
    bias: randomArray(rng, outC, 0.05),
    activation,
  };
}

function depthwise(rng: Rng, inC: number, multiplier: number, stride: number, pads: [number, number, number, number]): FloatLayer {
  const outC = inC * multiplier;
  return {
    kind: 'depthwise',
    kernelH: 3,
    kernelW: 3,
    strideH: stride,
    strideW: stride,
    pads,
    inC,
    depthMultiplier: multiplier,
    weights: randomArray(rng, 9 * outC, Math.sqrt(2 / 9)),
    bias: randomArray(rng, outC, 0.05),
    activation: { kind: 'relu6' },
  };
}

/** MobileNetV1 alpha 0.25 at 96x96x1 with person_detect's layer list (its first layer is a
 *  depthwise conv with multiplier 8 on the 1-channel input; SAME padding as TensorFlow pads). */
export function mobilenetV1Random(seed: number, classes = 2): FloatNet {
  const rng = new Rng(seed);
  const layers: FloatLayer[] = [];
  // [stride, output channels] of each depthwise-separable block after the first.
  const blocks: [number, number][] = [
    [1, 16],
    [2, 32],
    [1, 32],
    [2, 64],
    [1, 64],
    [2, 128],
    [1, 128],
    [1, 128],
    [1, 128],
    [1, 128],
    [1, 128],
    [2, 256],
    [1, 256],
  ];
  // SAME on even sizes: stride 1 pads 1 all round; stride 2 pads only bottom/right.
  const samePads = (stride: number): [number, number, number, number] => (stride === 1 ? [1, 1, 1, 1] : [0, 0, 1, 1]);
  layers.push(depthwise(rng, 1, 8, 2, samePads(2)));
  let channels = 8;
  for (const [stride, outC] of blocks) {
    layers.push(depthwise(rng, channels, 1, stride, samePads(stride)));
    layers.push(conv(rng, channels, outC, 1, 1, [0, 0, 0, 0], { kind: 'relu6' }));
    channels = outC;
  }
  layers.push({ kind: 'avgPool', kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, pads: [0, 0, 0, 0] });
  layers.push(conv(rng, channels, classes, 1, 1, [0, 0, 0, 0], { kind: 'none' }));
  layers.push({ kind: 'flatten' });
  layers.push({ kind: 'softmax' });
  return { name: 'mobilenet_v1_0.25_96_random', inputShape: [96, 96, 1], layers };
}

/** LeNet-5 at 28x28x1: conv5x5x6 (pad 2) ReLU, maxpool 2, conv5x5x16 ReLU, maxpool 2,
 *  dense 120 ReLU, dense 84 ReLU, dense 10, softmax (about 0.42 M MACs). */
export function lenet5Random(seed: number): FloatNet {
  const rng = new Rng(seed);
  const dense = (inN: number, outN: number, activation: Activation): FloatLayer => ({
    kind: 'dense',
    inN,
    outN,
    weights: randomArray(rng, inN * outN, Math.sqrt(2 / inN)),
    bias: randomArray(rng, outN, 0.05),
    activation,
  });
  const pool: FloatLayer = { kind: 'maxPool', kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, pads: [0, 0, 0, 0] };
  return {
    name: 'lenet5_random',
    inputShape: [28, 28, 1],
    layers: [
      conv(rng, 1, 6, 5, 1, [2, 2, 2, 2], { kind: 'relu' }),
      pool,
      conv(rng, 6, 16, 5, 1, [0, 0, 0, 0], { kind: 'relu' }),
      { ...pool },
      { kind: 'flatten' },
      dense(400, 120, { kind: 'relu' }),
      dense(120, 84, { kind: 'relu' }),
      dense(84, 10, { kind: 'none' }),
      { kind: 'softmax' },
    ],
  };
}
