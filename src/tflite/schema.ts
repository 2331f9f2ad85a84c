// The subset of TensorFlow Lite's schema (tensorflow/lite/schema/schema.fbs) we read: field
// numbers, enum values, and a parser from the flatbuffer to plain objects. Builtin options stay as
// flatbuffer tables; options.ts reads them per operator.

import { FlatBuffer, Table } from './flatbuffer.js';
import { TinyconvError } from '../format/errors.js';

/** TensorType enum values we name in messages or accept. */
export const TENSOR_TYPE_NAMES: Record<number, string> = {
  0: 'FLOAT32', 1: 'FLOAT16', 2: 'INT32', 3: 'UINT8', 4: 'INT64', 5: 'STRING', 6: 'BOOL', 7: 'INT16',
  8: 'COMPLEX64', 9: 'INT8', 10: 'FLOAT64', 11: 'COMPLEX128', 12: 'UINT64', 15: 'UINT32', 16: 'UINT16', 17: 'INT4',
};
export const TYPE_FLOAT32 = 0;
export const TYPE_INT32 = 2;
export const TYPE_INT8 = 9;

/** BuiltinOperator enum values of the ops we convert (plus names for error messages). */
export const BUILTIN = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  MAX_POOL_2D: 17,
  RESHAPE: 22,
  SOFTMAX: 25,
  PAD: 34,
  MEAN: 40,
  QUANTIZE: 114,
} as const;

// A few more names so an unsupported op is reported by name, not number.
const OTHER_BUILTIN_NAMES: Record<number, string> = {
  5: 'DEPTH_TO_SPACE', 8: 'FLOOR', 12: 'L2_POOL_2D', 18: 'MUL', 19: 'RELU', 20: 'RELU_N1_TO_1', 21: 'RELU6',
  23: 'RESIZE_BILINEAR', 26: 'SPACE_TO_DEPTH', 28: 'TANH', 31: 'CALL', 32: 'CUSTOM', 36: 'GATHER', 39: 'TRANSPOSE',
  41: 'SUB', 42: 'DIV', 43: 'SQUEEZE', 45: 'STRIDED_SLICE', 47: 'EXP', 49: 'SPLIT', 50: 'LOG_SOFTMAX', 53: 'CAST',
  54: 'PRELU', 55: 'MAXIMUM', 56: 'ARG_MAX', 57: 'MINIMUM', 60: 'PADV2', 65: 'SLICE', 67: 'TRANSPOSE_CONV',
  70: 'EXPAND_DIMS', 74: 'SUM', 82: 'REDUCE_MAX', 83: 'PACK', 88: 'UNPACK', 97: 'RESIZE_NEAREST_NEIGHBOR',
  98: 'LEAKY_RELU', 100: 'MIRROR_PAD', 111: 'ELU', 117: 'HARD_SWISH', 118: 'IF', 119: 'WHILE', 126: 'BATCH_MATMUL',
  150: 'GELU',
};

export function builtinName(code: number): string {
  for (const k of Object.keys(BUILTIN) as (keyof typeof BUILTIN)[]) if (BUILTIN[k] === code) return k;
  return OTHER_BUILTIN_NAMES[code] ?? `builtin operator ${code}`;
}

export interface TfliteQuantization {
  /** Float32 scales (one per tensor, or one per channel along quantizedDimension). */
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TfliteTensor {
  index: number;
  shape: number[];
  type: number;
  buffer: number;
  name: string;
  quantization: TfliteQuantization | null;
}

export interface TfliteOperator {
  index: number;
  /** Builtin operator code (from the operator code table). */
  builtin: number;
  /** Custom op name when builtin is CUSTOM. */
  customCode: string | null;
  inputs: number[];
  outputs: number[];
  options: Table | null;
}

export interface TfliteSubgraph {
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
  name: string;
}

export interface TfliteModel {
  version: number;
  subgraphs: TfliteSubgraph[];
  /** Buffer contents by index (empty for buffer 0 and for activations). */
  buffers: Uint8Array[];
  description: string;
}

function readTensor(t: Table, index: number): TfliteTensor {
  const q = t.table(4, `tensor ${index} quantization`);
  let quantization: TfliteQuantization | null = null;
  if (q) {
    const scale = q.f32Vector(2, `tensor ${index} scales`) ?? [];
    const zeroPoint = q.i64Vector(3, `tensor ${index} zero points`) ?? [];
    if (scale.length > 0) quantization = { scale, zeroPoint, quantizedDimension: q.i32(6, 0) };
  }
  return {
    index,
    shape: t.i32Vector(0, `tensor ${index} shape`) ?? [],
    type: t.i8(1, 0),
    buffer: t.u32(2, 0),
    name: t.string(3) ?? '',
    quantization,
  };
}

/** Parses a .tflite flatbuffer (schema version 3). Throws TinyconvError BAD_TFLITE on corruption. */
export function parseTflite(bytes: Uint8Array): TfliteModel {
  const fb: FlatBuffer = new FlatBuffer(bytes, 'TFLite file');
  if (bytes.length < 8) fb.fail(0, `the file is only ${bytes.length} bytes long`);
  // Bytes 4..8 hold the file identifier "TFL3" when present; older files may omit it.
  const ident = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  if (ident !== 'TFL3' && /^[A-Z0-9]{4}$/.test(ident)) {
    throw new TinyconvError('BAD_TFLITE', `not a TFLite file: file identifier '${ident}' at byte 4 (expected 'TFL3')`);
  }
  const model = fb.root();
  const version = model.u32(0, 0);
  if (version !== 3) fb.fail(model.pos, `unsupported TFLite schema version ${version} (expected 3)`);

  const codes = (model.tableVector(1, 'operator_codes') ?? []).map((c) => ({
    // The int8 deprecated_builtin_code holds codes < 127; builtin_code (int32) was added later.
    // Readers take the larger of the two, as TFLite's GetBuiltinCode does.
    builtin: Math.max(c.i8(0, 0), c.i32(3, 0)),
    custom: c.string(1),
  }));

  const buffers = (model.tableVector(4, 'buffers') ?? []).map((b, i) => {
    const data = b.bytesVector(0, `buffer ${i} data`);
    if (data) return data;
    // Models over 2 GB keep data outside the flatbuffer: offset/size from the file start.
    const offset = b.i64(1, 0);
    const size = b.i64(2, 0);
    if (offset > 1) {
      fb.need(offset, size, `buffer ${i} external data`);
      return bytes.subarray(offset, offset + size);
    }
    return new Uint8Array(0);
  });

  const subgraphTables = model.tableVector(2, 'subgraphs');
  if (!subgraphTables || subgraphTables.length === 0) fb.fail(model.pos, 'the model has no subgraphs');
  const subgraphs = subgraphTables.map((sg, s) => {
    const tensors = (sg.tableVector(0, `subgraph ${s} tensors`) ?? []).map(readTensor);
    const checkTensor = (t: number, where: string) => {
      if (t >= tensors.length || t < -1) {
        throw new TinyconvError('BAD_TFLITE', `corrupt TFLite file: ${where} refers to tensor ${t}, but subgraph ${s} has ${tensors.length} tensors`);
      }
    };
    for (const t of tensors) {
      if (t.buffer >= buffers.length) {
        throw new TinyconvError('BAD_TFLITE', `corrupt TFLite file: tensor ${t.index} '${t.name}' refers to buffer ${t.buffer}, but there are ${buffers.length} buffers`);
      }
    }
    const operators = (sg.tableVector(3, `subgraph ${s} operators`) ?? []).map((op, i): TfliteOperator => {
      const opcodeIndex = op.u32(0, 0);
      if (opcodeIndex >= codes.length) fb.fail(op.pos, `operator ${i} uses operator code ${opcodeIndex}, but there are ${codes.length}`);
      const inputs = op.i32Vector(1, `operator ${i} inputs`) ?? [];
      const outputs = op.i32Vector(2, `operator ${i} outputs`) ?? [];
      inputs.forEach((t) => checkTensor(t, `operator ${i} input`));
      outputs.forEach((t) => checkTensor(t, `operator ${i} output`));
      return {
        index: i,
        builtin: codes[opcodeIndex].builtin,
        customCode: codes[opcodeIndex].custom,
        inputs,
        outputs,
        options: op.table(4, `operator ${i} builtin options`),
      };
    });
    const inputs = sg.i32Vector(1, `subgraph ${s} inputs`) ?? [];
    const outputs = sg.i32Vector(2, `subgraph ${s} outputs`) ?? [];
    inputs.forEach((t) => checkTensor(t, `subgraph ${s} input`));
    outputs.forEach((t) => checkTensor(t, `subgraph ${s} output`));
    return { tensors, inputs, outputs, operators, name: sg.string(4) ?? '' };
  });

  return { version, subgraphs, buffers, description: model.string(3) ?? '' };
}
