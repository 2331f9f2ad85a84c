// A tiny FlatBuffers writer and TFLite model builder for tests: lets a test state a model (tensors,
// quantization, constant data, operators with builtin options) and get real .tflite bytes, so each
// op conversion can be tested without TensorFlow. Children are written after their parents
// (FlatBuffers offsets only need to point forward), which keeps the writer to one pass.

export type Scalar = { kind: 'u8' | 'i8' | 'i32' | 'u32' | 'f32' | 'i64'; value: number };
export interface TableNode { kind: 'table'; fields: (Field | undefined)[] }
export interface VectorNode { kind: 'vector'; elem: 'u8' | 'i32' | 'f32' | 'i64' | 'table'; items: number[] | TableNode[] }
export interface StringNode { kind: 'string'; value: string }
export type Field = Scalar | TableNode | VectorNode | StringNode;

export const u8 = (value: number): Scalar => ({ kind: 'u8', value });
export const i8 = (value: number): Scalar => ({ kind: 'i8', value });
export const i32 = (value: number): Scalar => ({ kind: 'i32', value });
export const u32 = (value: number): Scalar => ({ kind: 'u32', value });
export const f32 = (value: number): Scalar => ({ kind: 'f32', value });
export const table = (...fields: (Field | undefined)[]): TableNode => ({ kind: 'table', fields });
export const vec = (elem: VectorNode['elem'], items: number[] | TableNode[]): VectorNode => ({ kind: 'vector', elem, items });
export const str = (value: string): StringNode => ({ kind: 'string', value });

const SIZE = { u8: 1, i8: 1, i32: 4, u32: 4, f32: 4, i64: 8 } as const;

class Writer {
  buf = new ArrayBuffer(1 << 16);
  dv = new DataView(this.buf);
  end = 0;

  reserve(n: number): number {
    while (this.end + n > this.buf.byteLength) {
      const bigger = new ArrayBuffer(this.buf.byteLength * 2);
      new Uint8Array(bigger).set(new Uint8Array(this.buf));
      this.buf = bigger;
      this.dv = new DataView(bigger);
    }
    const at = this.end;
    this.end += n;
    return at;
  }

  align(n: number): void {
    while (this.end % n) this.reserve(1);
  }

  scalar(at: number, s: Scalar): void {
    if (s.kind === 'u8') this.dv.setUint8(at, s.value);
    else if (s.kind === 'i8') this.dv.setInt8(at, s.value);
    else if (s.kind === 'i32') this.dv.setInt32(at, s.value, true);
    else if (s.kind === 'u32') this.dv.setUint32(at, s.value, true);
    else if (s.kind === 'f32') this.dv.setFloat32(at, s.value, true);
    else this.dv.setBigInt64(at, BigInt(s.value), true);
  }

  /** Writes a node and returns the position references should point at. */
  node(n: TableNode | VectorNode | StringNode): number {
    if (n.kind === 'string') {
      const bytes = new TextEncoder().encode(n.value);
      this.align(4);
      const at = this.reserve(4 + bytes.length + 1);
      this.dv.setUint32(at, bytes.length, true);
      new Uint8Array(this.buf, at + 4, bytes.length).set(bytes);
      return at;
    }
    if (n.kind === 'vector') {
      this.align(8);
      const size = n.elem === 'table' ? 4 : SIZE[n.elem];
      // Keep 8-byte elements 8-aligned: the length word sits just before them.
      if (size === 8) this.reserve(4);
      const at = this.reserve(4 + size * n.items.length);
      this.dv.setUint32(at, n.items.length, true);
      if (n.elem === 'table') {
        (n.items as TableNode[]).forEach((t, i) => {
          const slot = at + 4 + 4 * i;
          const target = this.node(t);
          this.dv.setUint32(slot, target - slot, true);
        });
      } else {
        (n.items as number[]).forEach((v, i) => this.scalar(at + 4 + size * i, { kind: n.elem as Scalar['kind'], value: v }));
      }
      return at;
    }
    // Table: vtable first, then the table (soffset = table - vtable), then the children.
    const present = n.fields.map((f, i) => ({ f, i })).filter((x) => x.f !== undefined) as { f: Field; i: number }[];
    this.align(4);
    const vtSize = 4 + 2 * n.fields.length;
    const vt = this.reserve(vtSize + (vtSize % 4));
    let inline = 4;
    const offsets: number[] = [];
    for (const { f } of present) {
      const size = f.kind in SIZE ? SIZE[f.kind as Scalar['kind']] : 4;
      offsets.push(inline);
      inline += size;
    }
    const tbl = this.reserve(inline);
    this.dv.setUint16(vt, vtSize, true);
    this.dv.setUint16(vt + 2, inline, true);
    for (let i = 0; i < n.fields.length; i++) this.dv.setUint16(vt + 4 + 2 * i, 0, true);
    this.dv.setInt32(tbl, tbl - vt, true);
    present.forEach(({ f, i }, k) => {
      this.dv.setUint16(vt + 4 + 2 * i, offsets[k], true);
      const at = tbl + offsets[k];
      if (f.kind === 'table' || f.kind === 'vector' || f.kind === 'string') {
        const target = this.node(f);
        this.dv.setUint32(at, target - at, true);
      } else this.scalar(at, f);
    });
    return tbl;
  }
}

export function serialize(root: TableNode, identifier = 'TFL3'): Uint8Array {
  const w = new Writer();
  w.reserve(8);
  for (let i = 0; i < 4; i++) w.dv.setUint8(4 + i, identifier.charCodeAt(i));
  const at = w.node(root);
  w.dv.setUint32(0, at, true);
  return new Uint8Array(w.buf.slice(0, w.end));
}

// ---- TFLite models ----

export const INT8 = 9;
export const INT32 = 2;
export const FLOAT32 = 0;

export interface TensorDef {
  shape: number[];
  type?: number;
  /** Constant contents (Int8Array for weights, Int32Array for bias/paddings/axes). */
  data?: Int8Array | Int32Array | Uint8Array;
  scale?: number | number[];
  zeroPoint?: number | number[];
  quantizedDimension?: number;
  name?: string;
}

export interface OpDef {
  builtin: number;
  inputs: number[];
  outputs: number[];
  /** Builtin options table fields in schema order. */
  options?: (Field | undefined)[];
  customCode?: string;
}

export interface ModelDef {
  tensors: TensorDef[];
  ops: OpDef[];
  inputs: number[];
  outputs: number[];
}

export function buildTflite(m: ModelDef): Uint8Array {
  const buffers: TableNode[] = [table()];
  const tensors = m.tensors.map((t) => {
    let buffer = 0;
    if (t.data) {
      buffers.push(table(vec('u8', Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)))));
      buffer = buffers.length - 1;
    }
    const scales = t.scale === undefined ? null : Array.isArray(t.scale) ? t.scale : [t.scale];
    const zps = t.zeroPoint === undefined ? (scales ? scales.map(() => 0) : null) : Array.isArray(t.zeroPoint) ? t.zeroPoint : [t.zeroPoint];
    const quant = scales
      ? table(undefined, undefined, vec('f32', scales), vec('i64', zps!), undefined, undefined, i32(t.quantizedDimension ?? 0))
      : undefined;
    return table(vec('i32', t.shape), i8(t.type ?? INT8), u32(buffer), str(t.name ?? ''), quant);
  });
  // One operator code per distinct builtin/custom.
  const codeKeys: string[] = [];
  const codes: TableNode[] = [];
  const codeIndex = (op: OpDef) => {
    const key = `${op.builtin}:${op.customCode ?? ''}`;
    let k = codeKeys.indexOf(key);
    if (k < 0) {
      codeKeys.push(key);
      codes.push(table(i8(Math.min(op.builtin, 127)), op.customCode ? str(op.customCode) : undefined, i32(1), i32(op.builtin)));
      k = codes.length - 1;
    }
    return k;
  };
  const operators = m.ops.map((op) => table(
    u32(codeIndex(op)), vec('i32', op.inputs), vec('i32', op.outputs), u8(op.options ? 1 : 0),
    op.options ? table(...op.options) : undefined,
  ));
  const subgraph = table(vec('table', tensors), vec('i32', m.inputs), vec('i32', m.outputs), vec('table', operators), str('main'));
  return serialize(table(u32(3), vec('table', codes), vec('table', [subgraph]), str('test model'), vec('table', buffers)));
}
