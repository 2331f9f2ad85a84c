// loadModel: reads a .tcm file, binds every tensor to its slot in one arena and every op to its
// input/output tensors, all at load time. run() is then a plain loop with a switch on the opcode that
// calls the kernels; it creates no objects, arrays or typed arrays (docs/runtime.md says how that is
// proven). setInput/readOutput quantize and dequantize at the edges.
//
// Runtime rule: ES5 subset, no Node/DOM API, no allocation in run().
import { TinyconvError } from '../format/errors.js';
import { readModel } from '../format/reader.js';
import { shapeSize } from '../format/validate.js';
import {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL, OP_ADD,
  OP_MUL, OP_CONCAT, OP_RESHAPE, OP_PAD, OP_LUT, OP_SOFTMAX, OP_REQUANTIZE,
  ModelSpec, OpSpec, ConvOp, DepthwiseOp, DenseOp, PoolOp, GlobalAvgPoolOp, AddOp, MulOp, ConcatOp,
  ReshapeOp, PadOp, LutOp, SoftmaxOp, RequantizeOp,
} from '../format/schema.js';
import { Tensor } from './tensor.js';
import { conv2d } from './kernels/conv.js';
import { depthwiseConv2d } from './kernels/depthwise.js';
import { dense } from './kernels/dense.js';
import { maxPool, avgPool, globalAvgPool } from './kernels/pool.js';
import { add } from './kernels/add.js';
import { mul } from './kernels/mul.js';
import { concat } from './kernels/concat.js';
import { reshape } from './kernels/reshape.js';
import { pad } from './kernels/pad.js';
import { lut } from './kernels/lut.js';
import { softmax } from './kernels/softmax.js';
import { requantize } from './kernels/requantize.js';

export interface LoadOptions {
  /** Activation memory to use instead of a fresh ArrayBuffer; at least `arenaBytes` long. */
  arena?: ArrayBuffer;
}

/** Called after each op with its index and output tensor (debugging, golden tests). */
export type OpHook = (opIndex: number, output: Tensor) => void;

export interface Model {
  /** The model input / output as int8 views into the arena. */
  input: Int8Array;
  output: Int8Array;
  inputShape: number[];
  inputScale: number;
  inputZeroPoint: number;
  outputShape: number[];
  outputScale: number;
  outputZeroPoint: number;
  /** Bytes of activation memory (the arena) and of the model file. */
  arenaBytes: number;
  modelBytes: number;
  labels: string[];
  name: string;
  /** The parsed model and every tensor bound to the arena (index = tensor index). */
  spec: ModelSpec;
  tensors: Tensor[];
  /** Runs every op once over the arena. Allocation-free (the optional hook aside). The arena plan
   *  may reuse the input's bytes once it is consumed (as TFLM's does): call setInput before each run. */
  run(onOp?: OpHook): void;
  /** Uint8Array: raw 0-255 pixels (one byte per input value), preprocessed as the model records, then
   *  quantized. Anything else: already preprocessed real values, quantized. Length must match. */
  setInput(data: Uint8Array | Float32Array | ArrayLike<number>): void;
  /** Dequantizes the output into `out` (allocated when omitted) and returns it. */
  readOutput(out?: Float32Array): Float32Array;
}

/** Load-time preparation of each op for faster kernels; fast.ts installs plan.ts's planOp. */
var planner: ((op: OpSpec, input: Tensor, output: Tensor) => void) | null = null;
export function usePlanner(p: typeof planner): void {
  planner = p;
}

/** TFLite's quantize rounding: round half away from zero, add the zero point, clamp to int8. */
export function quantizeValue(v: number, scale: number, zeroPoint: number): number {
  var r = v / scale;
  var q = (r < 0 ? -Math.floor(0.5 - r) : Math.floor(r + 0.5)) + zeroPoint;
  return q < -128 ? -128 : q > 127 ? 127 : q;
}

export function loadModel(bytes: ArrayBuffer | Uint8Array, options?: LoadOptions): Model {
  var spec = readModel(bytes);
  var arenaBytes = spec.arenaBytes;
  var arena = options && options.arena;
  if (!arena) {
    // A file can declare up to 2 GB: on a small engine the allocation fails, which must be a
    // TinyconvError like every other refusal, not a RangeError (docs/robustness.md).
    try { arena = new ArrayBuffer(arenaBytes); } catch (e) { throw new TinyconvError('BAD_ARENA', 'cannot allocate ' + arenaBytes + ' bytes'); }
  } else if (arena.byteLength < arenaBytes) {
    throw new TinyconvError('BAD_ARENA', 'arena ' + arena.byteLength + ' < ' + arenaBytes + ' bytes');
  }
  // The freshly read TensorSpecs become Tensors by gaining their arena view.
  var tensors = spec.tensors as Tensor[];
  for (var t = 0; t < tensors.length; t++) tensors[t].data = new Int8Array(arena, tensors[t].offset, shapeSize(tensors[t].shape));
  // Per op: its input tensors (also the Tensor[] concat takes) and its output tensor.
  var ops = spec.ops;
  var opInputs: Tensor[][] = [];
  var opOutput: Tensor[] = [];
  for (var i = 0; i < ops.length; i++) {
    var ins: Tensor[] = [];
    for (var k = 0; k < ops[i].inputs.length; k++) ins.push(tensors[ops[i].inputs[k]]);
    opInputs.push(ins);
    opOutput.push(tensors[ops[i].outputs[0]]);
    if (planner) planner(ops[i], ins[0], opOutput[i]); // fast bundle only (plan.ts)
  }

  var inT = tensors[spec.input];
  var outT = tensors[spec.output];
  var input = inT.data;
  var output = outT.data;
  var inScale = inT.scale;
  var inZp = inT.zeroPoint;
  var channels = inT.shape[inT.shape.length - 1];
  var pre = spec.preprocess;

  function run(onOp?: OpHook): void {
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      var a = opInputs[i][0];
      var o = opOutput[i];
      switch (op.type) {
        case OP_CONV2D: conv2d(op as ConvOp, a, o); break;
        case OP_DEPTHWISE_CONV2D: depthwiseConv2d(op as DepthwiseOp, a, o); break;
        case OP_DENSE: dense(op as DenseOp, a, o); break;
        case OP_MAX_POOL: maxPool(op as PoolOp, a, o); break;
        case OP_AVG_POOL: avgPool(op as PoolOp, a, o); break;
        case OP_GLOBAL_AVG_POOL: globalAvgPool(op as GlobalAvgPoolOp, a, o); break;
        case OP_ADD: add(op as AddOp, a, opInputs[i][1], o); break;
        case OP_MUL: mul(op as MulOp, a, opInputs[i][1], o); break;
        case OP_CONCAT: concat(op as ConcatOp, opInputs[i], o); break;
        case OP_RESHAPE: reshape(op as ReshapeOp, a, o); break;
        case OP_PAD: pad(op as PadOp, a, o); break;
        case OP_LUT: lut(op as LutOp, a, o); break;
        case OP_SOFTMAX: softmax(op as SoftmaxOp, a, o); break;
        case OP_REQUANTIZE: requantize(op as RequantizeOp, a, o); break;
      }
      if (onOp) onOp(i, o);
    }
  }

  function setInput(data: Uint8Array | Float32Array | ArrayLike<number>): void {
    var n = input.length;
    if (!data || data.length !== n) {
      throw new TinyconvError('BAD_INPUT', 'setInput: ' + (data && data.length) + ' values, not ' + n);
    }
    var pixels = data instanceof Uint8Array;
    // validateModel made sure mean/std hold 1 or `channels` numbers.
    var oneMean = pre.mean.length === 1;
    var oneStd = pre.std.length === 1;
    for (var i = 0, c = 0; i < n; i++) {
      var v = pixels ? (data[i] * pre.pixelScale - pre.mean[oneMean ? 0 : c]) / pre.std[oneStd ? 0 : c] : data[i];
      input[i] = quantizeValue(v, inScale, inZp);
      if (++c === channels) c = 0;
    }
  }

  function readOutput(out?: Float32Array): Float32Array {
    var n = output.length;
    if (!out) out = new Float32Array(n);
    if (out.length < n) throw new TinyconvError('BAD_INPUT', 'readOutput: ' + out.length + ' < ' + n + ' values');
    for (var i = 0; i < n; i++) out[i] = outT.scale * (output[i] - outT.zeroPoint);
    return out;
  }

  return {
    input: input,
    output: output,
    inputShape: inT.shape,
    inputScale: inScale,
    inputZeroPoint: inZp,
    outputShape: outT.shape,
    outputScale: outT.scale,
    outputZeroPoint: outT.zeroPoint,
    arenaBytes: arenaBytes,
    modelBytes: bytes.byteLength,
    labels: spec.labels,
    name: spec.name,
    spec: spec,
    tensors: tensors,
    run: run,
    setInput: setInput,
    readOutput: readOutput,
  };
}
