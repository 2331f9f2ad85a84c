// loadModel's API: arena views, edge quantization (TFLite rounding), preprocessing of raw pixels,
// caller-supplied arenas, the per-op hook, and bad input.
import { describe, expect, it } from 'vitest';
import { writeModel } from '../../src/format/writer.js';
import { loadModel, quantizeValue, TinyconvError, OP_SOFTMAX } from '../../src/runtime/index.js';
import { isTinyconvError } from '../../src/format/errors.js';
import { buildMultiOpModel } from './fixtures/multi-op-model.js';

const spec = buildMultiOpModel(5);
const bytes = writeModel(spec);

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e) { return isTinyconvError(e) ? e.code : `not a TinyconvError: ${e}`; }
  return 'no error';
}

describe('loadModel', () => {
  it('exposes the input and output as views into one arena, with their quantization', () => {
    const m = loadModel(bytes);
    const inT = spec.tensors[spec.input];
    const outT = spec.tensors[spec.output];
    expect(m.input.buffer).toBe(m.output.buffer);
    expect(m.input.buffer.byteLength).toBe(spec.arenaBytes);
    expect(m.input.byteOffset).toBe(inT.offset);
    expect(m.input.length).toBe(8 * 8 * 2);
    expect(m.inputShape).toEqual([8, 8, 2]);
    expect([m.inputScale, m.inputZeroPoint]).toEqual([inT.scale, inT.zeroPoint]);
    expect(m.outputShape).toEqual([10]);
    expect([m.outputScale, m.outputZeroPoint]).toEqual([outT.scale, outT.zeroPoint]);
    expect(m.arenaBytes).toBe(spec.arenaBytes);
    expect(m.modelBytes).toBe(bytes.length);
    expect(m.labels).toEqual(spec.labels);
    expect(m.name).toBe(spec.name);
    expect(m.tensors.every((t) => t.data.buffer === m.input.buffer)).toBe(true);
  });

  it('quantizes like TFLite: round half away from zero, add the zero point, clamp', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49].map((v) => quantizeValue(v, 1, 0))).toEqual([1, 2, 3, -1, -2, -3, 0]);
    expect(quantizeValue(1000, 0.1, 5)).toBe(127);
    expect(quantizeValue(-1000, 0.1, 5)).toBe(-128);
    expect(quantizeValue(0.25, 0.1, -3)).toBe(0); // 2.5 -> 3, + (-3)
  });

  it('setInput(Float32Array) quantizes values; setInput(Uint8Array) preprocesses pixels first', () => {
    const m = loadModel(bytes);
    const values = Float32Array.from({ length: 128 }, (_, i) => (i - 64) / 40);
    m.setInput(values);
    expect(Array.from(m.input)).toEqual(Array.from(values, (v) => quantizeValue(v, m.inputScale, m.inputZeroPoint)));
    const pixels = Uint8Array.from({ length: 128 }, (_, i) => (i * 53) & 255);
    m.setInput(pixels);
    const { pixelScale, mean, std } = spec.preprocess;
    const want = Array.from(pixels, (p, i) => quantizeValue((p * pixelScale - mean[i % 2]) / std[i % 2], m.inputScale, m.inputZeroPoint));
    expect(Array.from(m.input)).toEqual(want);
    // A plain array counts as values, not pixels.
    m.setInput(Array.from(values));
    expect(Array.from(m.input)).toEqual(Array.from(values, (v) => quantizeValue(v, m.inputScale, m.inputZeroPoint)));
  });

  it('runs repeatably, calls the hook once per op with its output tensor, and dequantizes the output', () => {
    const m = loadModel(bytes);
    const pixels = Uint8Array.from({ length: 128 }, (_, i) => i * 2);
    m.setInput(pixels);
    const seen: number[] = [];
    m.run((i, t) => {
      seen.push(i);
      expect(t).toBe(m.tensors[spec.ops[i].outputs[0]]);
    });
    expect(seen).toEqual(spec.ops.map((_, i) => i));
    const first = Array.from(m.output);
    // The arena plan may reuse the input's bytes once it is consumed: set it before every run.
    m.setInput(pixels);
    m.run();
    expect(Array.from(m.output)).toEqual(first);
    expect(spec.ops[spec.ops.length - 1].type).toBe(OP_SOFTMAX);
    const probs = m.readOutput(new Float32Array(10));
    expect(Array.from(probs)).toEqual(first.map((q) => Math.fround((q + 128) / 256)));
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    expect(Array.from(m.readOutput())).toEqual(Array.from(probs));
  });

  it('uses a caller-supplied arena and refuses one that is too small', () => {
    const arena = new ArrayBuffer(spec.arenaBytes + 100);
    const m = loadModel(bytes, { arena });
    expect(m.input.buffer).toBe(arena);
    m.setInput(new Uint8Array(128));
    m.run();
    const ref = loadModel(bytes);
    ref.setInput(new Uint8Array(128));
    ref.run();
    expect(Array.from(m.output)).toEqual(Array.from(ref.output));
    expect(codeOf(() => loadModel(bytes, { arena: new ArrayBuffer(spec.arenaBytes - 1) }))).toBe('BAD_ARENA');
  });

  it('refuses inputs and output arrays of the wrong length', () => {
    const m = loadModel(bytes);
    expect(codeOf(() => m.setInput(new Uint8Array(127)))).toBe('BAD_INPUT');
    expect(codeOf(() => m.setInput(new Float32Array(129)))).toBe('BAD_INPUT');
    expect(codeOf(() => m.setInput(undefined as unknown as Uint8Array))).toBe('BAD_INPUT');
    expect(codeOf(() => m.readOutput(new Float32Array(9)))).toBe('BAD_INPUT');
    expect(() => m.setInput(new Uint8Array(1))).toThrow(TinyconvError);
  });

  it('a corrupted file is refused with a TinyconvError or loads and runs without any other error', () => {
    let seed = 99;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    let refused = 0;
    let ran = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const copy = bytes.slice();
      for (let k = 0; k < 3; k++) copy[next() % copy.length] = next() & 255;
      let m;
      try { m = loadModel(copy); } catch (e) {
        expect(isTinyconvError(e), String(e)).toBe(true);
        refused++;
        continue;
      }
      m.setInput(new Uint8Array(m.input.length));
      m.run();
      ran++;
    }
    console.log(`corrupted files: ${refused} refused, ${ran} loaded and ran`);
    expect(refused).toBeGreaterThan(100);
    expect(ran).toBeGreaterThan(100);
  });

  it('refuses a file that is not a model', () => {
    expect(codeOf(() => loadModel(new Uint8Array(100)))).toBe('BAD_MAGIC');
    expect(codeOf(() => loadModel(bytes.subarray(0, 40)))).toBe('TRUNCATED');
  });
});
