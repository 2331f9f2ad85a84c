// Hand-crafted hostile .tcm files: the attacks random mutation is unlikely to find.
// Each is built by editing a valid file's words, so the file passes every check but the one aimed at.
import { describe, expect, it } from 'vitest';
import { H_ARENA_BYTES, H_OP_COUNT, H_SECTIONS, TENSOR_WORDS } from '../../src/format/layout.js';
import { writeModel } from '../../src/format/writer.js';
import { readVerifiedModel } from '../../src/format/verify.js';
import { MAX_TENSORS } from '../../src/format/validate.js';
import { readModel } from '../../src/format/reader.js';
import { loadModel } from '../../src/runtime/model.js';
import { isTinyconvError } from '../../src/format/errors.js';
import { OP_CONV2D, OP_DENSE, OP_RESHAPE, type ModelSpec } from '../../src/format/schema.js';
import { planArena } from '../../src/format/plan.js';
import { getI32, setI32 } from './mutate.js';
import { tcmLayout } from './tcm-mutate.js';

function codeOf(fn: () => unknown): string {
  try { fn(); } catch (e) { if (isTinyconvError(e)) return `${e.code}: ${e.message}`; throw e; }
  return 'ok';
}

/** input [1,1,64] -> `n` 1x1 convs, each [1,1,64] -> [1,1,64], with distinct weights. */
function convChain(n: number): ModelSpec {
  const tensors = [];
  for (let i = 0; i <= n; i++) tensors.push({ shape: [1, 1, 64], scale: 0.05, zeroPoint: 0, offset: 0 });
  const ops = [];
  for (let i = 0; i < n; i++) {
    ops.push({
      type: OP_CONV2D, inputs: [i], outputs: [i + 1], kernelH: 1, kernelW: 1, strideH: 1, strideW: 1,
      padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, dilationH: 1, dilationW: 1, groups: 1, actMin: -128, actMax: 127,
      weights: new Int8Array(64 * 64).fill(i + 1), bias: new Int32Array(64), multiplier: new Int32Array([1 << 30]), shift: new Int32Array([-8]),
    } as const);
  }
  const spec: ModelSpec = { tensors, ops: ops as unknown as ModelSpec['ops'], input: 0, output: n, arenaBytes: 0, preprocess: { pixelScale: 1, mean: [0], std: [1] }, labels: [], name: 'chain' };
  planArena(spec);
  return spec;
}

describe('crafted hostile .tcm files', () => {
  it('ops sharing one weight array (work and load-time tables x op count) are refused', () => {
    const bytes = writeModel(convChain(8));
    const l = tcmLayout(bytes);
    // Every op's four arrays (weights, bias, multiplier, shift: two words each after opcode, count,
    // input, output and 13 ints) point at op 0's, and the constants section shrinks to op 0's
    // arrays: one copy in the file, eight ops' worth of work.
    const arrays = (rec: [number, number]) => rec[0] + 4 * (4 + 13);
    for (const rec of l.opRecords) bytes.copyWithin(arrays(rec), arrays(l.opRecords[0]), arrays(l.opRecords[0]) + 32);
    const shiftRef = arrays(l.opRecords[0]) + 24;
    setI32(bytes, 4 * (H_SECTIONS + 5), getI32(bytes, shiftRef) + 4 - l.sections[2][0]);
    expect(codeOf(() => loadModel(bytes))).toMatch(/^BAD_OFFSET: constants used 34880/);
  });

  it('an arena declared far larger than its tensors: the runtime allocates what is declared, the verifier refuses', () => {
    const bytes = writeModel(convChain(2));
    setI32(bytes, 4 * H_ARENA_BYTES, 1 << 24);
    expect(loadModel(bytes).arenaBytes).toBe(1 << 24); // the declared size, nothing more
    expect(codeOf(() => readVerifiedModel(bytes))).toMatch(/^BAD_PLAN: arena is 16777216 bytes but its tensors end at byte 128/);
  });

  it('an arena the engine cannot allocate is a BAD_ARENA TinyconvError, not a RangeError', () => {
    const bytes = writeModel(convChain(2));
    setI32(bytes, 4 * H_ARENA_BYTES, 0x7fffffff);
    const g = globalThis as unknown as { ArrayBuffer: typeof ArrayBuffer };
    const Real = g.ArrayBuffer;
    // A small engine: anything above 1 MB fails the way V8 and Duktape report it.
    const Small = function (n: number) {
      if (n > 1 << 20) throw new RangeError('Array buffer allocation failed');
      return new Real(n);
    } as unknown as typeof ArrayBuffer;
    Object.setPrototypeOf(Small, Real);
    g.ArrayBuffer = Small;
    try {
      expect(codeOf(() => loadModel(bytes))).toBe('BAD_ARENA: cannot allocate 2147483647 bytes');
    } finally {
      g.ArrayBuffer = Real;
    }
  });

  it('two live tensors in the same arena bytes are refused at load (BAD_PLAN), naming both and the byte', () => {
    const spec = convChain(3);
    const bytes = writeModel(spec);
    // tensor 2's slot moved onto tensor 1's: op 1 would read and write the same bytes
    const tensorAt = (t: number) => tcmLayout(bytes).sections[0][0] + 4 * TENSOR_WORDS * t;
    setI32(bytes, tensorAt(2), spec.tensors[1].offset);
    expect(codeOf(() => loadModel(bytes))).toMatch(new RegExp(`^BAD_PLAN: op 1 at byte \\d+: output tensor 2 overlaps tensor 1 at arena byte ${spec.tensors[1].offset}$`));
    spec.tensors[2].offset = spec.tensors[1].offset;
    expect(codeOf(() => writeModel(spec))).toMatch(/^BAD_PLAN: op 1: output tensor 2 overlaps tensor 1/);
  });

  it('an op reading a tensor nothing wrote, or two ops writing one tensor, are refused at load (BAD_GRAPH)', () => {
    const bytes = writeModel(convChain(3));
    const ops = tcmLayout(bytes).opRecords;
    setI32(bytes, ops[1][0] + 8, 3); // op 1's input: tensor 3, which op 2 writes
    expect(codeOf(() => loadModel(bytes))).toMatch(/^BAD_GRAPH: op 1 at byte \d+: reads tensor 3 before it is written$/);
    const twice = writeModel(convChain(3));
    setI32(twice, tcmLayout(twice).opRecords[2][0] + 12, 2); // op 2's output: tensor 2, which op 1 wrote
    expect(codeOf(() => loadModel(twice))).toMatch(/^BAD_GRAPH: op 2 at byte \d+: writes tensor 2 twice$/);
  });

  it('the pairwise plan check is bounded: a 4,000-op reshape chain loads quickly, more than 4,096 tensors are refused', () => {
    const chain = (n: number): ModelSpec => {
      const spec = convChain(1);
      spec.tensors = Array.from({ length: n + 1 }, () => ({ shape: [16], scale: 1, zeroPoint: 0, offset: 0 }));
      spec.ops = Array.from({ length: n }, (_, i) => ({ type: OP_RESHAPE, inputs: [i], outputs: [i + 1] })) as unknown as ModelSpec['ops'];
      spec.output = n;
      planArena(spec);
      return spec;
    };
    const t = performance.now();
    expect(codeOf(() => readVerifiedModel(writeModel(chain(4000))))).toBe('ok');
    expect(performance.now() - t).toBeLessThan(5000);
    expect(codeOf(() => writeModel(chain(MAX_TENSORS)))).toBe('BAD_TENSOR: 4097 tensors, at most 4096');
    const big = writeModel(chain(4000));
    setI32(big, 16, MAX_TENSORS + 1);
    expect(codeOf(() => loadModel(big))).toBe('BAD_OFFSET: tensor count (byte 16)');
  });

  it('a huge op count in a small file ends at the ops section, not in a long loop', () => {
    const bytes = writeModel(convChain(2));
    setI32(bytes, 4 * H_OP_COUNT, 0x7fffffff);
    const t = performance.now();
    expect(codeOf(() => loadModel(bytes))).toMatch(/^(TRUNCATED|BAD_OP): op 2 at byte \d+/);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('a tensor count claiming more records than the section holds is refused before any is read', () => {
    const bytes = writeModel(convChain(2));
    setI32(bytes, 16, 1 << 28);
    expect(codeOf(() => loadModel(bytes))).toMatch(/^BAD_OFFSET: tensor count \(byte 16\)/);
  });

  it('a dense layer whose weight count overflows int32 arithmetic is refused by its length check', () => {
    // [65536] -> [65536] would need 2^32 weights: the multiplication is done in doubles, so no wrap.
    const spec = convChain(1);
    spec.tensors = [{ shape: [65536], scale: 1, zeroPoint: 0, offset: 0 }, { shape: [65536], scale: 1, zeroPoint: 0, offset: 65536 }];
    spec.ops = [{ type: OP_DENSE, inputs: [0], outputs: [1], actMin: -128, actMax: 127, weights: new Int8Array(16), bias: new Int32Array(65536), multiplier: new Int32Array([1 << 30]), shift: new Int32Array([0]) }];
    spec.arenaBytes = 131072;
    expect(codeOf(() => writeModel(spec))).toMatch(/weights length 16, expected 4294967296/);
  });

  it('a section descriptor with a negative length or an offset past the end is refused', () => {
    const bytes = writeModel(convChain(2));
    setI32(bytes, 4 * (H_SECTIONS + 5), -8);
    expect(codeOf(() => loadModel(bytes))).toMatch(/^BAD_OFFSET: section at byte 48: \[\d+, \+-8\)/);
  });
});
