// A small protobuf writer and just enough of ONNX's ModelProto to serialise the float peers'
// models for onnxruntime. Field numbers come from onnx/onnx.proto (proto2 syntax, so repeated
// scalars are written unpacked, which every parser accepts). Bench-only: no runtime code uses it.

/** Wire types used here: 0 = varint, 2 = length-delimited, 5 = 32-bit. */
const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Append-only byte buffer with the protobuf primitive encodings. */
export class ProtoWriter {
  private bytes = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  /** Unsigned or negative int64 as a varint (negatives take 10 bytes, two's complement). */
  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  float(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.bytes.buffer).setFloat32(this.length, value, true);
    this.length += 4;
  }

  raw(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_BYTES);
    this.varint(data.length);
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  string(field: number, text: string): void {
    this.raw(field, new TextEncoder().encode(text));
  }

  /** An embedded message, written by `build` into its own writer. */
  message(field: number, build: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    build(inner);
    this.raw(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

// --- ONNX ---------------------------------------------------------------------------------------

/** TensorProto.DataType values used by the bench. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export type OnnxAttribute = number | number[] | string | { floats: number[] } | { float: number };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integers (or arrays of integers) become INT/INTS, `{float}`/`{floats}` FLOAT/FLOATS, strings STRING. */
  attributes?: Record<string, OnnxAttribute>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  /** Float32Array -> FLOAT raw_data, BigInt64Array -> INT64 raw_data. */
  data: Float32Array | BigInt64Array;
}

export interface OnnxValueInfo {
  name: string;
  dims: number[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** AttributeProto.AttributeType values. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

function writeAttribute(w: ProtoWriter, name: string, value: OnnxAttribute): void {
  w.string(1, name);
  if (typeof value === 'string') {
    w.string(4, value);
    w.int(20, ATTR_STRING);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`ONNX attribute ${name}: ${value} is not an integer; use {float}`);
    w.int(3, value);
    w.int(20, ATTR_INT);
  } else if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR_INTS);
  } else if ('floats' in value) {
    for (const v of value.floats) w.float(7, v);
    w.int(20, ATTR_FLOATS);
  } else {
    w.float(2, value.float);
    w.int(20, ATTR_FLOAT);
  }
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) {
    w.message(5, (a) => writeAttribute(a, name, value));
  }
}

function writeTensor(w: ProtoWriter, t: OnnxInitializer): void {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) {
    throw new Error(`ONNX initializer ${t.name}: dims [${t.dims}] hold ${count} values, data has ${t.data.length}`);
  }
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64);
  w.string(8, t.name);
  // raw_data is little-endian; copy so a view into a larger buffer is not written whole.
  const bytes = new Uint8Array(t.data.byteLength);
  bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  w.raw(9, bytes);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

/** Serialise a ModelProto (IR version 8, default-domain opset `opset`). */
export function writeOnnxModel(graph: OnnxGraph, opset = 13): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'tinyconv-bench'); // producer_name
  w.message(7, (g) => {
    for (const node of graph.nodes) g.message(1, (n) => writeNode(n, node));
    g.string(2, graph.name);
    for (const init of graph.initializers) g.message(5, (t) => writeTensor(t, init));
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, opset);
  });
  return w.finish();
}
