// The float network every peer is built from: the same layer list, the same weights, in tinyconv's
// layouts (NHWC activations, OHWI conv weights, 1HWO depthwise weights, [out][in] dense weights with
// `in` enumerating the input in NHWC order). The bench makes one from an int8 ModelSpec by
// dequantizing (see dequantize.ts), so the peers run exactly the network our runtime runs.

/** The fused activation, as a real-valued clamp. `none` = no clamp. */
export type Activation = { kind: 'none' } | { kind: 'relu' } | { kind: 'relu6' } | { kind: 'clip'; min: number; max: number };

export interface Window {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
}

export interface ConvLayer extends Window {
  kind: 'conv';
  inC: number;
  outC: number;
  /** [outC][kernelH][kernelW][inC] */
  weights: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

export interface DepthwiseLayer extends Window {
  kind: 'depthwise';
  inC: number;
  depthMultiplier: number;
  /** [kernelH][kernelW][inC * depthMultiplier] */
  weights: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

export interface DenseLayer {
  kind: 'dense';
  inN: number;
  outN: number;
  /** [outN][inN], inN in the NHWC order of the input */
  weights: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

export interface PoolLayer extends Window {
  kind: 'maxPool' | 'avgPool';
}

/** Flatten [H, W, C] to [H * W * C] in NHWC order. */
export interface FlattenLayer {
  kind: 'flatten';
}

export interface SoftmaxLayer {
  kind: 'softmax';
}

export type FloatLayer = ConvLayer | DepthwiseLayer | DenseLayer | PoolLayer | FlattenLayer | SoftmaxLayer;

export interface FloatNet {
  name: string;
  /** [H, W, C] */
  inputShape: [number, number, number];
  layers: FloatLayer[];
}

/** Output spatial size of a window op along one axis. */
export function windowOut(size: number, kernel: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - kernel) / stride) + 1;
}

/** Shape after each layer ([H, W, C] or [N]), starting with the input shape. */
export function layerShapes(net: FloatNet): number[][] {
  const shapes: number[][] = [net.inputShape.slice()];
  let shape: number[] = net.inputShape.slice();
  for (const layer of net.layers) {
    switch (layer.kind) {
      case 'conv':
      case 'depthwise':
      case 'maxPool':
      case 'avgPool': {
        const [h, w, c] = shape;
        const [t, l, b, r] = layer.pads;
        const outC = layer.kind === 'conv' ? layer.outC : layer.kind === 'depthwise' ? c * layer.depthMultiplier : c;
        shape = [windowOut(h, layer.kernelH, layer.strideH, t, b), windowOut(w, layer.kernelW, layer.strideW, l, r), outC];
        break;
      }
      case 'dense':
        shape = [layer.outN];
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'softmax':
        break;
    }
    shapes.push(shape);
  }
  return shapes;
}

/** True when the pads are what TensorFlow's SAME padding gives for this size, kernel and stride. */
export function isTfSamePadding(inH: number, inW: number, win: Window): boolean {
  const same = (size: number, k: number, s: number): [number, number] => {
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + k - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [t, b] = same(inH, win.kernelH, win.strideH);
  const [l, r] = same(inW, win.kernelW, win.strideW);
  const [pt, pl, pb, pr] = win.pads;
  return t === pt && b === pb && l === pl && r === pr;
}
