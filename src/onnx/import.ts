// ONNX -> float graph. Supported op types (see import-ops.ts for each mapping):
//   Conv (2-D, groups, dilation, pads/auto_pad), BatchNormalization (inference), Relu, Clip (attrs or
//   constant inputs; [0, 6] becomes relu6), LeakyRelu, PRelu, Sigmoid, Tanh, HardSwish, HardSigmoid,
//   MaxPool / AveragePool (ceil_mode, count_include_pad, no dilation), GlobalAveragePool,
//   GlobalMaxPool (a max pool over the whole map), ReduceMean over H and W (a global average pool),
//   Gemm / MatMul with constant weights, Add / Mul of two tensors, Add / Sub / Mul / Div by a
//   per-channel or scalar constant (as an affine batchnorm), Concat, Flatten, Reshape, Dropout,
//   Identity, Pad (zeros over H and W, absorbed by the next Conv or AveragePool), Softmax, LogSoftmax, and the constant-only Constant / Shape / Gather / Unsqueeze /
//   Squeeze / Concat / Cast / Transpose chains exporters build around a flatten, which are folded.
// The model must be static with batch 1 and one float input and output: NCHW, NCW, [1, F] or [F].
// Layout: NCHW -> NHWC, conv weights OIHW -> OHWI, dense columns after a flatten CHW -> HWC order.
import { TinyconvError } from '../format/errors.js';
import type { FloatModel } from '../graph/types.js';
import { inferShapes } from '../graph/shapes.js';
import { parseOnnxModel, type OnnxModel } from './model-proto.js';
import { ImportContext, onnxShapeOf, ourShapeOf } from './import-context.js';
import { HANDLERS } from './import-ops.js';
import { DT_FLOAT, dataTypeName, type OnnxTensor } from './tensor-proto.js';

export interface OnnxImportOptions {
  /** Graph name (default: the ONNX graph's name). */
  name?: string;
  /** real input = (pixel * inputScale - mean[c]) / std[c]; defaults 1/255, 0, 1. */
  inputScale?: number;
  inputMean?: number | number[];
  inputStd?: number | number[];
  labels?: string[];
  /** Binds graph inputs to constant tensors (ONNX test vectors pass weights as inputs). */
  constantInputs?: Record<string, OnnxTensor>;
  /** Overrides the input's ONNX shape ([1, C, H, W] or [1, F]), e.g. when it is symbolic. */
  inputShape?: number[];
  /** File name for error messages. */
  source?: string;
}

function listOf(v: number | number[] | undefined, fallback: number): number[] {
  if (v === undefined) return [fallback];
  return typeof v === 'number' ? [v] : v.slice();
}

/** Imports a serialized ONNX model (the bytes of an .onnx file). */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): FloatModel {
  return importOnnxModel(parseOnnxModel(bytes, options.source ?? 'model.onnx'), options);
}

export function importOnnxModel(model: OnnxModel, options: OnnxImportOptions = {}): FloatModel {
  const source = options.source ?? 'model.onnx';
  function fail(code: string, message: string): never {
    throw new TinyconvError(code, `${source}: ${message}`);
  }
  const g = model.graph;
  const ctx = new ImportContext(model.opsetVersion || 13, source);

  for (const t of g.initializers) ctx.values.set(t.name, { kind: 'const', tensor: t });
  for (const [name, t] of Object.entries(options.constantInputs ?? {})) ctx.values.set(name, { kind: 'const', tensor: { ...t, name } });
  const runtimeInputs = g.inputs.filter((v) => !ctx.values.has(v.name));
  if (runtimeInputs.length !== 1) {
    fail('UNSUPPORTED_ONNX', `the graph has ${runtimeInputs.length} non-constant inputs (${runtimeInputs.map((v) => `'${v.name}'`).join(', ')}); exactly one is supported`);
  }
  const input = runtimeInputs[0];
  if (input.elemType !== DT_FLOAT) fail('UNSUPPORTED_ONNX', `input '${input.name}' has type ${dataTypeName(input.elemType)}; only FLOAT is supported`);
  const dims = options.inputShape ?? (input.dims ?? []).map((d, i) => (d === null && i === 0 ? 1 : d));
  if (!dims.every((d) => typeof d === 'number' && d > 0)) {
    fail('UNSUPPORTED_ONNX', `input '${input.name}' has a symbolic or unknown shape [${(input.dims ?? []).map((d) => d ?? '?').join(', ')}]; give the shape explicitly`);
  }
  const onnxIn = dims as number[];
  if (onnxIn.length < 1 || onnxIn.length > 4) fail('UNSUPPORTED_ONNX', `input '${input.name}' has rank ${onnxIn.length}; only NCHW (4), NCW (3), [1, F] (2) or [F] (1) inputs are supported`);
  if (onnxIn.length > 1 && onnxIn[0] !== 1) fail('UNSUPPORTED_ONNX', `input '${input.name}' has batch ${onnxIn[0]}; only batch 1 is supported`);
  const ourIn = ourShapeOf(onnxIn);
  const channels = ourIn[ourIn.length - 1];
  for (const [key, list] of [['inputMean', listOf(options.inputMean, 0)], ['inputStd', listOf(options.inputStd, 1)]] as const) {
    if (list.length !== 1 && list.length !== channels) {
      fail('BAD_OPTION', `${key} has ${list.length} values; give 1 or one per input channel (${channels})`);
    }
  }
  const inputName = ctx.uniqueName(input.name || 'input');
  ctx.values.set(input.name, { kind: 'tensor', name: inputName, shape: ourIn, chw: null, rank: onnxIn.length });

  for (const n of g.nodes) {
    if (n.domain !== '' && n.domain !== 'ai.onnx') ctx.fail(n, `unsupported op type '${n.domain}.${n.opType}'`);
    const handler = Object.prototype.hasOwnProperty.call(HANDLERS, n.opType) ? HANDLERS[n.opType] : undefined;
    if (!handler) return ctx.fail(n, `unsupported op type '${n.opType}'`);
    if (n.attributes.some((a) => a.hasGraph)) ctx.fail(n, 'subgraph attributes are not supported');
    handler(ctx, n);
  }

  if (g.outputs.length !== 1) fail('UNSUPPORTED_ONNX', `the graph has ${g.outputs.length} outputs; exactly one is supported`);
  const outName = g.outputs[0].name;
  const found = ctx.values.get(outName);
  if (!found) return fail('BAD_ONNX', `graph output '${outName}' is not produced by any node`);
  if (found.kind !== 'tensor') return fail('UNSUPPORTED_ONNX', `graph output '${outName}' is ${found.kind === 'const' ? 'a constant' : 'a non-zero Pad, which only a following Conv or AveragePool can absorb'}`);
  const out = found;

  const model32: FloatModel = {
    graph: {
      format: 'tinyconv-float',
      version: 1,
      name: options.name ?? (g.name || 'onnx-model'),
      input: { name: inputName, shape: ourIn },
      preprocess: { pixelScale: options.inputScale ?? 1 / 255, mean: listOf(options.inputMean, 0), std: listOf(options.inputStd, 1) },
      labels: options.labels ?? [],
      nodes: ctx.nodes,
      output: out.name,
      weights: 'weights.bin',
      meta: {
        source: 'onnx',
        producer: `${model.producerName} ${model.producerVersion}`.trim(),
        opset: model.opsetVersion,
        onnxInput: { name: input.name, shape: onnxIn },
        onnxOutput: {
          name: outName,
          shape: onnxShapeOf(out),
          // Our output is NHWC. When it is a flattened CHW feature map its elements are in HWC order.
          ...(out.chw ? { flattenedHwcOf: out.chw } : {}),
        },
      },
    },
    weights: ctx.weights(),
  };
  inferShapes(model32.graph);
  return model32;
}
