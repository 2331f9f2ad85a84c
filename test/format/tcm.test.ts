// .tcm v1 writer/reader: round trip of every opcode, zero-copy views, and every kind of bad file
// refused with its code and a message naming where.
import { describe, expect, it } from 'vitest';
import { writeModel } from '../../src/format/writer.js';
import { readModel } from '../../src/format/reader.js';
import { HEADER_BYTES, H_SECTIONS, OP_FIELDS } from '../../src/format/layout.js';
import { isTinyconvError } from '../../src/format/errors.js';
import type { ModelSpec, OpSpec } from '../../src/format/schema.js';
import { OP_CONV2D, OP_LUT } from '../../src/format/schema.js';
import { buildMultiOpModel } from '../runtime/fixtures/multi-op-model.js';

/** Plain-data form of a spec: typed arrays become number arrays (tagged with their kind). */
function plain(spec: ModelSpec): unknown {
  return JSON.parse(JSON.stringify(spec, (_k, v) =>
    v instanceof Int8Array ? { i8: Array.from(v) } : v instanceof Int32Array ? { i32: Array.from(v) } : v));
}

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(isTinyconvError(err), `expected TinyconvError ${code}, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toMatch(message);
}

const i32 = (bytes: Uint8Array, at: number): number => new DataView(bytes.buffer, bytes.byteOffset).getInt32(at, true);
const setI32 = (bytes: Uint8Array, at: number, v: number): Uint8Array => {
  const copy = bytes.slice();
  new DataView(copy.buffer).setInt32(at, v, true);
  return copy;
};

describe('.tcm round trip', () => {
  const spec = buildMultiOpModel(7);
  const bytes = writeModel(spec);

  it('covers every opcode', () => {
    const used = new Set<number>(spec.ops.map((o) => o.type));
    for (let t = 1; t < OP_FIELDS.length; t++) expect(used.has(t), `opcode ${t}`).toBe(true);
  });

  it('reads back exactly what was written, names, labels and preprocess included', () => {
    expect(plain(readModel(bytes))).toEqual(plain(spec));
    // Scales are float32 in the file: the fixture uses float32 values, so they survive unchanged.
    expect(readModel(bytes).tensors.map((t) => t.scale)).toEqual(spec.tensors.map((t) => t.scale));
  });

  it('is deterministic and 4-byte aligned', () => {
    expect(writeModel(spec)).toEqual(bytes);
    expect(bytes.length % 4).toBe(0);
    expect(i32(bytes, 0)).toBe(0x4d434354);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('TCCM');
  });

  it('returns constant arrays as views into the file buffer (no copies)', () => {
    const buf = bytes.buffer.slice(0) as ArrayBuffer;
    const read = readModel(buf);
    const conv = read.ops.find((o) => o.type === OP_CONV2D) as Extract<OpSpec, { type: 1 }>;
    expect(conv.weights.buffer).toBe(buf);
    expect(conv.bias.buffer).toBe(buf);
    expect(conv.bias.byteOffset % 4).toBe(0);
    // A Uint8Array at an aligned offset inside a larger buffer is still viewed in place.
    const big = new Uint8Array(bytes.length + 8);
    big.set(bytes, 8);
    expect((readModel(big.subarray(8)).ops[1] as typeof conv).weights.buffer).toBe(big.buffer);
  });

  it('copies once when the bytes start at an odd offset, with the same result', () => {
    const big = new Uint8Array(bytes.length + 1);
    big.set(bytes, 1);
    const read = readModel(big.subarray(1));
    expect(plain(read)).toEqual(plain(spec));
    expect((read.ops[1] as Extract<OpSpec, { type: 1 }>).weights.buffer).not.toBe(big.buffer);
  });

  it('keeps non-ASCII labels (escaped in the meta JSON)', () => {
    const s = { ...buildMultiOpModel(3), labels: ['chaussure', 'été', '猫', 'emoji 👟'] };
    const out = writeModel(s);
    expect(readModel(out).labels).toEqual(s.labels);
  });
});

describe('.tcm bad files', () => {
  const spec = buildMultiOpModel(7);
  const bytes = writeModel(spec);
  const opsAt = i32(bytes, 4 * (H_SECTIONS + 2));
  const constAt = i32(bytes, 4 * (H_SECTIONS + 4));

  it('truncated files name the lengths', () => {
    expectError(() => readModel(bytes.subarray(0, 10)), 'TRUNCATED', /file is 10 bytes/);
    expectError(() => readModel(bytes.slice(0, bytes.length - 4)), 'TRUNCATED', new RegExp(`file is ${bytes.length - 4} bytes, not ${bytes.length}`));
    for (let cut = 0; cut < bytes.length; cut += 4) {
      expect(() => readModel(bytes.slice(0, cut))).toThrow();
    }
  });

  it('wrong magic and unknown version', () => {
    expectError(() => readModel(setI32(bytes, 0, 0x12345678)), 'BAD_MAGIC', /not a \.tcm file/);
    expectError(() => readModel(setI32(bytes, 4, 2)), 'BAD_VERSION', /version 2 \(byte 4\)/);
  });

  it('sections outside the file', () => {
    expectError(() => readModel(setI32(bytes, 4 * (H_SECTIONS + 4), bytes.length + 64)), 'BAD_OFFSET', /section at byte 48: \[\d+, \+\d+\)/);
    expectError(() => readModel(setI32(bytes, 4 * (H_SECTIONS + 1), -4)), 'BAD_OFFSET', /section at byte 32: \[64, \+-4\)/);
  });

  it('unknown opcode names the op and its byte offset', () => {
    expectError(() => readModel(setI32(bytes, opsAt, 99)), 'BAD_OP', new RegExp(`op 0 at byte ${opsAt}: opcode 99`));
  });

  it('constant array outside the constants section', () => {
    // Op 1 is the conv: opcode, 1, input, output, 13 ints, then the weights (offset, count).
    const weightsRef = opsAt + 4 * (8 + 4 + 13); // op 0 is the pad: opcode, count, input, output, 4 pads
    expect(i32(bytes, weightsRef)).toBeGreaterThanOrEqual(constAt);
    expectError(() => readModel(setI32(bytes, weightsRef, 8)), 'BAD_OFFSET', /op 1 at byte \d+: weights \[8, \+72\)/);
    expectError(() => readModel(setI32(bytes, weightsRef + 4, 1 << 20)), 'BAD_OFFSET', /weights/);
    const biasRef = weightsRef + 8;
    expectError(() => readModel(setI32(bytes, biasRef, i32(bytes, biasRef) + 1)), 'BAD_OFFSET', /bias/); // misaligned int32 array
  });

  it('tensor index out of range, slot outside the arena, inconsistent shapes', () => {
    expectError(() => readModel(setI32(bytes, opsAt + 8, 999)), 'BAD_TENSOR', new RegExp(`op 0 at byte ${opsAt}: input tensor 999 not in \\[0, 17\\]`));
    expectError(() => readModel(setI32(bytes, HEADER_BYTES, spec.arenaBytes)), 'BAD_OFFSET', /tensor 0: arena offset \d+ not in \[0, \d+\]/);
    expectError(() => readModel(setI32(bytes, 12, 16)), 'BAD_OFFSET', /arena offset \d+ not in \[0, -?\d+\]/);
    // Output tensor 1 of the pad gets a wrong width.
    expectError(() => readModel(setI32(bytes, HEADER_BYTES + 32 + 20, 9)), 'BAD_SHAPE', /op 0 at byte \d+: output shape 10,9,2, expected 10,10,2/);
  });

  it('the writer refuses what the reader would refuse, naming the op', () => {
    const bad = (mutate: (s: ModelSpec) => void): ModelSpec => { const s = buildMultiOpModel(7); mutate(s); return s; };
    const conv = (s: ModelSpec) => s.ops[1] as Extract<OpSpec, { type: 1 }>;
    expectError(() => writeModel(bad((s) => { conv(s).weights = new Int8Array(5); })), 'BAD_SHAPE', /op 1: weights length 5, expected 72/);
    expectError(() => writeModel(bad((s) => { conv(s).bias = new Int32Array(3); })), 'BAD_SHAPE', /bias length 3, expected 8/);
    expectError(() => writeModel(bad((s) => { conv(s).multiplier = new Int32Array(3); })), 'BAD_SHAPE', /multiplier length 3, expected 8/);
    expectError(() => writeModel(bad((s) => { conv(s).strideH = 2; })), 'BAD_SHAPE', /output shape 8,8,8, expected 4,8,8/);
    expectError(() => writeModel(bad((s) => { conv(s).groups = 4; })), 'BAD_SHAPE', /groups 4 not in \[1, 2\]/);
    expectError(() => writeModel(bad((s) => { (s.ops.find((o) => o.type === OP_LUT) as { table: Int8Array }).table = new Int8Array(255); })),
      'BAD_SHAPE', /table length 255, expected 256/);
    expectError(() => writeModel(bad((s) => { s.ops[2].inputs = [1, 2]; })), 'BAD_OP', /inputs 2, expected 1/);
    expectError(() => writeModel(bad((s) => { s.output = 40; })), 'BAD_TENSOR', /model: output tensor 40 not in \[0, 17\]/);
    expectError(() => writeModel(bad((s) => { s.preprocess.std = [1, 2, 3]; })), 'BAD_META', /preprocess: stds 3, expected 2/);
    expectError(() => writeModel(bad((s) => { (s as { preprocess: unknown }).preprocess = 5; })), 'BAD_META', /preprocess: needs mean and std/);
    expectError(() => writeModel(bad((s) => { conv(s).actMin = -129; })), 'BAD_PARAM', /op 1 'conv3x3': actMin -129 not in \[-128, 127\]/);
    expectError(() => writeModel(bad((s) => { delete (conv(s) as { bias?: Int32Array }).bias; })), 'BAD_PARAM', /op 1 \(conv2d\): bias must be an Int32Array/);
    expectError(() => writeModel(bad((s) => { delete (conv(s) as { groups?: number }).groups; })), 'BAD_PARAM', /op 1 \(conv2d\): groups is missing/);
    expectError(() => writeModel(bad((s) => { (s.ops[0] as { type: number }).type = 99; })), 'BAD_OP', /op 0: unknown opcode 99/);
    expectError(() => writeModel(bad((s) => { s.tensors[2].zeroPoint = 200; })), 'BAD_PARAM', /tensor 2 't2': zeroPoint 200 not in \[-128, 127\]/);
    expectError(() => writeModel(bad((s) => { s.tensors[2].scale = 0; })), 'BAD_PARAM', /tensor 2 't2': scale 0/);
    expectError(() => writeModel(bad((s) => { conv(s).shift[3] = 40; })), 'BAD_PARAM', /shift 40 not in \[-31, 31\]/);
    expectError(() => writeModel(bad((s) => { (s.ops[4] as { outputShift: number }).outputShift = -40; })), 'BAD_PARAM', /op 4: outputShift -40 not in \[-31, 31\]/);
    expectError(() => writeModel(bad((s) => { (s.ops[4] as { leftShift: number }).leftShift = 20.5; })), 'BAD_PARAM', /op 4: leftShift 20.5 not in \[-31, 31\]/);
  });

  it('random byte corruption never escapes as anything but a TinyconvError', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    let refused = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const copy = bytes.slice();
      const at = next() % constAt; // header, tensors and ops: the structural part
      copy[at] = next() & 255;
      try { readModel(copy); } catch (e) {
        expect(isTinyconvError(e), String(e)).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});
