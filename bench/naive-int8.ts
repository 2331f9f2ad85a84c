// The "naive int8" reference row: our model run with only the TFLM-style generic kernels (one plain
// nested loop per op, the code every fast path is tested against), so the table shows what the
// shape-specialised paths buy. Conv and depthwise go to their generic kernels; the other ops used
// by the benchmarked networks already are plain loops and use the runtime's own kernels.

import {
  type ConvOp,
  type DenseOp,
  type DepthwiseOp,
  type GlobalAvgPoolOp,
  type PoolOp,
  type SoftmaxOp,
  OP_AVG_POOL,
  OP_CONV2D,
  OP_DENSE,
  OP_DEPTHWISE_CONV2D,
  OP_GLOBAL_AVG_POOL,
  OP_MAX_POOL,
  OP_RESHAPE,
  OP_SOFTMAX,
} from '../src/format/schema.js';
import { conv2dGeneric } from '../src/runtime/kernels/conv.js';
import { dense } from '../src/runtime/kernels/dense.js';
import { depthwiseConv2dGeneric } from '../src/runtime/kernels/depthwise.js';
import { avgPool, globalAvgPool, maxPool } from '../src/runtime/kernels/pool.js';
import { softmax } from '../src/runtime/kernels/softmax.js';
import { loadModel } from '../src/runtime/model.js';

export interface NaiveInt8Runner {
  input: Int8Array;
  output: Int8Array;
  run(): void;
}

export function createNaiveInt8Runner(tcm: Uint8Array): NaiveInt8Runner {
  const model = loadModel(tcm);
  const { spec, tensors } = model;
  const steps = spec.ops.map((op, index) => {
    const input = tensors[op.inputs[0]];
    const output = tensors[op.outputs[0]];
    switch (op.type) {
      case OP_CONV2D:
        return () => conv2dGeneric(op as ConvOp, input, output);
      case OP_DEPTHWISE_CONV2D:
        return () => depthwiseConv2dGeneric(op as DepthwiseOp, input, output);
      case OP_DENSE:
        return () => dense(op as DenseOp, input, output);
      case OP_MAX_POOL:
        return () => maxPool(op as PoolOp, input, output);
      case OP_AVG_POOL:
        return () => avgPool(op as PoolOp, input, output);
      case OP_GLOBAL_AVG_POOL:
        return () => globalAvgPool(op as GlobalAvgPoolOp, input, output);
      case OP_SOFTMAX:
        return () => softmax(op as SoftmaxOp, input, output);
      case OP_RESHAPE:
        // Same bytes when the planner aliased them; otherwise a copy.
        return () => {
          if (output.data.byteOffset !== input.data.byteOffset) output.data.set(input.data);
        };
      default:
        throw new Error(`naive int8: op ${index} (type ${op.type}) is not used by the benchmarked networks`);
    }
  });
  return {
    input: model.input,
    output: model.output,
    run() {
      for (let i = 0; i < steps.length; i++) steps[i]();
    },
  };
}
