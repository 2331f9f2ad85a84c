// The .tcm fuzz campaign (tcm-campaign.ts) against the fast runtime: importing src/runtime/fast.ts
// installs the load-time planner (plan.ts), so conv, depthwise and dense run their fast kernels
// (packed pointwise GEMM, unrolled 3x3 depthwise, folded zero points) on every mutated model that
// loads. Module state is per test file, so the other campaigns keep testing the plain runtime.
import '../../src/runtime/fast.js';
import { describe, expect, it } from 'vitest';
import { defineTcmFuzz } from './tcm-campaign.js';

defineTcmFuzz('test/fuzz/tcm-fast.test.ts', [
  { prefix: 'multi-op 7', cases: 1200, hotShare: 0.8, guardShare: 0.5 },
  { prefix: 'zoo', cases: 800, hotShare: 0.8, guardShare: 0.25 },
]);

describe('fast runtime under test', () => {
  it('loadModel attaches kernel plans here (so the campaign above runs the fast kernels)', async () => {
    const { loadModel } = await import('../../src/runtime/model.js');
    const { writeModel } = await import('../../src/format/writer.js');
    const { buildMultiOpModel } = await import('../runtime/fixtures/multi-op-model.js');
    const model = loadModel(writeModel(buildMultiOpModel(7)));
    expect(model.spec.ops.filter((op) => (op as { plan?: unknown }).plan !== undefined).length).toBeGreaterThan(2);
  });
});
