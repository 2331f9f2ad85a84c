// ONNX TensorProto: dims, data type and values from either raw_data (little-endian) or the typed
// repeated fields. Used for model initializers, Constant nodes and the .pb test vectors.
import { TinyconvError } from '../format/errors.js';
import { ProtoReader, readFields, WIRE_BYTES, WIRE_VARINT } from './protobuf.js';

export const DT_FLOAT = 1;
export const DT_UINT8 = 2;
export const DT_INT8 = 3;
export const DT_INT32 = 6;
export const DT_INT64 = 7;
export const DT_BOOL = 9;
export const DT_DOUBLE = 11;

const DT_NAMES: Record<number, string> = {
  1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING',
  9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 16: 'BFLOAT16',
};

export function dataTypeName(dt: number): string {
  return DT_NAMES[dt] ?? `type ${dt}`;
}

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** FLOAT -> Float32Array, DOUBLE and INT64 -> Float64Array (int64 exact up to 2^53),
   *  INT8 -> Int8Array, UINT8 and BOOL -> Uint8Array, INT32 -> Int32Array. */
  data: TensorData;
}

function allocate(dt: number, n: number, r: ProtoReader, at: number): TensorData {
  switch (dt) {
    case DT_FLOAT: return new Float32Array(n);
    case DT_DOUBLE: case DT_INT64: return new Float64Array(n);
    case DT_INT8: return new Int8Array(n);
    case DT_UINT8: case DT_BOOL: return new Uint8Array(n);
    case DT_INT32: return new Int32Array(n);
    default: return r.fail(`tensor data type ${dataTypeName(dt)} is not supported`, at);
  }
}

const BYTES_PER: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 11: 8 };

function decodeRaw(raw: Uint8Array, dt: number, out: TensorData): void {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < out.length; i++) {
    switch (dt) {
      case DT_FLOAT: out[i] = v.getFloat32(i * 4, true); break;
      case DT_DOUBLE: out[i] = v.getFloat64(i * 8, true); break;
      case DT_INT64: out[i] = v.getInt32(i * 8 + 4, true) * 4294967296 + v.getUint32(i * 8, true); break;
      case DT_INT32: out[i] = v.getInt32(i * 4, true); break;
      case DT_INT8: out[i] = v.getInt8(i); break;
      default: out[i] = v.getUint8(i); break;
    }
  }
}

/** Decodes a TensorProto message. Values are checked against the dims' element count. */
export function readTensorProto(r: ProtoReader): OnnxTensor {
  const start = r.pos;
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | null = null;
  const typed: number[] = [];
  let external = false;
  readFields(r, (field, wire) => {
    switch (field) {
      case 1: r.readVarints(wire, dims); break;
      case 2: r.expectWire(wire, WIRE_VARINT, 'TensorProto.data_type'); dataType = r.readVarint(); break;
      case 4: r.readFloats(wire, typed); break;
      case 5: case 7: case 11: r.readVarints(wire, typed); break;
      case 10: r.readDoubles(wire, typed); break;
      case 8: r.expectWire(wire, WIRE_BYTES, 'TensorProto.name'); name = r.readString(); break;
      case 9: r.expectWire(wire, WIRE_BYTES, 'TensorProto.raw_data'); raw = r.readBytes(); break;
      case 13: external = true; r.skip(wire); break;
      case 14: if (wire === WIRE_VARINT && r.readVarint() === 1) external = true; else if (wire !== WIRE_VARINT) r.skip(wire); break;
      default: r.skip(wire);
    }
  });
  const label = name ? `tensor '${name}'` : 'tensor';
  if (external) r.fail(`${label} keeps its data in an external file, which is not supported`, start);
  let count = 1;
  for (const d of dims) {
    if (!(d >= 0) || d > 2 ** 31) r.fail(`${label} has invalid dimension ${d}`, start);
    count *= d;
  }
  if (count > 2 ** 28) r.fail(`${label} has ${count} elements, more than supported`, start);
  // Check the value count before allocating, so corrupt dims cannot ask for a huge buffer.
  const rawBytes = raw as Uint8Array | null;
  if (BYTES_PER[dataType] === undefined) allocate(dataType, 0, r, start);
  if (rawBytes && rawBytes.byteLength !== count * BYTES_PER[dataType]) {
    r.fail(`${label} (${dataTypeName(dataType)} [${dims.join(', ')}]) has ${rawBytes.byteLength} bytes of raw_data, expected ${count * BYTES_PER[dataType]}`, start);
  }
  if (!rawBytes && typed.length !== count) {
    r.fail(`${label} (${dataTypeName(dataType)} [${dims.join(', ')}]) has ${typed.length} values, expected ${count}`, start);
  }
  const data = allocate(dataType, count, r, start);
  if (rawBytes) decodeRaw(rawBytes, dataType, data);
  else data.set(typed);
  return { name, dims, dataType, data };
}

/** Parses a standalone serialized TensorProto (e.g. an ONNX test vector's input_0.pb). */
export function parseTensorProto(bytes: Uint8Array, source = 'TensorProto'): OnnxTensor {
  return readTensorProto(new ProtoReader(bytes, source));
}

/** The tensor's values as Float32 (for weights); integer and boolean types are converted. */
export function tensorToFloat32(t: OnnxTensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
}

/** The tensor's values as plain integers (for shapes, axes, indices), refusing non-integers. */
export function tensorToInts(t: OnnxTensor, where: string): number[] {
  const out = Array.from(t.data as ArrayLike<number>);
  if (!out.every((v) => Number.isInteger(v))) {
    throw new TinyconvError('BAD_ONNX', `${where}: tensor '${t.name}' holds non-integer values where integers are expected`);
  }
  return out;
}
