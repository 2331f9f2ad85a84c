// Refuses comparisons that would produce a meaningless report: a float model and an int8 model that
// are not the same network, or a dataset whose images do not fit the model's input.
import { TinyconvError } from '../format/errors.js';
import type { ModelSpec } from '../format/schema.js';
import type { FloatGraph } from '../graph/types.js';
import { inferShapes } from '../graph/shapes.js';

function same(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function size(shape: number[]): number {
  return shape.reduce((p, v) => p * v, 1);
}

/** Every tensor name of the float graph (its input and each node's output). */
export function floatTensorNames(graph: FloatGraph): Set<string> {
  return new Set([graph.input.name, ...graph.nodes.map((n) => n.output)]);
}

/** True when an int8 tensor name is one the converter derived from a float node (e.g.
 *  `bn1/as_hwc` for a batchnorm turned into a channel affine), not a layer of its own. */
function isDerivedName(name: string, nodeNames: Set<string>): boolean {
  const slash = name.lastIndexOf('/');
  return slash > 0 && nodeNames.has(name.slice(0, slash));
}

/** Checks that `spec` is a quantized form of `graph`: same input shape, same output size, same
 *  labels, and every named int8 tensor corresponds to a float tensor of that name. */
export function checkModelPair(graph: FloatGraph, spec: ModelSpec, floatPath: string, int8Path: string): void {
  const where = `${floatPath} and ${int8Path}`;
  const int8Input = spec.tensors[spec.input].shape;
  if (!same(graph.input.shape, int8Input)) {
    throw new TinyconvError('MODEL_PAIR_MISMATCH', `${where} do not belong together: float input shape [${graph.input.shape.join(', ')}], int8 input shape [${int8Input.join(', ')}]`);
  }
  const floatOut = inferShapes(graph)[graph.output];
  const int8Out = spec.tensors[spec.output].shape;
  if (size(floatOut) !== size(int8Out)) {
    throw new TinyconvError('MODEL_PAIR_MISMATCH', `${where} do not belong together: float output [${floatOut.join(', ')}], int8 output [${int8Out.join(', ')}]`);
  }
  if (graph.labels.length > 0 && spec.labels.length > 0 && graph.labels.join('\n') !== spec.labels.join('\n')) {
    const i = graph.labels.findIndex((l, k) => l !== spec.labels[k]);
    throw new TinyconvError('MODEL_PAIR_MISMATCH', `${where} do not belong together: class ${i} is '${graph.labels[i] ?? '(none)'}' in the float model but '${spec.labels[i] ?? '(none)'}' in the int8 model`);
  }
  const names = floatTensorNames(graph);
  const nodeNames = new Set(graph.nodes.map((n) => n.name));
  const unknown = spec.tensors.map((t) => t.name).filter((n): n is string => !!n && !names.has(n) && !isDerivedName(n, nodeNames));
  if (unknown.length > 0) {
    throw new TinyconvError('MODEL_PAIR_MISMATCH', `${where} do not belong together: int8 tensor(s) ${unknown.slice(0, 5).map((n) => `'${n}'`).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} have no float layer of that name`);
  }
}

/** Checks the dataset's image size against the model input, and that every label of the first
 *  `count` samples names one of the model's outputs. */
export function checkDatasetFits(
  data: { name: string; height: number; width: number; channels: number; labels: Uint8Array },
  inputShape: number[], outputSize: number, count: number,
): void {
  const dataShape = [data.height, data.width, data.channels];
  if (!same(dataShape, inputShape)) {
    throw new TinyconvError('DATASET_MODEL_MISMATCH', `dataset '${data.name}' has ${dataShape.join('x')} images but the model input is ${inputShape.join('x')}`);
  }
  for (let i = 0; i < count; i++) {
    if (data.labels[i] >= outputSize) {
      throw new TinyconvError('DATASET_MODEL_MISMATCH', `dataset '${data.name}': sample ${i} has label ${data.labels[i]} but the model has only ${outputSize} outputs`);
    }
  }
}
