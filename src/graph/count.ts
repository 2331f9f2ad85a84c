// Parameter and multiply-accumulate counts per node, for `inspect` and reports.
// MACs follow the usual convention: only conv2d and dense (the layers that dominate the cost)
// count, one per weight use; elementwise ops, pools and batchnorm count 0.
import type { FloatGraph } from './types.js';
import { inferShapes, elementCount } from './shapes.js';

export interface LayerCount {
  name: string;
  op: string;
  outputShape: number[];
  params: number;
  macs: number;
}

export interface GraphCount {
  layers: LayerCount[];
  totalParams: number;
  totalMacs: number;
}

export function countLayers(graph: FloatGraph): GraphCount {
  const shapes = inferShapes(graph);
  const layers = graph.nodes.map((node): LayerCount => {
    const outputShape = shapes[node.output];
    let params = 0;
    for (const key of Object.keys(node.params)) params += elementCount(node.params[key].shape);
    let macs = 0;
    if (node.op === 'conv2d' || node.op === 'dense') {
      const w = node.params.weight.shape;
      // Each output element uses one row of the weight: kH * kW * inC/groups (conv) or `in` (dense).
      macs = elementCount(outputShape) * (elementCount(w) / w[0]);
    }
    return { name: node.name, op: node.op, outputShape, params, macs };
  });
  return {
    layers,
    totalParams: layers.reduce((s, l) => s + l.params, 0),
    totalMacs: layers.reduce((s, l) => s + l.macs, 0),
  };
}
