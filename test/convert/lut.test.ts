import { describe, expect, it } from 'vitest';
import { buildLookupTable, elementwiseFunction } from '../../src/convert/lut.js';
import { chooseActivationQuant, dequantize, type ActivationQuant } from '../../src/convert/quant-params.js';
import type { GraphNode, OpName } from '../../src/graph/types.js';

function node(op: OpName, attrs: GraphNode['attrs'] = {}): GraphNode {
  return { name: op, op, inputs: ['x'], output: 'y', attrs, params: {} };
}

const cases: { node: GraphNode; slope?: number; f: (x: number) => number; out: [number, number] }[] = [
  { node: node('sigmoid'), f: (x) => 1 / (1 + Math.exp(-x)), out: [0, 1] },
  { node: node('tanh'), f: Math.tanh, out: [-1, 1] },
  { node: node('hardSwish'), f: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6, out: [-0.375, 6] },
  { node: node('hardSigmoid', { alpha: 0.2, beta: 0.5 }), f: (x) => Math.min(Math.max(0.2 * x + 0.5, 0), 1), out: [0, 1] },
  { node: node('leakyRelu', { alpha: 0.1 }), f: (x) => (x >= 0 ? x : 0.1 * x), out: [-0.6, 6] },
  { node: node('prelu'), slope: 0.25, f: (x) => (x >= 0 ? x : 0.25 * x), out: [-1.5, 6] },
  { node: node('clip', { min: -1, max: 2 }), f: (x) => Math.min(Math.max(x, -1), 2), out: [-1, 2] },
];

describe('lookup tables', () => {
  const input: ActivationQuant = chooseActivationQuant(-6, 6);
  for (const c of cases) {
    it(`${c.node.op}: every entry within half an output step of the float function`, () => {
      const output = chooseActivationQuant(c.out[0], c.out[1]);
      const table = buildLookupTable(elementwiseFunction(c.node, c.slope), input, output);
      expect(table).toHaveLength(256);
      let worst = 0;
      for (let q = -128; q <= 127; q++) {
        const want = c.f(dequantize(input, q));
        const lo = dequantize(output, -128);
        const hi = dequantize(output, 127);
        const clamped = Math.min(Math.max(want, lo), hi);
        worst = Math.max(worst, Math.abs(dequantize(output, table[q + 128]) - clamped));
      }
      expect(worst).toBeLessThanOrEqual(output.scale / 2 + 1e-9);
      // Not a constant table: the test could not pass by accident.
      expect(new Set(table).size).toBeGreaterThan(20);
    });
  }

  it('refuses a prelu without a single slope and non-elementwise ops', () => {
    expect(() => elementwiseFunction(node('prelu'))).toThrow(/single slope/);
    expect(() => elementwiseFunction(node('softmax'))).toThrow(/not an elementwise/);
  });
});
