// FloatNet -> ONNX ModelProto bytes (opset 13), for onnxruntime-node and onnxruntime-web.
// ONNX convolutions are NCHW, so the model takes an NCHW input ([1, C, H, W]; for the 1-channel
// inputs benchmarked here the bytes equal the NHWC ones) and dense layers that follow a flatten get
// their weight columns permuted from NHWC to NCHW order, so no Transpose ops are needed.

import { type Activation, type FloatNet, layerShapes } from './float-net.js';
import { type OnnxGraph, type OnnxInitializer, type OnnxNode, writeOnnxModel } from './onnx-writer.js';

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/** OHWI -> OIHW */
function ohwiToOihw(w: Float32Array, outC: number, kh: number, kw: number, inC: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < outC; o++)
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < inC; i++) out[((o * inC + i) * kh + y) * kw + x] = w[((o * kh + y) * kw + x) * inC + i];
  return out;
}

/** Depthwise [kh][kw][outC] -> grouped-conv OIHW [outC][1][kh][kw]. */
function hwoToO1hw(w: Float32Array, kh: number, kw: number, outC: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let o = 0; o < outC; o++) out[(o * kh + y) * kw + x] = w[(y * kw + x) * outC + o];
  return out;
}

/** Dense weights whose columns follow a flattened NHWC [h, w, c] -> columns in NCHW order. */
function nhwcColumnsToNchw(w: Float32Array, outN: number, h: number, wd: number, c: number): Float32Array {
  const inN = h * wd * c;
  const out = new Float32Array(w.length);
  for (let o = 0; o < outN; o++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < wd; x++)
        for (let ch = 0; ch < c; ch++) out[o * inN + (ch * h + y) * wd + x] = w[o * inN + (y * wd + x) * c + ch];
  return out;
}

export function buildOnnxGraph(net: FloatNet): OnnxGraph {
  const shapes = layerShapes(net);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  let current = ONNX_INPUT;
  /** The [H, W, C] a vector was flattened from (dense weights must follow ONNX's CHW order), if any. */
  let flattenedFrom: number[] | null = null;
  let counter = 0;
  const fresh = (prefix: string): string => `${prefix}_${counter++}`;
  const constant = (prefix: string, dims: number[], data: Float32Array): string => {
    const name = fresh(prefix);
    initializers.push({ name, dims, data });
    return name;
  };
  const activate = (act: Activation): void => {
    if (act.kind === 'none') return;
    const out = fresh(act.kind);
    if (act.kind === 'relu') {
      nodes.push({ opType: 'Relu', inputs: [current], outputs: [out] });
    } else {
      const [min, max] = act.kind === 'relu6' ? [0, 6] : [act.min, act.max];
      const lo = constant('clip_min', [], new Float32Array([min]));
      const hi = constant('clip_max', [], new Float32Array([max]));
      nodes.push({ opType: 'Clip', inputs: [current, lo, hi], outputs: [out] });
    }
    current = out;
  };

  net.layers.forEach((layer, index) => {
    const inShape = shapes[index];
    const out = fresh(layer.kind);
    switch (layer.kind) {
      case 'conv':
      case 'depthwise': {
        const conv = layer.kind === 'conv';
        const outC = conv ? layer.outC : layer.inC * layer.depthMultiplier;
        const weights = conv
          ? ohwiToOihw(layer.weights, outC, layer.kernelH, layer.kernelW, layer.inC)
          : hwoToO1hw(layer.weights, layer.kernelH, layer.kernelW, outC);
        const w = constant('w', [outC, conv ? layer.inC : 1, layer.kernelH, layer.kernelW], weights);
        const b = constant('b', [outC], layer.bias);
        nodes.push({
          opType: 'Conv',
          inputs: [current, w, b],
          outputs: [out],
          attributes: {
            kernel_shape: [layer.kernelH, layer.kernelW],
            strides: [layer.strideH, layer.strideW],
            pads: layer.pads.slice(),
            group: conv ? 1 : layer.inC,
          },
        });
        current = out;
        activate(layer.activation);
        break;
      }
      case 'maxPool':
      case 'avgPool':
        nodes.push({
          opType: layer.kind === 'maxPool' ? 'MaxPool' : 'AveragePool',
          inputs: [current],
          outputs: [out],
          attributes: {
            kernel_shape: [layer.kernelH, layer.kernelW],
            strides: [layer.strideH, layer.strideW],
            pads: layer.pads.slice(),
          },
        });
        current = out;
        break;
      case 'flatten':
        if (inShape.length === 3) flattenedFrom = inShape;
        nodes.push({ opType: 'Flatten', inputs: [current], outputs: [out], attributes: { axis: 1 } });
        current = out;
        break;
      case 'dense': {
        if (inShape.length !== 1) throw new Error(`ONNX export: dense layer ${index} needs a flattened input, got [${inShape}]`);
        const weights = flattenedFrom
          ? nhwcColumnsToNchw(layer.weights, layer.outN, flattenedFrom[0], flattenedFrom[1], flattenedFrom[2])
          : layer.weights;
        flattenedFrom = null;
        const w = constant('w', [layer.outN, layer.inN], weights);
        const b = constant('b', [layer.outN], layer.bias);
        nodes.push({ opType: 'Gemm', inputs: [current, w, b], outputs: [out], attributes: { transB: 1 } });
        current = out;
        activate(layer.activation);
        break;
      }
      case 'softmax':
        if (inShape.length !== 1) throw new Error(`ONNX export: softmax layer ${index} needs a vector input, got [${inShape}]`);
        nodes.push({ opType: 'Softmax', inputs: [current], outputs: [out], attributes: { axis: -1 } });
        current = out;
        break;
    }
  });
  // Name the last value 'output' with an Identity so the graph output has a stable name.
  nodes.push({ opType: 'Identity', inputs: [current], outputs: [ONNX_OUTPUT] });
  const last = shapes[shapes.length - 1];
  const [h, w, c] = net.inputShape;
  return {
    name: net.name,
    nodes,
    initializers,
    inputs: [{ name: ONNX_INPUT, dims: [1, c, h, w] }],
    outputs: [{ name: ONNX_OUTPUT, dims: last.length === 3 ? [1, last[2], last[0], last[1]] : [1, last[0]] }],
  };
}

export function buildOnnxModel(net: FloatNet): Uint8Array {
  return writeOnnxModel(buildOnnxGraph(net));
}

/** NHWC [H, W, C] -> NCHW [C, H, W] (identity when C = 1). */
export function nhwcToNchw(x: Float32Array, h: number, w: number, c: number): Float32Array {
  if (c === 1) return x;
  const out = new Float32Array(x.length);
  for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) out[(ch * h + y) * w + xx] = x[(y * w + xx) * c + ch];
  return out;
}
