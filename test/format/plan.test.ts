import { describe, expect, it } from 'vitest';
import { ARENA_ALIGN, checkPlan, planArena, tensorBytes, tensorLifetimes } from '../../src/format/plan.js';
import { OP_ADD, OP_CONCAT, OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_LUT, OP_RESHAPE, OP_SOFTMAX } from '../../src/format/schema.js';
import type { ModelSpec, OpSpec } from '../../src/format/schema.js';
import { isTinyconvError } from '../../src/format/errors.js';

// The planner only looks at op types and tensor indices, so ops here carry nothing else.
function op(type: number, inputs: number[], outputs: number[]): OpSpec {
  return { type, inputs, outputs } as unknown as OpSpec;
}

function model(shapes: number[][], ops: OpSpec[], input = 0, output = shapes.length - 1): ModelSpec {
  return {
    tensors: shapes.map((shape) => ({ shape, scale: 1, zeroPoint: 0, offset: 0 })),
    ops,
    input,
    output,
    arenaBytes: 0,
    preprocess: { pixelScale: 1 / 255, mean: [0], std: [1] },
    labels: [],
    name: '',
  };
}

/** Independent check of a plan by simulation: every byte remembers which tensor last wrote it;
 *  an op may only read an input whose bytes all still belong to it. A reshape at the same offset
 *  re-labels the bytes (no copy); every other op reads all inputs first, then writes. */
function simulate(spec: ModelSpec): void {
  const owner = new Int32Array(spec.arenaBytes).fill(-1);
  const claim = (t: number) => {
    const { offset } = spec.tensors[t];
    owner.fill(t, offset, offset + tensorBytes(spec.tensors[t]));
  };
  const expectOwned = (t: number, where: string) => {
    const { offset } = spec.tensors[t];
    for (let b = offset; b < offset + tensorBytes(spec.tensors[t]); b++) {
      if (owner[b] !== t) throw new Error(`${where}: tensor ${t} byte ${b} was overwritten by tensor ${owner[b]}`);
    }
  };
  claim(spec.input);
  spec.ops.forEach((o, i) => {
    o.inputs.forEach((t) => expectOwned(t, `op ${i}`));
    o.outputs.forEach(claim);
  });
  expectOwned(spec.output, 'model output');
}

/** The activation shapes of TFLM's person_detect (MobileNet v1 0.25, 96x96x1), op by op. */
function personDetectLike(): ModelSpec {
  const shapes: number[][] = [[96, 96, 1]];
  const ops: OpSpec[] = [];
  const chain: [number, number[]][] = [
    [OP_DEPTHWISE_CONV2D, [48, 48, 8]], [OP_DEPTHWISE_CONV2D, [48, 48, 8]], [OP_CONV2D, [48, 48, 16]],
    [OP_DEPTHWISE_CONV2D, [24, 24, 16]], [OP_CONV2D, [24, 24, 32]], [OP_DEPTHWISE_CONV2D, [24, 24, 32]],
    [OP_CONV2D, [24, 24, 32]], [OP_DEPTHWISE_CONV2D, [12, 12, 32]], [OP_CONV2D, [12, 12, 64]],
    [OP_DEPTHWISE_CONV2D, [12, 12, 64]], [OP_CONV2D, [12, 12, 64]], [OP_DEPTHWISE_CONV2D, [6, 6, 64]],
    [OP_CONV2D, [6, 6, 128]],
  ];
  for (let i = 0; i < 5; i++) chain.push([OP_DEPTHWISE_CONV2D, [6, 6, 128]], [OP_CONV2D, [6, 6, 128]]);
  chain.push([OP_DEPTHWISE_CONV2D, [3, 3, 128]], [OP_CONV2D, [3, 3, 256]], [OP_DEPTHWISE_CONV2D, [3, 3, 256]],
    [OP_CONV2D, [3, 3, 256]], [OP_CONV2D /* avg pool */, [1, 1, 256]], [OP_CONV2D, [1, 1, 2]], [OP_RESHAPE, [2]],
    [OP_SOFTMAX, [2]]);
  for (const [type, shape] of chain) {
    shapes.push(shape);
    ops.push(op(type, [shapes.length - 2], [shapes.length - 1]));
  }
  return model(shapes, ops);
}

describe('tensorLifetimes', () => {
  it('input lives from op 0, output to the last op, others from writer to last reader', () => {
    const spec = model([[4], [4], [4], [4]], [
      op(OP_CONV2D, [0], [1]), op(OP_CONV2D, [1], [2]), op(OP_ADD, [1, 2], [3]),
    ], 0, 2);
    const life = tensorLifetimes(spec);
    expect(life.first).toEqual([0, 0, 1, 2]);
    expect(life.last).toEqual([0, 2, 2, 2]);
  });

  it('refuses malformed graphs with BAD_GRAPH', () => {
    const cases: [ModelSpec, RegExp][] = [
      [model([[4], [4]], [op(OP_CONV2D, [0], [0])]), /op 0 writes tensor 0, which is the model input/],
      [model([[4], [4], [4]], [op(OP_CONV2D, [1], [2])]), /op 0 reads tensor 1 before any op writes it/],
      [model([[4], [4]], [op(OP_CONV2D, [0], [5])]), /op 0 output 0 refers to tensor 5, but the model has 2 tensors/],
      [model([[4], [4], [4]], [op(OP_CONV2D, [0], [1])], 0, 2), /model output tensor 2 is never written/],
      [model([[4], [4]], [op(OP_CONV2D, [0], [1]), op(OP_CONV2D, [0], [1])]), /op 1 writes tensor 1, which an earlier op already wrote/],
    ];
    for (const [spec, msg] of cases) {
      let err: unknown;
      try { planArena(spec); } catch (e) { err = e; }
      expect(isTinyconvError(err) && (err as { code: string }).code).toBe('BAD_GRAPH');
      expect((err as Error).message).toMatch(msg);
    }
  });
});

describe('planArena', () => {
  it('a plain chain needs only its largest input+output pair', () => {
    const spec = model([[10, 10, 4], [10, 10, 8], [10, 10, 8], [5, 5, 8]], [
      op(OP_CONV2D, [0], [1]), op(OP_CONV2D, [1], [2]), op(OP_CONV2D, [2], [3]),
    ]);
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect(spec.arenaBytes).toBe(1600);
    for (const t of spec.tensors) expect(t.offset % ARENA_ALIGN).toBe(0);
  });

  it('person_detect shapes fit in the largest pair, 55,296 bytes (TFLM: 85,024)', () => {
    const spec = personDetectLike();
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect(spec.arenaBytes).toBe(48 * 48 * 8 + 48 * 48 * 16);
  });

  it('a reshape whose input dies there shares its input bytes', () => {
    const spec = model([[4, 4, 2], [4, 4, 2], [32], [32]], [
      op(OP_CONV2D, [0], [1]), op(OP_RESHAPE, [1], [2]), op(OP_SOFTMAX, [2], [3]),
    ]);
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect(spec.tensors[2].offset).toBe(spec.tensors[1].offset);
    expect(spec.arenaBytes).toBe(64);
  });

  it('a reshape whose input is still read later gets its own bytes', () => {
    const spec = model([[32], [32], [4, 8], [32]], [
      op(OP_CONV2D, [0], [1]), op(OP_RESHAPE, [1], [2]), op(OP_ADD, [1, 2], [3]),
    ]);
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect(spec.tensors[2].offset).not.toBe(spec.tensors[1].offset);
  });

  it('a LUT works in place over an input that dies there, the model input included', () => {
    const spec = model([[64], [64], [64]], [op(OP_LUT, [0], [1]), op(OP_LUT, [1], [2])]);
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect(spec.tensors[1].offset).toBe(spec.tensors[0].offset);
    expect(spec.tensors[2].offset).toBe(spec.tensors[1].offset);
    expect(spec.arenaBytes).toBe(64);
  });

  it('a LUT does not work in place over an input still read later', () => {
    const spec = model([[64], [64], [64], [64]], [op(OP_CONV2D, [0], [1]), op(OP_LUT, [1], [2]), op(OP_ADD, [1, 2], [3])]);
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect(spec.tensors[2].offset).not.toBe(spec.tensors[1].offset);
  });

  it('a residual ADD writes in place over the input that dies there', () => {
    // t1 feeds both the conv (t2) and the add; the add is t1's and t2's last use.
    const spec = model([[256], [256], [256], [256]], [
      op(OP_CONV2D, [0], [1]), op(OP_CONV2D, [1], [2]), op(OP_ADD, [1, 2], [3]),
    ]);
    planArena(spec);
    checkPlan(spec);
    simulate(spec);
    expect([spec.tensors[1].offset, spec.tensors[2].offset]).toContain(spec.tensors[3].offset);
    expect(spec.arenaBytes).toBe(512);
  });

  it('random graphs: every plan passes checkPlan and the byte-ownership simulation', () => {
    let seed = 12345;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const types = [OP_CONV2D, OP_RESHAPE, OP_LUT, OP_ADD, OP_CONCAT];
    let aliased = 0;
    for (let trial = 0; trial < 300; trial++) {
      const shapes: number[][] = [[1 + rand(40)]];
      const ops: OpSpec[] = [];
      const nOps = 1 + rand(12);
      for (let i = 0; i < nOps; i++) {
        const type = types[rand(types.length)];
        const a = rand(shapes.length);
        const b = rand(shapes.length);
        if (type === OP_RESHAPE || type === OP_LUT) shapes.push([shapes[a][0]]);
        else if (type === OP_ADD) shapes.push([shapes[a][0]]);
        else if (type === OP_CONCAT) shapes.push([shapes[a][0] + shapes[b][0]]);
        else shapes.push([1 + rand(40)]);
        const inputs = type === OP_ADD || type === OP_CONCAT ? [a, b] : [a];
        ops.push(op(type, inputs, [shapes.length - 1]));
      }
      const spec = model(shapes, ops);
      planArena(spec);
      checkPlan(spec);
      simulate(spec);
      const largest = Math.max(...shapes.map((s) => s[0]));
      expect(spec.arenaBytes).toBeGreaterThanOrEqual(largest);
      ops.forEach((o) => { if (spec.tensors[o.inputs[0]].offset === spec.tensors[o.outputs[0]].offset) aliased++; });
    }
    expect(aliased).toBeGreaterThan(0);
  });
});

describe('checkPlan', () => {
  function planned(): ModelSpec {
    const spec = model([[16], [16], [16]], [op(OP_CONV2D, [0], [1]), op(OP_CONV2D, [1], [2])]);
    planArena(spec);
    return spec;
  }

  it('refuses two live tensors sharing bytes, naming both', () => {
    const spec = planned();
    spec.tensors[1].offset = spec.tensors[0].offset + 8;
    spec.arenaBytes = 64;
    expect(() => checkPlan(spec)).toThrow(/tensors 0 \[\d+, \d+\) and 1 \[\d+, \d+\) overlap in the arena while both are alive \(ops 0\.\.0\)/);
  });

  it('allows tensors with disjoint lifetimes to share bytes', () => {
    const spec = planned();
    expect(spec.tensors[2].offset).toBe(spec.tensors[0].offset);
    expect(() => checkPlan(spec)).not.toThrow();
  });

  it('refuses a tensor beyond the arena and a bad offset', () => {
    const spec = planned();
    spec.arenaBytes -= 1;
    expect(() => checkPlan(spec)).toThrow(/beyond the arena size/);
    const spec2 = planned();
    spec2.tensors[0].offset = -16;
    expect(() => checkPlan(spec2)).toThrow(/tensor 0 has arena offset -16/);
    const spec3 = planned();
    spec3.tensors[0].offset = 1.5;
    expect(() => checkPlan(spec3)).toThrow(/BAD_PLAN|not a non-negative integer/);
  });

  it('refuses an in-place alias when the input is still needed afterwards', () => {
    const spec = model([[16], [16], [16], [16]], [
      op(OP_CONV2D, [0], [1]), op(OP_LUT, [1], [2]), op(OP_ADD, [1, 2], [3]),
    ]);
    planArena(spec);
    checkPlan(spec);
    spec.tensors[2].offset = spec.tensors[1].offset;
    expect(() => checkPlan(spec)).toThrow(/tensors 1 .* and 2 .* overlap/);
  });
});
