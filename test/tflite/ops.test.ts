// Each TFLite op the importer converts, in a small model built by test/tflite/builder.ts, run through
// our runtime and compared with a float reference written here from TFLite's documented semantics
// (within one quantization step: the int8 kernels round where the float math does not), or exactly
// where the op only moves bytes. The exact TFLM integers are checked by the person_detect and
// hello_world goldens (golden.test.ts); these tests check the mapping of every op and option.
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/tflite/index.js';
import { writeModel } from '../../src/format/writer.js';
import { checkPlan } from '../../src/format/plan.js';
import { loadModel } from '../../src/runtime/index.js';
import {
  OP_ADD, OP_AVG_POOL, OP_CONCAT, OP_CONV2D, OP_DENSE, OP_DEPTHWISE_CONV2D, OP_GLOBAL_AVG_POOL, OP_LUT, OP_MAX_POOL,
  OP_PAD, OP_REQUANTIZE, OP_RESHAPE, OP_SOFTMAX,
} from '../../src/format/schema.js';
import type { ModelSpec } from '../../src/format/schema.js';
import { isTinyconvError } from '../../src/format/errors.js';
import { FLOAT32, INT32, buildTflite, f32, i32, i8, u8 } from './builder.js';
import type { ModelDef, TensorDef } from './builder.js';

// TFLite builtin codes and enum values used below.
const ADD = 0, AVERAGE_POOL_2D = 1, CONCATENATION = 2, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, DEQUANTIZE = 6;
const FULLY_CONNECTED = 9, LOGISTIC = 14, MAX_POOL_2D = 17, RESHAPE = 22, SOFTMAX = 25, TANH = 28, CUSTOM = 32;
const PAD = 34, MEAN = 40, QUANTIZE = 114;
const SAME = 0, VALID = 1;
const NONE = 0, RELU = 1, RELU_N1_TO_1 = 2, RELU6 = 3;

let seed = 1234;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
function randomInt8(n: number): Int8Array {
  return Int8Array.from({ length: n }, () => rand(256) - 128);
}
function randomWeights(n: number): Int8Array {
  return Int8Array.from({ length: n }, () => rand(255) - 127);
}

interface Run { spec: ModelSpec; output: Int8Array }

function importAndRun(def: ModelDef, input: Int8Array): Run {
  const spec = importTflite(buildTflite(def));
  checkPlan(spec);
  const model = loadModel(writeModel(spec));
  model.input.set(input);
  model.run();
  return { spec, output: model.output.slice() };
}

const quantize = (real: number, scale: number, zp: number) => Math.max(-128, Math.min(127, Math.round(real / scale) + zp));

/** Every int8 output within one step of the float reference (already in real units). */
function expectNear(output: Int8Array, reference: number[], scale: number, zp: number, actMin = -Infinity, actMax = Infinity): void {
  expect(output.length).toBe(reference.length);
  const want = reference.map((r) => quantize(Math.min(actMax, Math.max(actMin, r)), scale, zp));
  const worst = Math.max(...Array.from(output, (v, i) => Math.abs(v - want[i])));
  expect(worst).toBeLessThanOrEqual(1);
}

function act(shape: number[], scale: number, zeroPoint: number, name?: string): TensorDef {
  return { shape, scale, zeroPoint, name };
}

/** Real values of an NHWC int8 feature map. */
const real = (q: Int8Array, scale: number, zp: number) => Array.from(q, (v) => scale * (v - zp));

describe('TFLite op import', () => {
  it('CONV_2D: SAME padding puts the odd pad after (TFLite), per-channel scales, bias, RELU6', () => {
    // 6x6 input, 3x3 kernel, stride 2: output 3x3, total padding 1 -> 0 before, 1 after.
    const [H, W, C, O] = [6, 6, 2, 3];
    const x = randomInt8(H * W * C);
    const w = randomWeights(O * 9 * C);
    const ws = [0.01, 0.02, 0.015];
    const bias = Int32Array.from([1000, -2000, 500]);
    const [inS, inZ, outS, outZ] = [0.05, 3, 0.04, -128];
    const { spec, output } = importAndRun({
      tensors: [
        act([1, H, W, C], inS, inZ),
        { shape: [O, 3, 3, C], data: w, scale: ws, quantizedDimension: 0 },
        { shape: [O], type: INT32, data: bias, scale: ws.map((s) => s * inS) },
        act([1, 3, 3, O], outS, outZ),
      ],
      ops: [{ builtin: CONV_2D, inputs: [0, 1, 2], outputs: [3], options: [i8(SAME), i32(2), i32(2), i8(RELU6)] }],
      inputs: [0], outputs: [3],
    }, x);
    expect(spec.ops[0]).toMatchObject({ type: OP_CONV2D, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1, groups: 1 });
    const xr = real(x, inS, inZ);
    const ref: number[] = [];
    for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) for (let o = 0; o < O; o++) {
      let acc = bias[o] * ws[o] * inS;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) for (let c = 0; c < C; c++) {
        const iy = oy * 2 + ky;
        const ix = ox * 2 + kx;
        if (iy >= H || ix >= W) continue;
        acc += xr[(iy * W + ix) * C + c] * w[((o * 3 + ky) * 3 + kx) * C + c] * ws[o];
      }
      ref.push(acc);
    }
    expectNear(output, ref, outS, outZ, 0, 6);
  });

  it('DEPTHWISE_CONV_2D: depth multiplier 2, VALID, dilation 2, [1,kh,kw,outC] weights, RELU', () => {
    const [H, W, C, M] = [7, 7, 2, 2];
    const O = C * M;
    const x = randomInt8(H * W * C);
    const w = randomWeights(9 * O);
    const ws = [0.01, 0.03, 0.02, 0.005];
    const [inS, inZ, outS, outZ] = [0.1, -10, 0.05, -128];
    // Effective kernel 5 with dilation 2: VALID output 3x3.
    const { spec, output } = importAndRun({
      tensors: [
        act([1, H, W, C], inS, inZ),
        { shape: [1, 3, 3, O], data: w, scale: ws, quantizedDimension: 3 },
        { shape: [O], type: INT32, data: new Int32Array(O) },
        act([1, 3, 3, O], outS, outZ),
      ],
      ops: [{ builtin: DEPTHWISE_CONV_2D, inputs: [0, 1, 2], outputs: [3], options: [i8(VALID), i32(1), i32(1), i32(M), i8(RELU), i32(2), i32(2)] }],
      inputs: [0], outputs: [3],
    }, x);
    expect(spec.ops[0]).toMatchObject({ type: OP_DEPTHWISE_CONV2D, depthMultiplier: 2, dilationH: 2, padTop: 0, padBottom: 0 });
    const xr = real(x, inS, inZ);
    const ref: number[] = [];
    for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) for (let o = 0; o < O; o++) {
      let acc = 0;
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
        acc += xr[((oy + 2 * ky) * W + ox + 2 * kx) * C + Math.floor(o / M)] * w[(ky * 3 + kx) * O + o] * ws[o];
      }
      ref.push(acc);
    }
    expectNear(output, ref, outS, outZ, 0);
  });

  it('FULLY_CONNECTED: flattens a 4-D input, per-tensor scale, RELU_N1_TO_1', () => {
    const [N, U] = [12, 5];
    const x = randomInt8(N);
    const w = randomWeights(U * N);
    const bias = Int32Array.from([100, -50, 0, 3000, -3000]);
    const [inS, inZ, wS, outS, outZ] = [0.02, 1, 0.004, 0.01, 0];
    const { spec, output } = importAndRun({
      tensors: [
        act([1, 2, 2, 3], inS, inZ),
        { shape: [U, N], data: w, scale: wS },
        { shape: [U], type: INT32, data: bias, scale: inS * wS },
        act([1, U], outS, outZ),
      ],
      ops: [{ builtin: FULLY_CONNECTED, inputs: [0, 1, 2], outputs: [3], options: [i8(RELU_N1_TO_1)] }],
      inputs: [0], outputs: [3],
    }, x);
    expect(spec.ops[0]).toMatchObject({ type: OP_DENSE, actMin: -100, actMax: 100 });
    const xr = real(x, inS, inZ);
    const ref = Array.from({ length: U }, (_, u) => bias[u] * inS * wS + xr.reduce((s, v, k) => s + v * w[u * N + k] * wS, 0));
    expectNear(output, ref, outS, outZ, -1, 1);
  });

  it('AVERAGE_POOL_2D (SAME: padded taps excluded from the count) and MAX_POOL_2D (VALID)', () => {
    const [H, W, C] = [5, 5, 3];
    const x = randomInt8(H * W * C);
    const [s, z] = [0.1, 5];
    const avg = importAndRun({
      tensors: [act([1, H, W, C], s, z), act([1, 3, 3, C], s, z)],
      ops: [{ builtin: AVERAGE_POOL_2D, inputs: [0], outputs: [1], options: [i8(SAME), i32(2), i32(2), i32(3), i32(3), i8(NONE)] }],
      inputs: [0], outputs: [1],
    }, x);
    expect(avg.spec.ops[0]).toMatchObject({ type: OP_AVG_POOL, kernelH: 3, strideW: 2, padTop: 1, padBottom: 1 });
    const xr = real(x, s, z);
    const ref: number[] = [];
    for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) for (let c = 0; c < C; c++) {
      let sum = 0;
      let n = 0;
      for (let iy = oy * 2 - 1; iy <= oy * 2 + 1; iy++) for (let ix = ox * 2 - 1; ix <= ox * 2 + 1; ix++) {
        if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
        sum += xr[(iy * W + ix) * C + c];
        n++;
      }
      ref.push(sum / n);
    }
    expectNear(avg.output, ref, s, z);

    const max = importAndRun({
      tensors: [act([1, H, W, C], s, z), act([1, 2, 2, C], s, z)],
      ops: [{ builtin: MAX_POOL_2D, inputs: [0], outputs: [1], options: [i8(VALID), i32(2), i32(2), i32(2), i32(2), i8(NONE)] }],
      inputs: [0], outputs: [1],
    }, x);
    expect(max.spec.ops[0].type).toBe(OP_MAX_POOL);
    const want: number[] = [];
    for (let oy = 0; oy < 2; oy++) for (let ox = 0; ox < 2; ox++) for (let c = 0; c < C; c++) {
      let m = -128;
      for (let ky = 0; ky < 2; ky++) for (let kx = 0; kx < 2; kx++) m = Math.max(m, x[((oy * 2 + ky) * W + ox * 2 + kx) * C + c]);
      want.push(m);
    }
    expect(Array.from(max.output)).toEqual(want);
  });

  it('PAD: spatial padding with the zero point, exact', () => {
    const x = randomInt8(2 * 2 * 3);
    const { spec, output } = importAndRun({
      tensors: [
        act([1, 2, 2, 3], 0.5, 7),
        { shape: [4, 2], type: INT32, data: Int32Array.from([0, 0, 1, 2, 0, 1, 0, 0]) },
        act([1, 5, 3, 3], 0.5, 7),
      ],
      ops: [{ builtin: PAD, inputs: [0, 1], outputs: [2] }],
      inputs: [0], outputs: [2],
    }, x);
    expect(spec.ops[0]).toMatchObject({ type: OP_PAD, padTop: 1, padBottom: 2, padLeft: 0, padRight: 1 });
    const want: number[] = [];
    for (let y = 0; y < 5; y++) for (let xx = 0; xx < 3; xx++) for (let c = 0; c < 3; c++) {
      const iy = y - 1;
      want.push(iy >= 0 && iy < 2 && xx < 2 ? x[(iy * 2 + xx) * 3 + c] : 7);
    }
    expect(Array.from(output)).toEqual(want);
  });

  it('MEAN over axes 1 and 2 becomes a global average pool', () => {
    const x = randomInt8(3 * 3 * 4);
    const [s, z] = [0.05, -20];
    const { spec, output } = importAndRun({
      tensors: [act([1, 3, 3, 4], s, z), { shape: [2], type: INT32, data: Int32Array.from([1, 2]) }, act([1, 1, 1, 4], s, z)],
      ops: [{ builtin: MEAN, inputs: [0, 1], outputs: [2], options: [u8(1)] }],
      inputs: [0], outputs: [2],
    }, x);
    expect(spec.ops[0].type).toBe(OP_GLOBAL_AVG_POOL);
    const xr = real(x, s, z);
    expectNear(output, [0, 1, 2, 3].map((c) => xr.filter((_, k) => k % 4 === c).reduce((a, b) => a + b, 0) / 9), s, z);
  });

  it('CONCATENATION along channels (axis -1) copies bytes exactly', () => {
    const a = randomInt8(2 * 2 * 1);
    // Inputs: a, a through a zero PAD (a copy in another tensor), and a again.
    const { spec, output } = importAndRun({
      tensors: [
        act([1, 2, 2, 1], 0.1, 0),
        act([1, 2, 2, 3], 0.1, 0),
        act([1, 2, 2, 1], 0.1, 0),
        { shape: [4, 2], type: INT32, data: new Int32Array(8) },
      ],
      ops: [
        { builtin: PAD, inputs: [0, 3], outputs: [2] },
        { builtin: CONCATENATION, inputs: [0, 2, 0], outputs: [1], options: [i32(-1), i8(NONE)] },
      ],
      inputs: [0], outputs: [1],
    }, a);
    expect(spec.ops[1]).toMatchObject({ type: OP_CONCAT, axis: 2 });
    expect(Array.from(output)).toEqual([0, 1, 2, 3].flatMap((p) => [a[p], a[p], a[p]]));
  });

  it('ADD rescales two differently quantized inputs (TFLM add params) with RELU', () => {
    const x = randomInt8(4 * 4 * 2);
    const [s1, z1, s2, z2, so, zo] = [0.05, 0, 0.03, -4, 0.06, -100];
    // input2 = REQUANTIZE(input1) to another scale, then ADD(input1, input2).
    const { spec, output } = importAndRun({
      tensors: [act([1, 4, 4, 2], s1, z1), act([1, 4, 4, 2], s2, z2), act([1, 4, 4, 2], so, zo)],
      ops: [
        { builtin: QUANTIZE, inputs: [0], outputs: [1] },
        { builtin: ADD, inputs: [0, 1], outputs: [2], options: [i8(RELU)] },
      ],
      inputs: [0], outputs: [2],
    }, x);
    expect(spec.ops.map((o) => o.type)).toEqual([OP_REQUANTIZE, OP_ADD]);
    expect(spec.ops[1]).toMatchObject({ leftShift: 20, actMin: -100, actMax: 127 });
    const xr = real(x, s1, z1);
    const requant = xr.map((v) => s2 * (quantize(v, s2, z2) - z2));
    expectNear(output, xr.map((v, k) => v + requant[k]), so, zo, 0);
  });

  it('LOGISTIC becomes a 256-entry table within one step of the sigmoid; output 0.5 is exact', () => {
    const [s, z] = [0.08, 10];
    const x = Int8Array.from({ length: 256 }, (_, k) => k - 128);
    const { spec, output } = importAndRun({
      tensors: [act([1, 256], s, z), act([1, 256], 1 / 256, -128)],
      ops: [{ builtin: LOGISTIC, inputs: [0], outputs: [1] }],
      inputs: [0], outputs: [1],
    }, x);
    expect(spec.ops[0].type).toBe(OP_LUT);
    expectNear(output, real(x, s, z).map((v) => 1 / (1 + Math.exp(-v))), 1 / 256, -128);
    expect(output[z + 128]).toBe(0); // sigmoid(0) = 0.5 -> 128/256 -> q = 0
    for (let k = 1; k < 256; k++) expect(output[k]).toBeGreaterThanOrEqual(output[k - 1]);
  });

  it('float edges: QUANTIZE from the float input and DEQUANTIZE to the float output are dropped', () => {
    const x = randomInt8(6);
    const { spec, output } = importAndRun({
      tensors: [
        { shape: [1, 6], type: FLOAT32, name: 'float_in' },
        act([1, 6], 0.1, 2, 'q_in'),
        act([1, 6], 0.1, 2, 'reshaped'),
        act([1, 6], 1 / 256, -128, 'probs'),
        { shape: [1, 6], type: FLOAT32, name: 'float_out' },
        { shape: [2], type: INT32, data: Int32Array.from([1, 6]) },
      ],
      ops: [
        { builtin: QUANTIZE, inputs: [0], outputs: [1] },
        { builtin: RESHAPE, inputs: [1, 5], outputs: [2] },
        { builtin: SOFTMAX, inputs: [2], outputs: [3], options: [f32(1)] },
        { builtin: DEQUANTIZE, inputs: [3], outputs: [4] },
      ],
      inputs: [0], outputs: [4],
    }, x);
    expect(spec.ops.map((o) => o.type)).toEqual([OP_RESHAPE, OP_SOFTMAX]);
    expect(spec.tensors[spec.input]).toMatchObject({ name: 'q_in', scale: Math.fround(0.1), zeroPoint: 2 });
    expect(spec.tensors[spec.output]).toMatchObject({ name: 'probs', zeroPoint: -128 });
    const xr = real(x, 0.1, 2);
    const e = xr.map((v) => Math.exp(v - Math.max(...xr)));
    expectNear(output, e.map((v) => v / e.reduce((a, b) => a + b, 0)), 1 / 256, -128);
  });
});

describe('TFLite import errors', () => {
  function error(def: ModelDef): string {
    try {
      importTflite(buildTflite(def));
    } catch (e) {
      expect(isTinyconvError(e)).toBe(true);
      return `${(e as { code: string }).code}: ${(e as Error).message}`;
    }
    return 'no error';
  }
  const io = (ops: ModelDef['ops'], tensors: TensorDef[], out = tensors.length - 1): ModelDef => ({ tensors, ops, inputs: [0], outputs: [out] });

  it('names an unsupported op and its index, custom ops by name', () => {
    const t = [act([1, 4], 0.1, 0), act([1, 4], 0.1, 0), act([1, 4], 1 / 128, 0)];
    expect(error(io([{ builtin: RESHAPE, inputs: [0], outputs: [1] }, { builtin: TANH, inputs: [1], outputs: [2] }], t)))
      .toBe('UNSUPPORTED_TFLITE: op 1 TANH: this op is not supported');
    expect(error(io([{ builtin: CUSTOM, customCode: 'TFLite_Detection_PostProcess', inputs: [0], outputs: [1] }], t.slice(0, 2))))
      .toBe("UNSUPPORTED_TFLITE: op 0 CUSTOM: custom op 'TFLite_Detection_PostProcess' is not supported");
  });

  it('refuses broadcasting ADD, batch 2, a float activation and mismatched concat quantization', () => {
    expect(error(io([{ builtin: ADD, inputs: [0, 1], outputs: [2] }], [act([1, 2, 2, 3], 0.1, 0), act([1, 1, 1, 3], 0.1, 0), act([1, 2, 2, 3], 0.1, 0)])))
      .toMatch(/op 0 ADD: broadcasting ADD \(\[1, 1, 3\] to \[2, 2, 3\]\) is not supported/);
    expect(error(io([{ builtin: RESHAPE, inputs: [0], outputs: [1] }], [act([2, 4], 0.1, 0), act([8], 0.1, 0)])))
      .toMatch(/op 0 RESHAPE: tensor 0 has batch 2; only batch 1 is supported/);
    expect(error(io([{ builtin: RESHAPE, inputs: [0], outputs: [1] }], [act([1, 4], 0.1, 0), { shape: [1, 4], type: FLOAT32 }])))
      .toMatch(/op 0 RESHAPE: output tensor 1 is FLOAT32; only int8 activations are supported/);
    expect(error(io([{ builtin: CONCATENATION, inputs: [0, 1], outputs: [2], options: [i32(1)] }],
      [act([1, 2], 0.1, 0), act([1, 2], 0.2, 0), act([1, 4], 0.1, 0)])))
      .toMatch(/op 0 CONCATENATION: CONCATENATION must keep the input's quantization/);
  });

  it('refuses inconsistent shapes naming the op and both shapes, and asymmetric weights', () => {
    const conv = (outShape: number[], zp = 0) => io([{ builtin: CONV_2D, inputs: [0, 1], outputs: [2], options: [i8(VALID), i32(1), i32(1)] }], [
      act([1, 5, 5, 1], 0.1, 0), { shape: [2, 3, 3, 1], data: new Int8Array(18), scale: 0.1, zeroPoint: zp }, act(outShape, 0.1, 0),
    ]);
    expect(error(conv([1, 4, 4, 2]))).toMatch(/op 0 CONV_2D: output is 4x4 but input \[5, 5, 1\] with kernel 3x3, stride 1x1, VALID padding gives 3x3/);
    expect(error(conv([1, 3, 3, 2], 3))).toMatch(/filter tensor 1 has a non-zero zero point/);
  });

  it('refuses a softmax whose output is not quantized as TFLite requires, and DEQUANTIZE inside the graph', () => {
    expect(error(io([{ builtin: SOFTMAX, inputs: [0], outputs: [1], options: [f32(1)] }], [act([1, 4], 0.1, 0), act([1, 4], 0.1, 0)])))
      .toMatch(/op 0 SOFTMAX: int8 softmax output must have scale 1\/256 and zero point -128/);
    expect(error(io([
      { builtin: DEQUANTIZE, inputs: [0], outputs: [1] }, { builtin: QUANTIZE, inputs: [1], outputs: [2] },
    ], [act([1, 4], 0.1, 0), { shape: [1, 4], type: FLOAT32 }, act([1, 4], 0.1, 0)])))
      .toMatch(/op 0 DEQUANTIZE: DEQUANTIZE is only supported at the model output/);
  });

  it('refuses a MEAN whose rounding the global pool cannot reproduce exactly (even pixel count, zero point != 0)', () => {
    const mean = (zp: number) => io([{ builtin: MEAN, inputs: [0, 1], outputs: [2], options: [u8(1)] }],
      [act([1, 2, 2, 3], 0.1, zp), { shape: [2], type: INT32, data: Int32Array.from([1, 2]) }, act([1, 1, 1, 3], 0.1, zp)]);
    expect(error(mean(5))).toMatch(/op 0 MEAN: MEAN over an even number of pixels \(2x2\) with zero point 5/);
    expect(error(mean(0))).toBe('no error');
  });

  it('refuses a model with two inputs', () => {
    expect(error({ tensors: [act([1, 2], 0.1, 0), act([1, 2], 0.1, 0), act([1, 2], 0.1, 0)], inputs: [0, 1], outputs: [2],
      ops: [{ builtin: ADD, inputs: [0, 1], outputs: [2] }] }))
      .toBe('UNSUPPORTED_TFLITE: the model has 2 inputs and 1 outputs; exactly one of each is supported');
  });
});
