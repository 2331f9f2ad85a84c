// FloatNet -> the project's float graph (src/graph), so a bench network can go through the real
// converter (src/convert convertToInt8) like any user model.

import type { FloatModel, GraphNode, ParamRef } from '../src/graph/types.js';
import type { Activation, FloatNet, Window } from './float-net.js';

export function floatNetToGraph(net: FloatNet, preprocess: FloatModel['graph']['preprocess'], labels: string[] = []): FloatModel {
  const chunks: Float32Array[] = [];
  let offset = 0;
  const param = (values: Float32Array, shape: number[]): ParamRef => {
    chunks.push(values);
    const ref = { offset, shape };
    offset += values.length;
    return ref;
  };
  const nodes: GraphNode[] = [];
  let current = 'input';
  const push = (name: string, op: GraphNode['op'], attrs: GraphNode['attrs'] = {}, params: GraphNode['params'] = {}) => {
    nodes.push({ name, op, inputs: [current], output: name, attrs, params });
    current = name;
  };
  const activate = (name: string, act: Activation) => {
    if (act.kind === 'relu' || act.kind === 'relu6') push(`${name}_${act.kind}`, act.kind);
    else if (act.kind === 'clip') push(`${name}_clip`, 'clip', { min: act.min, max: act.max });
  };
  const windowAttrs = (w: Window) => ({ kernel: [w.kernelH, w.kernelW], stride: [w.strideH, w.strideW], padding: w.pads.slice() });

  net.layers.forEach((layer, index) => {
    const name = `${layer.kind}${index}`;
    switch (layer.kind) {
      case 'conv':
        push(name, 'conv2d', { ...windowAttrs(layer), outChannels: layer.outC }, {
          weight: param(layer.weights, [layer.outC, layer.kernelH, layer.kernelW, layer.inC]),
          bias: param(layer.bias, [layer.outC]),
        });
        activate(name, layer.activation);
        break;
      case 'depthwise': {
        // A grouped conv with one input channel per group: OHWI [outC][kh][kw][1].
        const outC = layer.inC * layer.depthMultiplier;
        const taps = layer.kernelH * layer.kernelW;
        const ohwi = new Float32Array(layer.weights.length);
        for (let t = 0; t < taps; t++) for (let o = 0; o < outC; o++) ohwi[o * taps + t] = layer.weights[t * outC + o];
        push(name, 'conv2d', { ...windowAttrs(layer), outChannels: outC, groups: layer.inC }, {
          weight: param(ohwi, [outC, layer.kernelH, layer.kernelW, 1]),
          bias: param(layer.bias, [outC]),
        });
        activate(name, layer.activation);
        break;
      }
      case 'dense':
        push(name, 'dense', { units: layer.outN }, {
          weight: param(layer.weights, [layer.outN, layer.inN]),
          bias: param(layer.bias, [layer.outN]),
        });
        activate(name, layer.activation);
        break;
      case 'maxPool':
      case 'avgPool':
        push(name, layer.kind, windowAttrs(layer));
        break;
      case 'flatten':
        push(name, 'flatten');
        break;
      case 'softmax':
        push(name, 'softmax');
        break;
    }
  });
  const weights = new Float32Array(offset);
  let o = 0;
  for (const c of chunks) {
    weights.set(c, o);
    o += c.length;
  }
  return {
    graph: {
      format: 'tinyconv-float',
      version: 1,
      name: net.name,
      input: { name: 'input', shape: net.inputShape.slice() },
      preprocess,
      labels,
      nodes,
      output: current,
      weights: `${net.name}.bin`,
    },
    weights,
  };
}
