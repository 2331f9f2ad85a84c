// A small hand-built float network with every op the converter lowers on the common path
// (conv+bn+relu6, depthwise, pointwise, residual add, max/avg pool, concat, squeeze-excite mul with
// a sigmoid table, global pool, dense, softmax) is calibrated, quantized, written to .tcm bytes,
// loaded by the int8 runtime and compared with the float executor on fresh random inputs.
import { describe, expect, it } from 'vitest';
import { convertToInt8 } from '../../src/convert/index.js';
import { createExecutor } from '../../src/graph/execute.js';
import type { FloatModel } from '../../src/graph/types.js';
import { writeModel } from '../../src/format/writer.js';
import { loadModel } from '../../src/runtime/model.js';
import { GraphBuilder, randomInput, rng } from './graph-builder.js';

export function smallNet(seed = 42): FloatModel {
  const g = new GraphBuilder([8, 8, 3], seed);
  const pad1 = { padding: [1, 1, 1, 1] };
  let c1 = g.conv('input', 3, 8, 3, pad1);
  c1 = g.add('relu6', [g.batchnorm(c1, 8)], {}, {}, 'stem');
  let dw = g.conv(c1, 8, 8, 3, { ...pad1, groups: 8 }, 1);
  dw = g.add('relu6', [g.batchnorm(dw, 8)]);
  const pw = g.batchnorm(g.conv(dw, 8, 8, 1), 8);
  const res = g.add('relu', [g.add('add', [pw, c1])]);
  const pooled = g.add('maxPool', [res], { kernel: [2, 2] }); // [4, 4, 8]
  const a = g.add('relu', [g.conv(pooled, 8, 4, 1)]);
  const avg = g.add('avgPool', [pooled], { kernel: [3, 3], stride: [1, 1], padding: [1, 1, 1, 1] });
  const b = g.add('relu6', [g.conv(avg, 8, 4, 1)]);
  const cat = g.add('concat', [a, b], { axis: -1 }); // [4, 4, 8]
  const squeeze = g.add('globalAvgPool', [cat]);
  const gate = g.add('sigmoid', [g.conv(squeeze, 8, 8, 1)]);
  const excited = g.add('mul', [cat, gate]);
  const flat = g.add('flatten', [g.add('globalAvgPool', [excited])]);
  const logits = g.dense(flat, 8, 10, 3);
  return g.build(g.add('softmax', [logits], {}, {}, 'probs'), 'e2e');
}

interface Comparison {
  maxProbError: number;
  maxLogitError: number;
  logitRange: number;
  argmaxAgreement: number;
}

function compare(model: FloatModel, perChannel: boolean, trials: number): Comparison {
  const random = rng(1234);
  const calib = Array.from({ length: 300 }, () => randomInput([8, 8, 3], random));
  const spec = convertToInt8(model, calib, { method: 'minmax', perChannel });
  const int8 = loadModel(writeModel(spec));
  const float = createExecutor(model);
  const logitsOp = spec.ops.length - 2; // the dense before the softmax
  const logitsName = model.graph.nodes[model.graph.nodes.length - 1].inputs[0];
  let maxProbError = 0;
  let maxLogitError = 0;
  let logitRange = 0;
  let agree = 0;
  for (let t = 0; t < trials; t++) {
    const x = randomInput([8, 8, 3], random);
    let floatLogits: Float32Array | null = null;
    const probs = float(x, (name, data) => { if (name === logitsName) floatLogits = data; });
    int8.setInput(x);
    let intLogits: number[] = [];
    int8.run((i, out) => {
      if (i === logitsOp) intLogits = Array.from(out.data, (q) => out.scale * (q - out.zeroPoint));
    });
    const got = int8.readOutput();
    const fl = floatLogits ?? new Float32Array(0);
    for (let k = 0; k < 10; k++) {
      maxProbError = Math.max(maxProbError, Math.abs(got[k] - probs[k]));
      maxLogitError = Math.max(maxLogitError, Math.abs(intLogits[k] - fl[k]));
      logitRange = Math.max(logitRange, Math.abs(fl[k]));
    }
    const argmax = (v: ArrayLike<number>) => { let b = 0; for (let k = 1; k < v.length; k++) if (v[k] > v[b]) b = k; return b; };
    if (argmax(got) === argmax(probs)) agree++;
  }
  return { maxProbError, maxLogitError, logitRange, argmaxAgreement: agree / trials };
}

describe('end to end: float graph -> int8 .tcm -> runtime', () => {
  it('lowers to the expected int8 ops', () => {
    const random = rng(9);
    const spec = convertToInt8(smallNet(), Array.from({ length: 20 }, () => randomInput([8, 8, 3], random)));
    const names = spec.ops.map((o) => o.type);
    // conv, depthwise, conv, add, maxpool, conv, avgpool, conv, concat, gap, conv, lut, mul, gap, reshape, dense, softmax
    expect(names).toEqual([1, 2, 1, 7, 4, 1, 5, 1, 9, 6, 1, 12, 8, 6, 10, 3, 13]);
    expect(spec.tensors[spec.output].name).toBe('probs');
    expect(spec.tensors[spec.output].scale).toBe(1 / 256);
    expect(spec.arenaBytes).toBeGreaterThan(0);
  });

  it('matches the float executor (per-channel weights)', () => {
    const r = compare(smallNet(), true, 200);
    console.log(`per-channel: max |p_int8 - p_float| = ${r.maxProbError.toFixed(4)}, max logit error ${r.maxLogitError.toFixed(4)} (logits up to ${r.logitRange.toFixed(2)}), argmax agreement ${(100 * r.argmaxAgreement).toFixed(1)}%`);
    expect(r.maxProbError).toBeLessThan(0.05);
    expect(r.maxLogitError).toBeLessThan(0.05 * r.logitRange);
    expect(r.argmaxAgreement).toBeGreaterThanOrEqual(0.95);
  });
});

/** A depthwise conv + ReLU6 where one channel's weights are 100x the others' (what a folded
 *  batchnorm with a tiny variance produces in real MobileNets). That channel saturates at 6 and the
 *  fixed [0, 6] output range does not care, but one weight scale for the whole tensor leaves the
 *  other channels' weights only a level or two: the case per-channel scales exist for. */
function unevenChannelNet(): FloatModel {
  const g = new GraphBuilder([8, 8, 4], 5);
  const c = 4;
  const dwWeights = g.randomValues(c * 9).map((v, i) => (i < 9 ? 100 * v : v));
  const dw = g.add('conv2d', ['input'], { kernel: [3, 3], groups: c, padding: [1, 1, 1, 1] }, {
    weight: g.param(dwWeights, [c, 3, 3, 1]), bias: g.param(new Array(c).fill(0.5), [c]),
  });
  const pw = g.conv(g.add('relu6', [dw]), c, 8, 1);
  const pooled = g.add('flatten', [g.add('globalAvgPool', [g.add('relu', [pw])])]);
  return g.build(g.dense(pooled, 8, 10, 1), 'uneven');
}

function outputError(model: FloatModel, perChannel: boolean): number {
  const random = rng(77);
  const calib = Array.from({ length: 200 }, () => randomInput(model.graph.input.shape, random));
  const int8 = loadModel(writeModel(convertToInt8(model, calib, { method: 'minmax', perChannel })));
  const float = createExecutor(model);
  let err = 0;
  for (let t = 0; t < 100; t++) {
    const x = randomInput(model.graph.input.shape, random);
    const want = float(x);
    int8.setInput(x);
    int8.run();
    const got = int8.readOutput();
    for (let k = 0; k < want.length; k++) err = Math.max(err, Math.abs(got[k] - want[k]));
  }
  return err;
}

describe('per-layer error', () => {
  it('keeps every intermediate int8 tensor within a few of its own steps of the float tensor', () => {
    const model = smallNet();
    const random = rng(4321);
    const calib = Array.from({ length: 300 }, () => randomInput([8, 8, 3], random));
    const spec = convertToInt8(model, calib, { method: 'minmax' });
    const int8 = loadModel(writeModel(spec));
    const float = createExecutor(model);
    const worst: number[] = spec.ops.map(() => 0);
    for (let t = 0; t < 30; t++) {
      const x = randomInput([8, 8, 3], random);
      const values: Record<string, Float32Array> = {};
      float(x, (name, data) => { values[name] = data; });
      int8.setInput(x);
      int8.run((i, out) => {
        const f = values[spec.tensors[spec.ops[i].outputs[0]].name ?? ''];
        for (let k = 0; k < f.length; k++) {
          worst[i] = Math.max(worst[i], Math.abs(out.scale * (out.data[k] - out.zeroPoint) - f[k]) / out.scale);
        }
      });
    }
    console.log('per-layer max error in output steps: ' + worst.map((w, i) => `${spec.tensors[spec.ops[i].outputs[0]].name} ${w.toFixed(1)}`).join(', '));
    // The first conv sees only input and weight rounding; errors then accumulate, most at the
    // residual add (whose output step is finer than its inputs' errors).
    expect(worst[0]).toBeLessThan(2);
    for (const w of worst) expect(w).toBeLessThan(12);
  });
});

describe('per-channel versus per-tensor weights', () => {
  it('per-channel scales keep small-weight channels accurate', () => {
    const model = unevenChannelNet();
    const perChannel = outputError(model, true);
    const perTensor = outputError(model, false);
    console.log(`uneven channels: max output error per-channel ${perChannel.toFixed(4)}, per-tensor ${perTensor.toFixed(4)}`);
    expect(perChannel * 3).toBeLessThan(perTensor);
  });

  it('per-tensor still runs the full network within tolerance', () => {
    const r = compare(smallNet(), false, 100);
    console.log(`per-tensor: max |p_int8 - p_float| = ${r.maxProbError.toFixed(4)}, max logit error ${r.maxLogitError.toFixed(4)}, argmax agreement ${(100 * r.argmaxAgreement).toFixed(1)}%`);
    expect(r.maxProbError).toBeLessThan(0.1);
    expect(r.argmaxAgreement).toBeGreaterThanOrEqual(0.9);
  });
});
