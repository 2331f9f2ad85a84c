// ONNX ModelProto / GraphProto / NodeProto / AttributeProto / ValueInfoProto decoded into plain
// objects, keeping only the fields the importer uses. Field numbers are from onnx/onnx.proto.
import { ProtoReader, readFields, WIRE_BYTES, WIRE_FIXED32, WIRE_VARINT } from './protobuf.js';
import { readTensorProto, type OnnxTensor } from './tensor-proto.js';

export interface OnnxAttribute {
  name: string;
  /** AttributeProto.AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, 8 STRINGS. */
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  floats: number[];
  ints: number[];
  strings: string[];
  /** A subgraph attribute (If/Loop bodies) was present: the importer refuses such nodes. */
  hasGraph: boolean;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
  /** Byte offset of the NodeProto in the file, for error messages. */
  offset: number;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** Dimensions; a symbolic dimension (dim_param) or unknown one is null. */
  dims: (number | null)[] | null;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** The default-domain ('' or 'ai.onnx') opset version; 0 if none was declared. */
  opsetVersion: number;
  graph: OnnxGraph;
}

function readAttribute(r: ProtoReader): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0, floats: [], ints: [], strings: [], hasGraph: false };
  readFields(r, (field, wire) => {
    switch (field) {
      case 1: r.expectWire(wire, WIRE_BYTES, 'AttributeProto.name'); a.name = r.readString(); break;
      case 20: r.expectWire(wire, WIRE_VARINT, 'AttributeProto.type'); a.type = r.readVarint(); break;
      case 2: r.expectWire(wire, WIRE_FIXED32, 'AttributeProto.f'); a.f = r.readFloat(); break;
      case 3: r.expectWire(wire, WIRE_VARINT, 'AttributeProto.i'); a.i = r.readVarint(); break;
      case 4: r.expectWire(wire, WIRE_BYTES, 'AttributeProto.s'); a.s = r.readString(); break;
      case 5: r.expectWire(wire, WIRE_BYTES, 'AttributeProto.t'); a.t = readTensorProto(r.readMessage()); break;
      case 6: case 11: a.hasGraph = true; r.skip(wire); break;
      case 7: r.readFloats(wire, a.floats); break;
      case 8: r.readVarints(wire, a.ints); break;
      case 9: r.expectWire(wire, WIRE_BYTES, 'AttributeProto.strings'); a.strings.push(r.readString()); break;
      default: r.skip(wire);
    }
  });
  return a;
}

function readNode(r: ProtoReader): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [], offset: r.pos };
  readFields(r, (field, wire) => {
    if (field === 5) { r.expectWire(wire, WIRE_BYTES, 'NodeProto.attribute'); n.attributes.push(readAttribute(r.readMessage())); return; }
    if (field > 7 || field === 6) { r.skip(wire); return; }
    r.expectWire(wire, WIRE_BYTES, `NodeProto field ${field}`);
    const s = r.readString();
    if (field === 1) n.inputs.push(s);
    else if (field === 2) n.outputs.push(s);
    else if (field === 3) n.name = s;
    else if (field === 4) n.opType = s;
    else if (field === 7) n.domain = s;
  });
  return n;
}

function readShape(r: ProtoReader): (number | null)[] {
  const dims: (number | null)[] = [];
  readFields(r, (field, wire) => {
    if (field !== 1) { r.skip(wire); return; }
    r.expectWire(wire, WIRE_BYTES, 'TensorShapeProto.dim');
    const d = r.readMessage();
    let value: number | null = null;
    readFields(d, (f, w) => {
      if (f === 1) { d.expectWire(w, WIRE_VARINT, 'Dimension.dim_value'); value = d.readVarint(); } else d.skip(w);
    });
    dims.push(value);
  });
  return dims;
}

function readValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: null };
  readFields(r, (field, wire) => {
    if (field === 1) { r.expectWire(wire, WIRE_BYTES, 'ValueInfoProto.name'); v.name = r.readString(); return; }
    if (field !== 2) { r.skip(wire); return; }
    r.expectWire(wire, WIRE_BYTES, 'ValueInfoProto.type');
    const type = r.readMessage();
    readFields(type, (tf, tw) => {
      if (tf !== 1) { type.skip(tw); return; } // only tensor types (1) are meaningful here
      type.expectWire(tw, WIRE_BYTES, 'TypeProto.tensor_type');
      const tt = type.readMessage();
      readFields(tt, (f, w) => {
        if (f === 1) { tt.expectWire(w, WIRE_VARINT, 'TypeProto.Tensor.elem_type'); v.elemType = tt.readVarint(); } else if (f === 2) { tt.expectWire(w, WIRE_BYTES, 'TypeProto.Tensor.shape'); v.dims = readShape(tt.readMessage()); } else tt.skip(w);
      });
    });
  });
  return v;
}

function readGraph(r: ProtoReader): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  readFields(r, (field, wire) => {
    switch (field) {
      case 1: r.expectWire(wire, WIRE_BYTES, 'GraphProto.node'); g.nodes.push(readNode(r.readMessage())); break;
      case 2: r.expectWire(wire, WIRE_BYTES, 'GraphProto.name'); g.name = r.readString(); break;
      case 5: r.expectWire(wire, WIRE_BYTES, 'GraphProto.initializer'); g.initializers.push(readTensorProto(r.readMessage())); break;
      case 11: r.expectWire(wire, WIRE_BYTES, 'GraphProto.input'); g.inputs.push(readValueInfo(r.readMessage())); break;
      case 12: r.expectWire(wire, WIRE_BYTES, 'GraphProto.output'); g.outputs.push(readValueInfo(r.readMessage())); break;
      default: r.skip(wire);
    }
  });
  return g;
}

/** Decodes a serialized ModelProto (an .onnx file). */
export function parseOnnxModel(bytes: Uint8Array, source = 'model.onnx'): OnnxModel {
  const r = new ProtoReader(bytes, source);
  const m: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', opsetVersion: 0, graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] } };
  let sawGraph = false;
  readFields(r, (field, wire) => {
    switch (field) {
      case 1: r.expectWire(wire, WIRE_VARINT, 'ModelProto.ir_version'); m.irVersion = r.readVarint(); break;
      case 2: r.expectWire(wire, WIRE_BYTES, 'ModelProto.producer_name'); m.producerName = r.readString(); break;
      case 3: r.expectWire(wire, WIRE_BYTES, 'ModelProto.producer_version'); m.producerVersion = r.readString(); break;
      case 7: r.expectWire(wire, WIRE_BYTES, 'ModelProto.graph'); m.graph = readGraph(r.readMessage()); sawGraph = true; break;
      case 8: {
        r.expectWire(wire, WIRE_BYTES, 'ModelProto.opset_import');
        const o = r.readMessage();
        let domain = '';
        let version = 0;
        readFields(o, (f, w) => {
          if (f === 1) { o.expectWire(w, WIRE_BYTES, 'OperatorSetIdProto.domain'); domain = o.readString(); } else if (f === 2) { o.expectWire(w, WIRE_VARINT, 'OperatorSetIdProto.version'); version = o.readVarint(); } else o.skip(w);
        });
        if (domain === '' || domain === 'ai.onnx') m.opsetVersion = version;
        break;
      }
      default: r.skip(wire);
    }
  });
  if (!sawGraph) r.fail('no graph (ModelProto field 7) found: not an ONNX model', 0);
  return m;
}
