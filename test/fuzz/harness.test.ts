// The fuzz machinery can fail: the guard sees out-of-range accesses and non-int8 writes, allocation
// tracking counts fresh buffers but not views, and the per-case timeout turns an endless loop into a
// reported hang with its seed, as does a non-TinyconvError exception.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModel } from '../../src/format/writer.js';
import { TinyconvError } from '../../src/format/errors.js';
import { loadModel } from '../../src/runtime/model.js';
import { GuardViolation, guardModel, installAllocationTracking, trackAllocations, uninstallAllocationTracking } from './guard.js';
import { codeOf, runCampaign } from './harness.js';
import { buildMultiOpModel } from '../runtime/fixtures/multi-op-model.js';

describe('fuzz machinery', () => {
  beforeAll(installAllocationTracking);
  afterAll(uninstallAllocationTracking);

  it('the guard throws on reads and writes outside a tensor, and on non-int8 writes when asked', () => {
    const model = loadModel(writeModel(buildMultiOpModel(7)));
    guardModel(model, true);
    const t = model.tensors[0].data;
    expect(() => t[t.length]).toThrow(GuardViolation);
    expect(() => t[-1]).toThrow(GuardViolation);
    expect(() => { t[0] = 128; }).toThrow(/not an integer in \[-128, 127\]/);
    expect(() => { t[0] = NaN; }).toThrow(GuardViolation);
    t[0] = -5;
    expect(t[0]).toBe(-5);
    const w = (model.spec.ops[1] as unknown as { weights: Int8Array }).weights;
    expect(() => w[w.length + 3]).toThrow(/op 1 weights\[\d+\] outside/);
    model.setInput(new Uint8Array(model.input.length));
    model.run(); // a valid model runs guarded without a violation
  });

  it('allocation tracking counts fresh buffers and copies, not views', () => {
    const buf = new ArrayBuffer(64);
    const { bytes } = trackAllocations(() => {
      new Int8Array(buf, 8, 16); // a view: free
      new Int32Array(10); // 40 bytes
      new Float64Array([1, 2]); // a copy: 16 bytes
      return new ArrayBuffer(100);
    });
    expect(bytes).toBe(156);
  });

  it('an endless loop is a reported hang, a TypeError a reported crash, both with the seed', () => {
    const result = runCampaign({
      name: 't', file: 'test/fuzz/harness.test.ts', cases: 3, timeoutMs: 200,
      make: (_r, i) => ({ origin: 'x', bytes: new Uint8Array(0), what: [`case ${i}`] }),
      attempt: (c) => {
        if (c.what[0] === 'case 1') for (;;) { /* hang */ }
        if (c.what[0] === 'case 2') return (null as unknown as { x: string }).x;
        try { throw new TinyconvError('BAD_THING', 'refused'); } catch (e) { return codeOf(e); }
      },
    });
    expect(result.failures).toHaveLength(2);
    expect(result.failures[0]).toMatch(/FUZZ_SEED=\d+ FUZZ_CASE=1 .*\[x: case 1\]\n\s+hang: no result after 200 ms/);
    expect(result.failures[1]).toMatch(/FUZZ_CASE=2 [^]*TypeError: Cannot read properties of null/);
    expect(result.outcomes).toEqual({ BAD_THING: 1, '(crash)': 1, '(hang)': 1 });
  });
});
