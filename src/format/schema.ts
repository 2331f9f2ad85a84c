// The in-memory form of a .tcm int8 model: what the writer serialises and what the reader returns
// (with every constant array a zero-copy typed-array view into the file's ArrayBuffer).
// This file is the contract between the converter, the TFLite importer and the runtime.
// The byte layout is specified in docs/format.md.
//
// Conventions (all ops):
// - Activations are int8, NHWC, batch 1. A tensor's `shape` omits the batch dimension:
//   [H, W, C] for feature maps, [N] for vectors. real = scale * (q - zeroPoint).
// - `shift` follows TFLite: positive = left shift, negative = right shift, applied as in
//   MultiplyByQuantizedMultiplier (see src/runtime/requant.ts and DESIGN.md).
// - actMin/actMax are the fused activation's int8 clamp (ReLU6 -> [max(-128, zp), min(127, zp + round(6/s))]).
// - Weights are symmetric int8 (zero point 0); bias is int32 with scale inputScale * weightScale[c].
//
// Runtime rule: this file must stay within the Espruino/ES5-compatible subset (it is imported by the
// reader and the runtime), so it holds only constants and types.

export const FORMAT_MAGIC = 0x4d434354; // "TCCM" read as a little-endian uint32
export const FORMAT_VERSION = 1;

/** Opcodes. Numbers are part of the file format: never renumber, only append. */
export const OP_CONV2D = 1;
export const OP_DEPTHWISE_CONV2D = 2;
export const OP_DENSE = 3;
export const OP_MAX_POOL = 4;
export const OP_AVG_POOL = 5;
export const OP_GLOBAL_AVG_POOL = 6;
export const OP_ADD = 7;
export const OP_MUL = 8;
export const OP_CONCAT = 9;
export const OP_RESHAPE = 10;
export const OP_PAD = 11;
export const OP_LUT = 12;
export const OP_SOFTMAX = 13;
export const OP_REQUANTIZE = 14;

export interface TensorSpec {
  /** Shape without the batch dimension: [H, W, C] or [N]. */
  shape: number[];
  scale: number;
  zeroPoint: number;
  /** Byte offset of this tensor in the arena (planned by src/format/plan.ts). */
  offset: number;
  /** Optional, for inspect/reports/debugging. */
  name?: string;
}

export interface OpCommon {
  type: number;
  /** Tensor indices. Most ops have one input; add/mul two; concat any number. */
  inputs: number[];
  outputs: number[];
  /** Optional, for inspect/reports/debugging. */
  name?: string;
}

export interface Window2D {
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  /** Explicit asymmetric padding; padded taps are skipped (conv) or excluded (pool), never read. */
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

export interface Clamp {
  actMin: number;
  actMax: number;
}

/** Per-output-channel requantization: length 1 (per-tensor) or one entry per output channel. */
export interface Requant {
  multiplier: Int32Array;
  shift: Int32Array;
}

export interface ConvOp extends OpCommon, Window2D, Clamp, Requant {
  type: typeof OP_CONV2D;
  dilationH: number;
  dilationW: number;
  groups: number;
  /** [outC][kernelH][kernelW][inC / groups] (TFLite's OHWI). */
  weights: Int8Array;
  /** [outC] */
  bias: Int32Array;
}

export interface DepthwiseOp extends OpCommon, Window2D, Clamp, Requant {
  type: typeof OP_DEPTHWISE_CONV2D;
  dilationH: number;
  dilationW: number;
  /** outC = inC * depthMultiplier; output channel o reads input channel floor(o / depthMultiplier). */
  depthMultiplier: number;
  /** [kernelH][kernelW][outC] (TFLite's 1HWO). */
  weights: Int8Array;
  bias: Int32Array;
}

export interface DenseOp extends OpCommon, Clamp, Requant {
  type: typeof OP_DENSE;
  /** [outN][inN]; the input tensor is read flat in its NHWC order. */
  weights: Int8Array;
  bias: Int32Array;
}

export interface PoolOp extends OpCommon, Window2D, Clamp {
  type: typeof OP_MAX_POOL | typeof OP_AVG_POOL;
}

/** Mean over H and W; input and output share scale and zero point (TFLite average pool rounding). */
export interface GlobalAvgPoolOp extends OpCommon, Clamp {
  type: typeof OP_GLOBAL_AVG_POOL;
}

/** TFLite int8 ADD: both inputs rescaled to a common scale with 20 extra bits, then to the output. */
export interface AddOp extends OpCommon, Clamp {
  type: typeof OP_ADD;
  leftShift: number;
  input1Multiplier: number;
  input1Shift: number;
  input2Multiplier: number;
  input2Shift: number;
  outputMultiplier: number;
  outputShift: number;
}

/** TFLite int8 MUL; the second input may be [1,1,C] or [C] broadcast over [H,W,C] (squeeze-excite). */
export interface MulOp extends OpCommon, Clamp {
  type: typeof OP_MUL;
  outputMultiplier: number;
  outputShift: number;
}

/** Concatenate along `axis` of the (batch-less) shape. Per input: multiplier 0 means a plain copy
 *  (same scale and zero point as the output), otherwise requantize with multiplier/shift. */
export interface ConcatOp extends OpCommon {
  type: typeof OP_CONCAT;
  axis: number;
  multiplier: Int32Array;
  shift: Int32Array;
}

/** Same bytes, new shape. Free when the planner gives input and output the same offset. */
export interface ReshapeOp extends OpCommon {
  type: typeof OP_RESHAPE;
}

/** Spatial zero padding with the input's zero point (real 0). */
export interface PadOp extends OpCommon {
  type: typeof OP_PAD;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

/** Any elementwise int8 -> int8 function: out = table[in + 128]. */
export interface LutOp extends OpCommon {
  type: typeof OP_LUT;
  /** 256 entries. */
  table: Int8Array;
}

/** TFLite reference int8 softmax over the last axis; output scale 1/256, zero point -128. */
export interface SoftmaxOp extends OpCommon {
  type: typeof OP_SOFTMAX;
  inputBetaMultiplier: number;
  inputBetaLeftShift: number;
  diffMin: number;
}

/** int8 -> int8 rescale (TFLite QUANTIZE between two int8 tensors). */
export interface RequantizeOp extends OpCommon {
  type: typeof OP_REQUANTIZE;
  multiplier: number;
  shift: number;
}

export type OpSpec =
  | ConvOp
  | DepthwiseOp
  | DenseOp
  | PoolOp
  | GlobalAvgPoolOp
  | AddOp
  | MulOp
  | ConcatOp
  | ReshapeOp
  | PadOp
  | LutOp
  | SoftmaxOp
  | RequantizeOp;

/** How raw 0-255 pixels become the model's real-valued input: real = (pixel * pixelScale - mean[c]) / std[c].
 *  mean/std have one entry per input channel (or one entry for all). */
export interface Preprocess {
  pixelScale: number;
  mean: number[];
  std: number[];
}

export interface ModelSpec {
  tensors: TensorSpec[];
  ops: OpSpec[];
  /** Tensor indices of the model input and output. */
  input: number;
  output: number;
  /** Total activation bytes; every tensor lies in [offset, offset + size) within it. */
  arenaBytes: number;
  preprocess: Preprocess;
  /** Class names, may be empty. */
  labels: string[];
  /** Free-form model name, may be empty. */
  name: string;
}
