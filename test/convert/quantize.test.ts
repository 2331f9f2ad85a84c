import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/convert/calibrate.js';
import { chooseActivationQuant, activationClamp } from '../../src/convert/quant-params.js';
import { quantizeGraph } from '../../src/convert/quantize.js';
import { convertToInt8 } from '../../src/convert/index.js';
import { f32, quantizeMultiplier } from '../../src/format/multiplier.js';
import { isTinyconvError } from '../../src/format/errors.js';
import { writeModel } from '../../src/format/writer.js';
import type { AddOp, ConcatOp, ConvOp, DepthwiseOp, PoolOp, SoftmaxOp } from '../../src/format/schema.js';
import { OP_ADD, OP_AVG_POOL, OP_CONCAT, OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_LUT, OP_PAD, OP_SOFTMAX } from '../../src/format/schema.js';
import { createExecutor } from '../../src/graph/execute.js';
import type { FloatModel } from '../../src/graph/types.js';
import { loadModel } from '../../src/runtime/model.js';
import { GraphBuilder, randomInput, rng } from './graph-builder.js';

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isTinyconvError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('activation quantization', () => {
  it('nudges the zero point so real 0 is exact', () => {
    expect(chooseActivationQuant(0, 6)).toEqual({ scale: f32(6 / 255), zeroPoint: -128 });
    // Both candidate zero points are -0.5; C's round() takes it away from zero.
    expect(chooseActivationQuant(-1, 1)).toEqual({ scale: f32(2 / 255), zeroPoint: -1 });
    const q = chooseActivationQuant(-0.3, 2.2);
    expect(Number.isInteger(q.zeroPoint)).toBe(true);
    expect(q.zeroPoint).toBe(Math.round(-128 + 0.3 / (2.5 / 255)));
    // Ranges not containing 0 are widened to contain it; a dead tensor still gets a valid scale.
    expect(chooseActivationQuant(2, 4)).toEqual(chooseActivationQuant(0, 4));
    expect(chooseActivationQuant(0, 0).scale).toBeGreaterThan(0);
  });

  it('computes the ReLU6 clamp as [max(-128, zp), min(127, zp + round(6 / s))]', () => {
    const q = chooseActivationQuant(-2, 10);
    const r = activationClamp(q, { min: 0, max: 6 });
    // 6 / s is 127.5 here; TFLite divides in float32 and rounds half away from zero.
    expect(r).toEqual({ actMin: q.zeroPoint, actMax: q.zeroPoint + Math.round(f32(6 / q.scale)) });
    expect(activationClamp(chooseActivationQuant(0, 6), { min: 0, max: 6 })).toEqual({ actMin: -128, actMax: 127 });
    expect(activationClamp(q, { min: -Infinity, max: Infinity })).toEqual({ actMin: -128, actMax: 127 });
  });
});

/** One conv (with fused relu6) whose weights, bias and scales we can check by hand. */
function oneConv(): { model: FloatModel; ranges: Record<string, { min: number; max: number }> } {
  const g = new GraphBuilder([3, 3, 2]);
  const w = [0.5, -0.25, 1, 0.125, /* channel 1: */ -0.02, 0.01, 0.04, -0.03];
  const conv = g.add('conv2d', ['input'], { kernel: [2, 1] }, { weight: g.param(w, [2, 2, 1, 2]), bias: g.param([0.3, -0.01], [2]) }, 'conv');
  const model = g.build(g.add('relu6', [conv], {}, {}, 'out'));
  return { model, ranges: { input: { min: -1, max: 3 }, conv: { min: -5, max: 7 }, out: { min: 0, max: 5 } } };
}

describe('conv weights, bias and multipliers', () => {
  it('per channel: symmetric int8 in [-127, 127], bias at s_in * s_w[c], TFLite multipliers, ReLU6 range [0, 6]', () => {
    const { model, ranges } = oneConv();
    const spec = quantizeGraph(model, ranges);
    expect(spec.ops).toHaveLength(1);
    const op = spec.ops[0] as ConvOp;
    expect(op.type).toBe(OP_CONV2D);
    const sIn = chooseActivationQuant(-1, 3).scale;
    const sOut = chooseActivationQuant(0, 6).scale; // fused relu6: exactly [0, 6], not the calibrated [0, 5]
    expect(spec.tensors[spec.output]).toMatchObject({ name: 'out', scale: sOut, zeroPoint: -128 });
    const sW = [f32(1 / 127), f32(0.04 / 127)];
    // TFLite multiplies by a float32 inverse scale: -0.02 * f32(1 / f32(0.04 / 127)) rounds to -63.5 -> -64.
    expect(Array.from(op.weights)).toEqual([64, -32, 127, 16, -64, 32, 127, -95]);
    expect(Array.from(op.bias)).toEqual([Math.round(0.3 / f32(sIn * sW[0])), -Math.round(0.01 / f32(sIn * sW[1]))]);
    for (let c = 0; c < 2; c++) {
      const m = quantizeMultiplier((f32(sIn) * sW[c]) / f32(sOut));
      expect([op.multiplier[c], op.shift[c]]).toEqual([m.multiplier, m.shift]);
    }
    expect([op.actMin, op.actMax]).toEqual([-128, 127]);
    expect(spec.tensors[spec.input]).toMatchObject({ scale: sIn, zeroPoint: chooseActivationQuant(-1, 3).zeroPoint });
    expect(spec.preprocess).toEqual(model.graph.preprocess);
  });

  it('per tensor: one scale for all channels, so the small channel gets few levels', () => {
    const { model, ranges } = oneConv();
    const op = quantizeGraph(model, ranges, { perChannel: false }).ops[0] as ConvOp;
    expect(op.multiplier).toHaveLength(1);
    expect(Array.from(op.weights)).toEqual([64, -32, 127, 16, -3, 1, 5, -4]);
  });

  it('lays a depthwise conv out as [kH][kW][outC] with per-channel scales', () => {
    const g = new GraphBuilder([4, 4, 2]);
    const w = [1, 2, 3, 4, /* channel 1 */ -0.1, 0.2, -0.3, 0.4];
    const dw = g.add('conv2d', ['input'], { kernel: [2, 2], groups: 2 }, { weight: g.param(w, [2, 2, 2, 1]) }, 'dw');
    const spec = quantizeGraph(g.build(dw), { input: { min: -1, max: 1 }, dw: { min: -3, max: 3 } });
    const op = spec.ops[0] as DepthwiseOp;
    expect(op.type).toBe(OP_DEPTHWISE_CONV2D);
    expect(op.depthMultiplier).toBe(1);
    expect(Array.from(op.weights)).toEqual([32, -32, 64, 64, 95, -95, 127, 127]);
    expect(Array.from(op.bias)).toEqual([0, 0]);
  });
});

describe('calibrating the original graph', () => {
  it('works for quantizeGraph too: every pass keeps the calibrated tensor names', () => {
    const g = new GraphBuilder([6]);
    const d = g.dense('input', 6, 4);
    const side = g.add('relu', [d]);
    const bn = g.batchnorm(d, 4); // a vector batchnorm: folded into reshape / depthwise / reshape
    const model = g.build(g.add('add', [g.add('dropout', [bn]), side]));
    const random = rng(5);
    const cal = calibrate(model, Array.from({ length: 20 }, () => randomInput([6], random)));
    const spec = quantizeGraph(model, cal);
    expect(spec.ops.map((o) => o.type)).toEqual([3, 12, 10, 2, 10, 7]);
  });
});

describe('bias that would not fit int32', () => {
  it('raises a nearly-dead channel\'s weight scale instead of overflowing or clamping the bias', () => {
    const g = new GraphBuilder([4]);
    const d = g.add('dense', ['input'], {}, { weight: g.param([0.5, -0.5, 1, 0, 1e-9, -1e-9, 0, 0], [2, 4]), bias: g.param([0.1, 1], [2]) }, 'd');
    const spec = quantizeGraph(g.build(d), { input: { min: -0.01, max: 0.01 }, d: { min: -2, max: 2 } });
    const op = spec.ops[0] as unknown as { bias: Int32Array; weights: Int8Array };
    expect(Math.abs(op.bias[1])).toBeLessThanOrEqual(2147483647);
    expect(op.bias[1]).toBeGreaterThan(2147483647 * 0.99);
    expect(Array.from(op.weights.slice(4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(op.weights.slice(0, 4))).toEqual([64, -64, 127, 0]);
  });
});

describe('ops without weights', () => {
  it('add uses TFLite parameters (left shift 20, twice the larger input scale)', () => {
    const g = new GraphBuilder([2, 2, 1]);
    const r = g.add('relu', ['input'], {}, {}, 'r');
    const model = g.build(g.add('add', ['input', r], {}, {}, 'sum'));
    const ranges = { input: { min: -1, max: 1 }, r: { min: 0, max: 4 }, sum: { min: -1, max: 5 } };
    const spec = quantizeGraph(model, ranges);
    const add = spec.ops[1] as AddOp;
    expect(add.type).toBe(OP_ADD);
    const s1 = chooseActivationQuant(-1, 1).scale;
    const s2 = chooseActivationQuant(0, 4).scale;
    const so = chooseActivationQuant(-1, 5).scale;
    const twice = 2 * Math.max(s1, s2);
    expect(add.leftShift).toBe(20);
    expect([add.input1Multiplier, add.input1Shift]).toEqual(Object.values(quantizeMultiplier(s1 / twice)));
    expect([add.input2Multiplier, add.input2Shift]).toEqual(Object.values(quantizeMultiplier(s2 / twice)));
    expect([add.outputMultiplier, add.outputShift]).toEqual(Object.values(quantizeMultiplier(twice / (2 ** 20 * so))));
    // The relu after the graph input has no producer to fuse into: it is a table.
    expect(spec.ops[0].type).toBe(OP_LUT);
  });

  it('pool, flatten and concat share quantization; a softmax input to concat is requantized', () => {
    const g = new GraphBuilder([4, 4, 2]);
    const a = g.add('maxPool', ['input'], { kernel: [2, 2] }, {}, 'a');
    const b = g.conv('input', 2, 2, 3, { stride: [2, 2], padding: [1, 1, 1, 1] });
    const p = g.add('softmax', [b], {}, {}, 'p');
    const cat = g.add('concat', [a, b, p], {}, {}, 'cat');
    const model = g.build(g.add('flatten', [cat], {}, {}, 'flat'));
    const ranges = { input: { min: -1, max: 1 }, a: { min: -0.9, max: 0.9 }, [b]: { min: -3, max: 2 }, p: { min: 0, max: 1 }, cat: { min: -3, max: 2 }, flat: { min: -3, max: 2 } };
    const spec = quantizeGraph(model, ranges);
    const q = (name: string) => spec.tensors.find((t) => t.name === name)!;
    const shared = chooseActivationQuant(-3, 2);
    for (const name of ['input', 'a', b, 'cat', 'flat']) expect(q(name)).toMatchObject({ scale: shared.scale, zeroPoint: shared.zeroPoint });
    expect(q('p')).toMatchObject({ scale: 1 / 256, zeroPoint: -128 });
    const concat = spec.ops.find((o) => o.type === OP_CONCAT) as ConcatOp;
    expect(concat.axis).toBe(2);
    expect(Array.from(concat.multiplier.slice(0, 2))).toEqual([0, 0]);
    expect([concat.multiplier[2], concat.shift[2]]).toEqual(Object.values(quantizeMultiplier(f32(1 / 256) / shared.scale)));
    const softmax = spec.ops.find((o) => o.type === OP_SOFTMAX) as SoftmaxOp;
    expect(softmax.diffMin).toBeLessThan(0);
  });

  it('avgPool counting its padding gets a PAD op; ceil mode becomes extra trailing padding', () => {
    const g = new GraphBuilder([6, 6, 1]);
    const p = g.add('avgPool', ['input'], { kernel: [2, 2], stride: [2, 2], padding: [1, 1, 0, 0], countIncludePad: true, ceilMode: true }, {}, 'p');
    const spec = quantizeGraph(g.build(p), { input: { min: -1, max: 1 }, p: { min: -1, max: 1 } });
    expect(spec.ops.map((o) => o.type)).toEqual([OP_PAD, OP_AVG_POOL]);
    const pool = spec.ops[1] as PoolOp;
    expect(spec.tensors[pool.inputs[0]].shape).toEqual([7, 7, 1]);
    expect(spec.tensors[pool.outputs[0]].shape).toEqual([4, 4, 1]);
    expect([pool.padTop, pool.padLeft, pool.padBottom, pool.padRight]).toEqual([0, 0, 1, 1]);
  });
});

describe('refusals', () => {
  it('refuses NaN and infinite weights, naming node, parameter and index', () => {
    const { model, ranges } = oneConv();
    model.weights[model.graph.nodes[0].params.bias.offset + 1] = NaN;
    expect(errorCode(() => quantizeGraph(model, ranges))).toMatch(/^NON_FINITE_WEIGHT: node 'conv' \(conv2d\): parameter 'bias' has NaN at index 1/);
    model.weights[0] = Infinity;
    expect(errorCode(() => quantizeGraph(model, ranges))).toMatch(/NON_FINITE_WEIGHT.*'weight' has Infinity at index 0/);
  });

  it('refuses a missing calibrated range, naming the tensor', () => {
    const { model } = oneConv();
    expect(errorCode(() => quantizeGraph(model, { input: { min: -1, max: 1 } }))).toMatch(/^CALIBRATION_MISSING: .*tensor 'out'/);
  });

  it('refuses unsupported ops and negative per-channel prelu slopes, naming op and node', () => {
    const g = new GraphBuilder([2, 2, 2]);
    const x = g.add('prelu', ['input'], {}, { slope: g.param([0.1, -0.2], [2]) }, 'pr');
    const model = g.build(x);
    expect(errorCode(() => quantizeGraph(model, { input: { min: -1, max: 1 }, pr: { min: -1, max: 1 } })))
      .toMatch(/^UNSUPPORTED_OP: node 'pr' \(prelu\): slope\[1\] = -0.2/);
    model.graph.nodes[0].op = 'gelu' as never;
    expect(errorCode(() => quantizeGraph(model, { input: { min: -1, max: 1 }, pr: { min: -1, max: 1 } }))).toMatch(/pr.*gelu/);
  });
});

/** The less common lowerings, checked end to end against the float executor. */
describe('rarer ops through the runtime', () => {
  it('grouped/dilated conv, depth multiplier, per-channel prelu, hard-swish, tanh, leaky relu, ceil-mode pools, log-softmax match the float graph', () => {
    const g = new GraphBuilder([6, 6, 3], 3);
    let t = g.conv('input', 3, 4, 3, { padding: [1, 1, 1, 1] });
    t = g.add('prelu', [t], {}, { slope: g.param([0.1, 0.25, 0, 0.5], [4]) });
    t = g.conv(t, 4, 4, 3, { groups: 2, dilation: [2, 2], padding: [2, 2, 2, 2] }); // grouped, dilated
    t = g.conv(t, 4, 8, 3, { groups: 4, padding: [1, 1, 1, 1] }); // depthwise, depth multiplier 2
    t = g.conv(t, 8, 4, 1);
    const hs = g.add('hardSwish', [t]);
    const th = g.add('tanh', [g.conv(t, 4, 4, 1)]);
    t = g.add('concat', [hs, th]);
    t = g.add('avgPool', [t], { kernel: [2, 2], stride: [2, 2], padding: [1, 1, 1, 1], countIncludePad: true, ceilMode: true });
    t = g.add('maxPool', [t], { kernel: [2, 2], stride: [2, 2], ceilMode: true });
    t = g.add('leakyRelu', [t], { alpha: 0.2 });
    t = g.add('flatten', [t]);
    t = g.dense(t, 32, 6, 1);
    const model = g.build(g.add('logSoftmax', [t]));
    const random = rng(21);
    const calib = Array.from({ length: 200 }, () => randomInput([6, 6, 3], random));
    const spec = convertToInt8(model, calib, { method: 'minmax' });
    const convs = spec.ops.filter((o) => o.type === OP_CONV2D || o.type === OP_DEPTHWISE_CONV2D) as (ConvOp | DepthwiseOp)[];
    expect(convs.map((o) => (o.type === OP_CONV2D ? `conv/${o.groups}/${o.dilationH}` : `dw/${o.depthMultiplier}`)))
      .toEqual(['conv/1/1', 'dw/1', 'dw/1', 'conv/2/2', 'dw/2', 'conv/1/1', 'conv/1/1']);
    const int8 = loadModel(writeModel(spec));
    const float = createExecutor(model);
    let worst = 0;
    let agree = 0;
    for (let i = 0; i < 50; i++) {
      const x = randomInput([6, 6, 3], random);
      const want = float(x);
      int8.setInput(x);
      int8.run();
      const got = int8.readOutput();
      for (let k = 0; k < want.length; k++) if (want[k] > -4) worst = Math.max(worst, Math.abs(got[k] - want[k]));
      const am = (v: ArrayLike<number>) => Array.prototype.indexOf.call(v, Math.max(...Array.from(v)));
      if (am(got) === am(want)) agree++;
    }
    console.log(`rarer ops: max log-probability error (above -4) ${worst.toFixed(3)}, argmax agreement ${agree}/50`);
    expect(worst).toBeLessThan(0.25);
    expect(agree).toBeGreaterThanOrEqual(43);
  });
});
