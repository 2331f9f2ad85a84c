// The package root: every stage of the flow as a function (train -> convert -> run -> report).
// The runtime alone (what ships to a page or a board) is `tinyconv/runtime` (dist/tinyconv.mjs).
export { loadModel, quantizeValue, readModel, TinyconvError } from './runtime/index.js';
export type { Model, LoadOptions, OpHook, Tensor, ModelSpec, TensorSpec, OpSpec } from './runtime/index.js';
export { writeModel } from './format/writer.js';
export { planArena, checkPlan } from './format/plan.js';
export { readFloatModel, writeFloatModel, executeFloat, createExecutor, inferShapes, countLayers } from './graph/index.js';
export type { FloatGraph, FloatModel, GraphNode } from './graph/index.js';
export { convertToInt8, convertToInt8Detailed } from './convert/index.js';
export type { ConvertOptions } from './convert/index.js';
export { importOnnx } from './onnx/import.js';
export { importTflite } from './tflite/index.js';
export { loadDataset } from './data/datasets.js';
export type { Dataset } from './data/datasets.js';
export { trainModel, buildModel, MODEL_NAMES } from './train/index.js';
export type { TrainOptions, TrainResult } from './train/index.js';
export { evaluate as evaluateInt8VsFloat, writeReportFiles } from './report/index.js';
export { exportModel } from './deploy/index.js';
