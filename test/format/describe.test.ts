import { describe, expect, it } from 'vitest';
import { describeModel } from '../../src/format/describe.js';
import { planArena } from '../../src/format/plan.js';
import { OP_CONV2D, OP_DENSE, OP_DEPTHWISE_CONV2D, OP_RESHAPE } from '../../src/format/schema.js';
import type { ModelSpec } from '../../src/format/schema.js';

const window = { kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 };

function spec(): ModelSpec {
  const t = (shape: number[], scale = 0.1, zeroPoint = 0) => ({ shape, scale, zeroPoint, offset: 0 });
  const s: ModelSpec = {
    tensors: [t([4, 4, 2]), t([4, 4, 3], 0.05, -128), t([4, 4, 6], 0.05, -128), t([96]), t([5], 0.2, 3)],
    ops: [
      { type: OP_CONV2D, inputs: [0], outputs: [1], ...window, dilationH: 1, dilationW: 1, groups: 1, actMin: -128, actMax: 127,
        multiplier: new Int32Array(3), shift: new Int32Array(3), weights: new Int8Array(3 * 9 * 2), bias: new Int32Array(3) },
      { type: OP_DEPTHWISE_CONV2D, inputs: [1], outputs: [2], ...window, dilationH: 1, dilationW: 1, depthMultiplier: 2,
        actMin: -128, actMax: 100, multiplier: new Int32Array(6), shift: new Int32Array(6), weights: new Int8Array(9 * 6), bias: new Int32Array(6) },
      { type: OP_RESHAPE, inputs: [2], outputs: [3] },
      { type: OP_DENSE, inputs: [3], outputs: [4], actMin: -128, actMax: 127, multiplier: new Int32Array(1), shift: new Int32Array(1),
        weights: new Int8Array(5 * 96), bias: new Int32Array(5) },
    ],
    input: 0, output: 4, arenaBytes: 0, preprocess: { pixelScale: 1 / 255, mean: [0], std: [1] }, labels: [], name: 'm',
  };
  planArena(s);
  return s;
}

describe('describeModel', () => {
  it('counts params (weights + bias) and MACs (one per weight use) per op, with totals', () => {
    const d = describeModel(spec(), 1234);
    expect(d.layers.map((l) => [l.op, l.params, l.macs])).toEqual([
      ['conv2d', 54 + 3, 16 * 3 * 18],
      ['depthwise_conv2d', 54 + 6, 16 * 6 * 9],
      ['reshape', 0, 0],
      ['dense', 480 + 5, 480],
    ]);
    expect(d.totalParams).toBe(57 + 60 + 485);
    expect(d.totalMacs).toBe(864 + 864 + 480);
    expect(d.modelBytes).toBe(1234);
    expect(d.layers[1].detail).toBe('3x3 /1 pad 1,1,1,1 dm 2 per-channel(6) clamp [-128, 100]');
    expect(d.layers[2].detail).toBe('from [4,4,6] (in place)');
    expect(d.layers[3].detail).toBe('96 -> 5 per-tensor');
    expect(d.output).toMatchObject({ shape: [5], zeroPoint: 3, bytes: 5 });
    expect(d.output.range[0]).toBeCloseTo(0.2 * -131);
  });
});
