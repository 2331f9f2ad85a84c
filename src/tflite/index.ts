// TFLite import: a bounds-checked flatbuffer reader for the TFLite schema subset we need, and the
// conversion of int8 models to a planned ModelSpec with TFLM's exact parameters.
export { importTflite } from './import.js';
export type { ImportTfliteOptions } from './import.js';
export { parseTflite, builtinName } from './schema.js';
export type { TfliteModel, TfliteSubgraph, TfliteTensor, TfliteOperator } from './schema.js';
