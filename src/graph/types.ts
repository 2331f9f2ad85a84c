// The float graph: what the trainer exports, what the ONNX importer produces and what the converter
// reads. On disk: `name.json` (this FloatGraph) beside `name.bin` (little-endian Float32 weights).
// Specified in docs/float-format.md.
//
// Layout: activations are NHWC with batch 1 and the batch dimension omitted ([H, W, C] or [N]),
// the same as the int8 runtime, so float and int8 tensors compare element by element.
// Conv weights are [outC][kH][kW][inC / groups] (OHWI); dense weights are [out][in] where `in`
// enumerates the flattened input in NHWC order (an importer from NCHW frameworks permutes them).

export type OpName =
  | 'conv2d'
  | 'batchnorm'
  | 'relu'
  | 'relu6'
  | 'clip'
  | 'leakyRelu'
  | 'prelu'
  | 'sigmoid'
  | 'tanh'
  | 'hardSwish'
  | 'hardSigmoid'
  | 'maxPool'
  | 'avgPool'
  | 'globalAvgPool'
  | 'dense'
  | 'add'
  | 'mul'
  | 'concat'
  | 'flatten'
  | 'reshape'
  | 'dropout'
  | 'softmax'
  | 'logSoftmax';

/** A slice of the weight blob, in Float32 elements (not bytes). */
export interface ParamRef {
  offset: number;
  shape: number[];
}

/** Attributes by op (all optional keys absent means the documented default):
 *  conv2d:     kernel [kh, kw], stride [sh, sw] (1,1), padding [top, left, bottom, right] (0s),
 *              dilation [dh, dw] (1,1), groups (1), outChannels; params weight, bias?
 *  batchnorm:  eps (1e-5); params gamma, beta, mean, variance (each [C])
 *  clip:       min, max            leakyRelu: alpha (0.01)     prelu: params slope ([C] or [1])
 *  hardSigmoid: alpha (1/6), beta (0.5)   hardSwish: x * relu6(x + 3) / 6
 *  maxPool/avgPool: kernel, stride (= kernel), padding (0s), ceilMode (false),
 *              countIncludePad (false, avgPool only)
 *  dense:      units; params weight [units][in], bias? [units]
 *  add, mul:   two inputs; mul's second input may be [1, 1, C] or [C], broadcast over [H, W, C]
 *  concat:     axis (-1 = channels)
 *  reshape:    shape (without batch; one entry may be -1)    flatten: -> [N]
 *  dropout:    rate (identity at inference)
 *  softmax, logSoftmax: over the last axis */
export interface GraphNode {
  name: string;
  op: OpName;
  /** Tensor names: the graph input's name or another node's output. */
  inputs: string[];
  output: string;
  attrs: Record<string, number | number[] | boolean | string>;
  params: Record<string, ParamRef>;
}

export interface FloatGraph {
  format: 'tinyconv-float';
  version: 1;
  name: string;
  input: { name: string; shape: number[] };
  /** real input = (pixel * pixelScale - mean[c]) / std[c]; recorded in the int8 model too. */
  preprocess: { pixelScale: number; mean: number[]; std: number[] };
  labels: string[];
  /** In execution (topological) order. */
  nodes: GraphNode[];
  output: string;
  /** File name of the weight blob, relative to the JSON file. */
  weights: string;
  /** Free-form provenance: training command, dataset, accuracy... */
  meta?: Record<string, unknown>;
}

/** A float graph together with its weight blob. */
export interface FloatModel {
  graph: FloatGraph;
  weights: Float32Array;
}
