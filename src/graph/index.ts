// The float graph: types, file I/O, shape inference, counting and the float reference executor.
export type { OpName, ParamRef, GraphNode, FloatGraph, FloatModel } from './types.js';
export { readFloatModel, writeFloatModel, parseFloatModel, formatGraphJson } from './io.js';
export { inferShapes, nodeOutputShape, elementCount, windowOutputSize } from './shapes.js';
export { countLayers, type LayerCount, type GraphCount } from './count.js';
export { executeFloat, createExecutor, type FloatExecutor, type TensorCallback } from './execute.js';
export { activationFunction, type Activation } from './activations.js';
export { readAttrs, type ConvAttrs, type PoolAttrs } from './attrs.js';
