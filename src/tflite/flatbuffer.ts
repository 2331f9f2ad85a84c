// A small, bounds-checked FlatBuffers reader: just what the TFLite schema needs.
//
// FlatBuffers layout (little-endian): a table starts with an int32 `soffset` pointing (backwards,
// as table_pos - soffset) to its vtable: uint16 vtable size, uint16 table size, then one uint16
// per field giving the field's offset inside the table (0 = absent, use the default). Reference
// fields (tables, vectors, strings) hold a uint32 offset relative to the field's own position.
// A vector is a uint32 length followed by its elements; a vector of tables holds uint32 offsets.
//
// A corrupt file must give a TinyconvError with the byte offset, never a crash or a hang: every
// position is checked against the buffer before it is read, every vector's length against the
// bytes that remain. Nothing loops except over vectors whose length was checked, so hostile
// offsets cannot make us spin (they can only point at other bytes, each read being bounded).

import { TinyconvError } from '../format/errors.js';

export class FlatBuffer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Used in error messages, e.g. 'TFLite file'. */
  readonly what: string;

  constructor(bytes: Uint8Array, what: string) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.what = what;
  }

  fail(pos: number, message: string): never {
    throw new TinyconvError('BAD_TFLITE', `corrupt ${this.what}: ${message} at byte ${pos}`);
  }

  /** Checks that [pos, pos + size) lies inside the buffer. */
  need(pos: number, size: number, what: string): void {
    if (!(pos >= 0) || !(size >= 0) || pos + size > this.bytes.length || pos !== Math.floor(pos)) {
      this.fail(pos, `${what} (${size} bytes) runs past the end of the ${this.bytes.length}-byte file`);
    }
  }

  u8(pos: number): number { this.need(pos, 1, 'byte'); return this.view.getUint8(pos); }
  i8(pos: number): number { this.need(pos, 1, 'byte'); return this.view.getInt8(pos); }
  u16(pos: number): number { this.need(pos, 2, 'uint16'); return this.view.getUint16(pos, true); }
  i32(pos: number): number { this.need(pos, 4, 'int32'); return this.view.getInt32(pos, true); }
  u32(pos: number): number { this.need(pos, 4, 'uint32'); return this.view.getUint32(pos, true); }
  f32(pos: number): number { this.need(pos, 4, 'float32'); return this.view.getFloat32(pos, true); }
  /** int64 as a double; refuses values beyond 2^53 (nothing in a sane model needs them). */
  i64(pos: number): number {
    this.need(pos, 8, 'int64');
    const lo = this.view.getUint32(pos, true);
    const hi = this.view.getInt32(pos + 4, true);
    const v = hi * 4294967296 + lo;
    if (!Number.isSafeInteger(v)) this.fail(pos, `int64 value ${hi}:${lo} is too large`);
    return v;
  }

  /** The root table (uint32 offset at byte 0). */
  root(): Table {
    return this.tableAt(this.u32(0), 'root table');
  }

  tableAt(pos: number, what: string): Table {
    this.need(pos, 4, what);
    const vtable = pos - this.i32(pos);
    this.need(vtable, 4, `${what} vtable`);
    const vtableSize = this.u16(vtable);
    const tableSize = this.u16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) this.fail(vtable, `${what} vtable size ${vtableSize} is invalid`);
    this.need(vtable, vtableSize, `${what} vtable`);
    if (tableSize < 4) this.fail(vtable + 2, `${what} size ${tableSize} is invalid`);
    this.need(pos, tableSize, what);
    return new Table(this, pos, vtable, vtableSize, tableSize, what);
  }
}

/** A vector's element count and the position of its first element. */
export interface VectorRef {
  pos: number;
  length: number;
}

export class Table {
  constructor(
    readonly fb: FlatBuffer,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    private readonly tableSize: number,
    readonly what: string,
  ) {}

  /** Absolute position of field `index`, or 0 if absent; checks `size` bytes fit in the table. */
  private field(index: number, size: number): number {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.vtableSize) return 0;
    const off = this.fb.u16(this.vtable + slot);
    if (off === 0) return 0;
    if (off < 4 || off + size > this.tableSize) {
      this.fb.fail(this.vtable + slot, `${this.what} field ${index} offset ${off} lies outside the ${this.tableSize}-byte table`);
    }
    return this.pos + off;
  }

  has(index: number): boolean { return this.field(index, 1) !== 0; }

  u8(index: number, dflt: number): number { const p = this.field(index, 1); return p ? this.fb.u8(p) : dflt; }
  i8(index: number, dflt: number): number { const p = this.field(index, 1); return p ? this.fb.i8(p) : dflt; }
  bool(index: number, dflt: boolean): boolean { const p = this.field(index, 1); return p ? this.fb.u8(p) !== 0 : dflt; }
  i32(index: number, dflt: number): number { const p = this.field(index, 4); return p ? this.fb.i32(p) : dflt; }
  u32(index: number, dflt: number): number { const p = this.field(index, 4); return p ? this.fb.u32(p) : dflt; }
  f32(index: number, dflt: number): number { const p = this.field(index, 4); return p ? this.fb.f32(p) : dflt; }
  i64(index: number, dflt: number): number { const p = this.field(index, 8); return p ? this.fb.i64(p) : dflt; }

  /** Follows a reference field; 0 if absent. */
  private ref(index: number, what: string): number {
    const p = this.field(index, 4);
    if (!p) return 0;
    const target = p + this.fb.u32(p);
    this.fb.need(target, 4, `${what} (referenced from byte ${p})`);
    return target;
  }

  table(index: number, what: string): Table | null {
    const p = this.ref(index, what);
    return p ? this.fb.tableAt(p, what) : null;
  }

  /** A vector of `elemSize`-byte scalars (or of uint32 offsets for tables); null if absent. */
  vector(index: number, elemSize: number, what: string): VectorRef | null {
    const p = this.ref(index, what);
    if (!p) return null;
    const length = this.fb.u32(p);
    this.fb.need(p + 4, length * elemSize, `${what} (${length} elements)`);
    return { pos: p + 4, length };
  }

  string(index: number): string | null {
    const v = this.vector(index, 1, `${this.what} string field ${index}`);
    if (!v) return null;
    return new TextDecoder('utf-8').decode(this.fb.bytes.subarray(v.pos, v.pos + v.length));
  }

  i32Vector(index: number, what: string): number[] | null {
    const v = this.vector(index, 4, what);
    if (!v) return null;
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) out.push(this.fb.i32(v.pos + 4 * i));
    return out;
  }

  f32Vector(index: number, what: string): number[] | null {
    const v = this.vector(index, 4, what);
    if (!v) return null;
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) out.push(this.fb.f32(v.pos + 4 * i));
    return out;
  }

  i64Vector(index: number, what: string): number[] | null {
    const v = this.vector(index, 8, what);
    if (!v) return null;
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) out.push(this.fb.i64(v.pos + 8 * i));
    return out;
  }

  /** A byte vector as a view into the file (no copy). */
  bytesVector(index: number, what: string): Uint8Array | null {
    const v = this.vector(index, 1, what);
    if (!v) return null;
    return this.fb.bytes.subarray(v.pos, v.pos + v.length);
  }

  tableVector(index: number, what: string): Table[] | null {
    const v = this.vector(index, 4, what);
    if (!v) return null;
    const out: Table[] = [];
    for (let i = 0; i < v.length; i++) {
      const p = v.pos + 4 * i;
      out.push(this.fb.tableAt(p + this.fb.u32(p), `${what}[${i}]`));
    }
    return out;
  }
}
