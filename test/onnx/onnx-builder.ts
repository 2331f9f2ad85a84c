// A tiny protobuf/ONNX encoder for tests: builds ModelProto bytes for hand-made graphs.
type Bytes = number[];

function varint(v: number): Bytes {
  const out: Bytes = [];
  if (v < 0) {
    // int64 two's complement, 10 bytes
    let lo = v >>> 0;
    let hi = Math.floor(v / 4294967296) >>> 0;
    for (let i = 0; i < 9; i++) {
      out.push((lo & 0x7f) | 0x80);
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    out.push(1);
    return out;
  }
  while (v >= 0x80) { out.push((v % 128) | 0x80); v = Math.floor(v / 128); }
  out.push(v);
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const vfield = (field: number, v: number) => [...key(field, 0), ...varint(v)];
const bfield = (field: number, b: Bytes) => [...key(field, 2), ...varint(b.length), ...b];
const sfield = (field: number, s: string) => bfield(field, Array.from(new TextEncoder().encode(s)));
const f32 = (v: number) => Array.from(new Uint8Array(Float32Array.of(v).buffer));

export function tensor(name: string, dims: number[], values: number[], dataType = 1): Bytes {
  const raw = dataType === 7 ? values.flatMap((v) => { const b = new DataView(new ArrayBuffer(8)); b.setBigInt64(0, BigInt(v), true); return Array.from(new Uint8Array(b.buffer)); }) : values.flatMap(f32);
  return [...dims.flatMap((d) => vfield(1, d)), ...vfield(2, dataType), ...sfield(8, name), ...bfield(9, raw)];
}

export type Attr = number | number[] | string | { floats: number[] } | { float: number } | { tensor: Bytes };

function attribute(name: string, a: Attr): Bytes {
  const head = sfield(1, name);
  if (typeof a === 'number') return Number.isInteger(a) ? [...head, ...vfield(20, 2), ...vfield(3, a)] : [...head, ...vfield(20, 1), ...key(2, 5), ...f32(a)];
  if (typeof a === 'string') return [...head, ...vfield(20, 3), ...sfield(4, a)];
  if (Array.isArray(a)) return [...head, ...vfield(20, 7), ...bfield(8, a.flatMap(varint))];
  if ('float' in a) return [...head, ...vfield(20, 1), ...key(2, 5), ...f32(a.float)];
  if ('floats' in a) return [...head, ...vfield(20, 6), ...bfield(7, a.floats.flatMap(f32))];
  return [...head, ...vfield(20, 4), ...bfield(5, a.tensor)];
}

export function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}, name = ''): Bytes {
  return [...inputs.flatMap((i) => sfield(1, i)), ...outputs.flatMap((o) => sfield(2, o)), ...sfield(3, name), ...sfield(4, op),
    ...Object.entries(attrs).flatMap(([k, v]) => bfield(5, attribute(k, v)))];
}

function valueInfo(name: string, dims: number[]): Bytes {
  const shape = dims.flatMap((d) => bfield(1, vfield(1, d)));
  return [...sfield(1, name), ...bfield(2, bfield(1, [...vfield(1, 1), ...bfield(2, shape)]))];
}

export interface GraphSpec {
  nodes: Bytes[];
  initializers?: Bytes[];
  inputs: [string, number[]][];
  outputs: [string, number[]][];
  opset?: number;
}

export function model(g: GraphSpec): Uint8Array {
  const graph = [...g.nodes.flatMap((n) => bfield(1, n)), ...sfield(2, 'test'), ...(g.initializers ?? []).flatMap((t) => bfield(5, t)),
    ...g.inputs.flatMap(([n, d]) => bfield(11, valueInfo(n, d))), ...g.outputs.flatMap(([n, d]) => bfield(12, valueInfo(n, d)))];
  const opset = bfield(8, [...sfield(1, ''), ...vfield(2, g.opset ?? 13)]);
  return new Uint8Array([...vfield(1, 7), ...sfield(2, 'builder'), ...bfield(7, graph), ...opset]);
}
