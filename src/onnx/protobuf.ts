// A minimal protobuf wire-format reader (no schema, no dependency): enough to walk ONNX's
// ModelProto and friends. Every read is bounds-checked against the current message's end, every
// loop advances by at least one byte, and every error names the absolute byte offset, so a corrupt
// file fails fast with a TinyconvError instead of hanging or reading garbage.
//
// Wire types: 0 varint, 1 fixed64, 2 length-delimited (bytes, strings, sub-messages, packed
// repeated scalars), 5 fixed32. Groups (3, 4) are obsolete and refused.
import { TinyconvError } from '../format/errors.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export class ProtoReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;
  /** Names the file (or test vector) in error messages. */
  readonly source: string;
  private view: DataView;

  constructor(bytes: Uint8Array, source = 'protobuf', start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.source = source;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string, at = this.pos): never {
    throw new TinyconvError('CORRUPT_PROTOBUF', `${this.source}: ${message} at byte offset ${at}`);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) this.fail(`${what} of ${n} bytes runs past the end of its message (ends at ${this.end})`);
  }

  /** A varint as a JS number: exact up to 2^53; 64-bit negatives (int64 -1 etc.) come back negative. */
  readVarint(): number {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint', start);
      const b = this.bytes[this.pos++];
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) { lo |= (bits & 0x0f) << 28; hi |= bits >> 4; }
      else hi |= bits << (7 * i - 32);
      if ((b & 0x80) === 0) {
        lo >>>= 0;
        hi >>>= 0;
        if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
        return hi * 4294967296 + lo;
      }
    }
    return this.fail('varint longer than 10 bytes', start);
  }

  /** Reads a field key; returns [fieldNumber, wireType]. */
  readTag(): [number, number] {
    const at = this.pos;
    const key = this.readVarint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field <= 0) this.fail(`invalid field number ${field}`, at);
    if (wire !== WIRE_VARINT && wire !== WIRE_FIXED64 && wire !== WIRE_BYTES && wire !== WIRE_FIXED32) {
      this.fail(`unsupported wire type ${wire} for field ${field}`, at);
    }
    return [field, wire];
  }

  readLength(): number {
    const at = this.pos;
    const n = this.readVarint();
    if (n < 0 || n > this.end - this.pos) this.fail(`length ${n} runs past the end of its message (${this.end - this.pos} bytes left)`, at);
    return n;
  }

  /** Length-delimited bytes, as a view (no copy). */
  readBytes(): Uint8Array {
    const n = this.readLength();
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  readString(): string {
    return new TextDecoder('utf-8').decode(this.readBytes());
  }

  /** A reader over the embedded message that follows (length-delimited). */
  readMessage(): ProtoReader {
    const n = this.readLength();
    const sub = new ProtoReader(this.bytes, this.source, this.pos, this.pos + n);
    this.pos += n;
    return sub;
  }

  readFloat(): number {
    this.need(4, 'fixed32');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    this.need(8, 'fixed64');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.readVarint();
    else if (wire === WIRE_FIXED64) { this.need(8, 'fixed64'); this.pos += 8; }
    else if (wire === WIRE_FIXED32) { this.need(4, 'fixed32'); this.pos += 4; }
    else if (wire === WIRE_BYTES) {
      // Not `this.pos += this.readLength()`: that would add to the position before the length.
      const n = this.readLength();
      this.pos += n;
    }
    else this.fail(`cannot skip wire type ${wire}`);
  }

  /** Repeated varint field, packed (wire 2) or not (wire 0): appends to `out`. */
  readVarints(wire: number, out: number[]): void {
    if (wire === WIRE_VARINT) { out.push(this.readVarint()); return; }
    this.expectWire(wire, WIRE_BYTES, 'repeated varint');
    const sub = this.readMessage();
    while (!sub.atEnd()) out.push(sub.readVarint());
  }

  /** Repeated float field, packed or not. */
  readFloats(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED32) { out.push(this.readFloat()); return; }
    this.expectWire(wire, WIRE_BYTES, 'repeated float');
    const sub = this.readMessage();
    if ((sub.end - sub.pos) % 4 !== 0) sub.fail(`packed floats of ${sub.end - sub.pos} bytes (not a multiple of 4)`);
    while (!sub.atEnd()) out.push(sub.readFloat());
  }

  /** Repeated double field, packed or not. */
  readDoubles(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED64) { out.push(this.readDouble()); return; }
    this.expectWire(wire, WIRE_BYTES, 'repeated double');
    const sub = this.readMessage();
    if ((sub.end - sub.pos) % 8 !== 0) sub.fail(`packed doubles of ${sub.end - sub.pos} bytes (not a multiple of 8)`);
    while (!sub.atEnd()) out.push(sub.readDouble());
  }

  expectWire(wire: number, expected: number, what: string): void {
    if (wire !== expected) this.fail(`${what} has wire type ${wire}, expected ${expected}`);
  }
}

/** Calls `onField` for each field of the message in `r` until its end. `onField` must consume the
 *  field's value (or call r.skip(wire)); a handler that consumes nothing is caught, not looped on. */
export function readFields(r: ProtoReader, onField: (field: number, wire: number) => void): void {
  while (!r.atEnd()) {
    const [field, wire] = r.readTag();
    const before = r.pos;
    onField(field, wire);
    // Every wire value occupies at least one byte, so a handler that did not move is a bug.
    if (r.pos === before) r.fail(`field ${field} was not consumed`, before);
  }
}
