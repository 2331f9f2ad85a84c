// The tinyconv runtime: load an int8 .tcm model and run it. This is the entry point of the
// dist/tinyconv.mjs / .min.mjs / .es5.js bundles (rollup.config.mjs).
//
// Runtime rule: ES5 subset, no Node/DOM API, no allocation in run().
export { loadModel, quantizeValue } from './model.js';
export type { Model, LoadOptions, OpHook } from './model.js';
export type { Tensor } from './tensor.js';
export { readModel } from '../format/reader.js';
export { TinyconvError } from '../format/errors.js';
export {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL,
  OP_ADD, OP_MUL, OP_CONCAT, OP_RESHAPE, OP_PAD, OP_LUT, OP_SOFTMAX, OP_REQUANTIZE,
} from '../format/schema.js';
export type { ModelSpec, TensorSpec, OpSpec } from '../format/schema.js';
