import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { ProtoReader, readFields } from '../../src/onnx/protobuf.js';
import { parseTensorProto, DT_FLOAT, DT_INT64 } from '../../src/onnx/tensor-proto.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('protobuf wire reader', () => {
  it('varints: small, multi-byte, 2^53 range and 64-bit negatives', () => {
    expect(new ProtoReader(bytes(0x01)).readVarint()).toBe(1);
    expect(new ProtoReader(bytes(0xac, 0x02)).readVarint()).toBe(300);
    expect(new ProtoReader(bytes(0x80, 0x80, 0x80, 0x80, 0x10)).readVarint()).toBe(2 ** 32);
    const minus1 = bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(new ProtoReader(minus1).readVarint()).toBe(-1);
    const minus300 = bytes(0xd4, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    expect(new ProtoReader(minus300).readVarint()).toBe(-300);
  });
  it('fields, strings, packed and unpacked repeated values', () => {
    // field 1 varint 150; field 2 string "hi"; field 3 packed [1, 2]; field 3 unpacked 3
    const r = new ProtoReader(bytes(0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69, 0x1a, 0x02, 0x01, 0x02, 0x18, 0x03));
    const seen: unknown[] = [];
    const list: number[] = [];
    readFields(r, (f, w) => {
      if (f === 1) seen.push(r.readVarint());
      else if (f === 2) seen.push(r.readString());
      else r.readVarints(w, list);
    });
    expect(seen).toEqual([150, 'hi']);
    expect(list).toEqual([1, 2, 3]);
  });
  it('skips unknown length-delimited fields past their whole value', () => {
    // field 2 bytes "abc" (skipped), then field 1 varint 7
    const r = new ProtoReader(bytes(0x12, 0x03, 0x61, 0x62, 0x63, 0x08, 0x07));
    const seen: number[] = [];
    readFields(r, (f, w) => { if (f === 1) seen.push(r.readVarint()); else r.skip(w); });
    expect(seen).toEqual([7]);
  });
  it('corrupt input gives byte offsets, never a hang', () => {
    expect(() => new ProtoReader(bytes(0x80, 0x80)).readVarint()).toThrow(/truncated varint at byte offset 0/);
    expect(() => new ProtoReader(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).readVarint()).toThrow(/longer than 10 bytes/);
    const r = new ProtoReader(bytes(0x0a, 0x05, 0x01), 'x.onnx');
    expect(() => readFields(r, () => r.readBytes())).toThrow(/x.onnx: length 5 runs past the end of its message \(1 bytes left\) at byte offset 1/);
    const g = new ProtoReader(bytes(0x0b));
    expect(() => readFields(g, () => g.skip(3))).toThrow(/unsupported wire type 3 for field 1 at byte offset 0/);
    const z = new ProtoReader(bytes(0x00));
    expect(() => readFields(z, () => undefined)).toThrow(/invalid field number 0/);
    const lazy = new ProtoReader(bytes(0x08, 0x01));
    expect(() => readFields(lazy, () => undefined)).toThrow(/field 1 was not consumed at byte offset 1/);
  });
  it('random bytes never hang and only throw TinyconvErrors', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let trial = 0; trial < 300; trial++) {
      const b = new Uint8Array(1 + (trial % 64)).map(rand);
      try {
        parseTensorProto(b);
      } catch (e) {
        expect((e as Error).name).toBe('TinyconvError');
      }
    }
  });
});

describe('TensorProto', () => {
  it('float typed field and int64 raw_data', () => {
    // dims [2] (field 1), data_type FLOAT (2), float_data packed [1.5, -2] (4)
    const f = parseTensorProto(bytes(0x08, 0x02, 0x10, 0x01, 0x22, 0x08, 0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0));
    expect(f).toMatchObject({ dims: [2], dataType: DT_FLOAT });
    expect(Array.from(f.data)).toEqual([1.5, -2]);
    // dims [1], INT64, name "s", raw_data = -1 as int64
    const i = parseTensorProto(bytes(0x08, 0x01, 0x10, 0x07, 0x42, 0x01, 0x73, 0x4a, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    expect(i).toMatchObject({ name: 's', dims: [1], dataType: DT_INT64 });
    expect(Array.from(i.data)).toEqual([-1]);
  });
  it('a value count that disagrees with dims is refused with the offset', () => {
    expect(() => parseTensorProto(bytes(0x08, 0x03, 0x10, 0x01, 0x22, 0x04, 0, 0, 0xc0, 0x3f))).toThrow(/FLOAT \[3\]\) has 1 values, expected 3 at byte offset 0/);
    expect(() => parseTensorProto(bytes(0x08, 0x02, 0x10, 0x01, 0x4a, 0x04, 0, 0, 0, 0))).toThrow(/has 4 bytes of raw_data, expected 8/);
  });
  const pb = '/usr/share/libonnx-testdata/data/node/test_conv_with_strides_padding/test_data_set_0/input_1.pb';
  if (!existsSync(pb)) console.log('skip: libonnx-testdata absent, TensorProto file test skipped');
  it.skipIf(!existsSync(pb))('reads an ONNX test vector', () => {
    const t = parseTensorProto(readFileSync(pb));
    expect(t.dims).toEqual([1, 1, 3, 3]);
    expect(Array.from(t.data)).toEqual(Array(9).fill(1));
  });
});
