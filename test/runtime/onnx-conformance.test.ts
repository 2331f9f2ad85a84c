// External conformance: ONNX backend test vectors from Debian's libonnx-testdata, run through our
// int8 kernels (issue 2, item 8).
//
// Mapping onto our int8 contract:
// - uint8 tensors become int8 by subtracting 128 from values and zero points (real values unchanged).
// - Our weights are symmetric int8 with zero point 0, ONNX weights are uint8 with a zero point, so
//   w - w_zp can reach +-255. Such a weight is split into parts that each fit int8 and the input is
//   repeated once per part (extra input channels for conv, a longer row for matmul): the int32
//   accumulator is then exactly ONNX's sum (x - x_zp) * (w - w_zp), computed by our kernel.
// - ConvInteger / MatMulInteger return the raw int32 accumulator: we run the same kernels with the
//   identity requantization (multiplier 2^30, shift 1), output zero point 0; their outputs here fit int8.
// - ONNX rescales in float with round-half-to-even, we follow TFLite's fixed point (ties away from
//   zero), so at most one LSB of difference is allowed and the exact-match count is printed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantizeMultiplier } from '../../src/format/multiplier.js';
import { planArena } from '../../src/format/plan.js';
import { OP_CONV2D, OP_DENSE, OP_RESHAPE, type ConvOp, type DenseOp, type ModelSpec } from '../../src/format/schema.js';
import { writeModel } from '../../src/format/writer.js';
import { parseOnnxModel, type OnnxNode } from '../../src/onnx/model-proto.js';
import { DT_UINT8, parseTensorProto, type OnnxTensor } from '../../src/onnx/tensor-proto.js';
import { conv2d } from '../../src/runtime/kernels/conv.js';
import { dense } from '../../src/runtime/kernels/dense.js';
import { loadModel, quantizeValue } from '../../src/runtime/model.js';
import { tensor } from './reference.js';

const NODE_DIR = '/usr/share/libonnx-testdata/data/node';
const hasData = existsSync(NODE_DIR);
if (!hasData) console.log(`skip: ONNX conformance, ${NODE_DIR} absent (Debian package libonnx-testdata)`);

interface Vector { node: OnnxNode; inputs: OnnxTensor[]; output: OnnxTensor }

function loadVector(name: string): Vector {
  const dir = join(NODE_DIR, name);
  const model = parseOnnxModel(new Uint8Array(readFileSync(join(dir, 'model.onnx'))), `${name}/model.onnx`);
  const data = join(dir, 'test_data_set_0');
  const files = readdirSync(data);
  const inputs = files.filter((f) => f.startsWith('input_')).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6)))
    .map((f) => parseTensorProto(new Uint8Array(readFileSync(join(data, f))), `${name}/${f}`));
  const output = parseTensorProto(new Uint8Array(readFileSync(join(data, 'output_0.pb'))), `${name}/output_0.pb`);
  return { node: model.graph.nodes[0], inputs, output };
}

function vectorNames(prefix: string): string[] {
  return hasData ? readdirSync(NODE_DIR).filter((d) => d.startsWith(prefix) && !d.includes('dynamic')).sort() : [];
}

function ints(attribute: string, node: OnnxNode, fallback: number[]): number[] {
  const a = node.attributes.find((x) => x.name === attribute);
  return a ? (a.ints.length ? a.ints : [a.i ?? 0]) : fallback;
}

/** Integer values, uint8 shifted to int8 (value - 128). */
function asInt8Values(t: OnnxTensor): number[] {
  return Array.from(t.data as ArrayLike<number>, (v) => (t.dataType === DT_UINT8 ? v - 128 : v));
}

/** A zero point input (absent = 0), shifted like its tensor. */
function zeroPoint(t: OnnxTensor | undefined, dataTensor: OnnxTensor): number {
  if (!t) return dataTensor.dataType === DT_UINT8 ? -128 : 0;
  return asInt8Values(t)[0];
}

/** Splits each value into `parts` int8 pieces that sum to it (values up to 127 * parts in magnitude). */
function splitParts(values: number[]): { parts: number; piece: (v: number, p: number) => number } {
  const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const parts = Math.max(1, Math.ceil(largest / 127));
  const piece = (v: number, p: number): number => {
    let rest = v;
    for (let k = 0; k < p; k++) rest -= Math.max(-127, Math.min(127, rest));
    return Math.max(-127, Math.min(127, rest));
  };
  return { parts, piece };
}

const tally = { exact: 0, total: 0 };
function compare(name: string, got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  let exact = 0;
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `${name}[${i}]: ours ${got[i]}, ONNX ${want[i]}`).toBeLessThanOrEqual(1);
    if (got[i] === want[i]) exact++;
  }
  tally.exact += exact;
  tally.total += want.length;
  console.log(`onnx ${name}: ${exact}/${want.length} outputs match exactly`);
}

/** Conv (QLinearConv or ConvInteger) through conv2d: NCHW / OIHW in, NHWC / OHWI inside. */
function runConv(v: Vector, quantized: boolean): number[] {
  const { node, inputs } = v;
  const [x, xScale, xZpT, w, wScale, wZpT, yScale, yZpT, bT] = quantized
    ? inputs
    : [inputs[0], undefined, inputs[2], inputs[1], undefined, inputs[3], undefined, undefined, undefined];
  const [, C, H, W] = x.dims;
  const [M, Cg, kH, kW] = w.dims;
  const groups = ints('group', node, [1])[0];
  const strides = ints('strides', node, [1, 1]);
  const dilations = ints('dilations', node, [1, 1]);
  const pads = ints('pads', node, [0, 0, 0, 0]);
  const xZp = zeroPoint(xZpT, x);
  const wZpAll = wZpT ? asInt8Values(wZpT) : [zeroPoint(undefined, w)];
  const wv = asInt8Values(w).map((q, i) => q - wZpAll[wZpAll.length === 1 ? 0 : Math.floor(i / (Cg * kH * kW))]);
  const { parts, piece } = splitParts(wv);
  // Input: NCHW -> NHWC, each group's channels repeated `parts` times: channel (g, p, c).
  const xv = asInt8Values(x);
  const Cp = C * parts;
  const xData = new Int8Array(H * W * Cp);
  for (let h = 0; h < H; h++) for (let ww = 0; ww < W; ww++) for (let g = 0; g < groups; g++)
    for (let p = 0; p < parts; p++) for (let c = 0; c < Cg; c++) {
      xData[(h * W + ww) * Cp + (g * parts + p) * Cg + c] = xv[((g * Cg + c) * H + h) * W + ww];
    }
  const weights = new Int8Array(M * kH * kW * Cg * parts);
  for (let o = 0; o < M; o++) for (let ky = 0; ky < kH; ky++) for (let kx = 0; kx < kW; kx++)
    for (let p = 0; p < parts; p++) for (let c = 0; c < Cg; c++) {
      weights[((o * kH + ky) * kW + kx) * Cg * parts + p * Cg + c] = piece(wv[((o * Cg + c) * kH + ky) * kW + kx], p);
    }
  const outH = Math.floor((H + pads[0] + pads[2] - dilations[0] * (kH - 1) - 1) / strides[0]) + 1;
  const outW = Math.floor((W + pads[1] + pads[3] - dilations[1] * (kW - 1) - 1) / strides[1]) + 1;
  const multiplier = new Int32Array(M);
  const shift = new Int32Array(M);
  for (let o = 0; o < M; o++) {
    const q = quantized
      ? quantizeMultiplier((xScale!.data[0] * wScale!.data[wScale!.data.length === 1 ? 0 : o]) / yScale!.data[0])
      : { multiplier: 1 << 30, shift: 1 }; // identity: the raw accumulator
    multiplier[o] = q.multiplier;
    shift[o] = q.shift;
  }
  const yZp = quantized ? zeroPoint(yZpT, x) : 0;
  const op: ConvOp = {
    type: OP_CONV2D, inputs: [0], outputs: [1], kernelH: kH, kernelW: kW, strideH: strides[0], strideW: strides[1],
    dilationH: dilations[0], dilationW: dilations[1], padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3],
    groups, actMin: -128, actMax: 127, weights, bias: bT ? Int32Array.from(bT.data as ArrayLike<number>) : new Int32Array(M),
    multiplier, shift,
  };
  const output = tensor([outH, outW, M], 1, yZp);
  conv2d(op, tensor([H, W, Cp], 1, xZp, xData), output);
  // NHWC -> NCHW, back to the ONNX output type.
  const out: number[] = [];
  for (let o = 0; o < M; o++) for (let h = 0; h < outH; h++) for (let ww = 0; ww < outW; ww++) {
    const q = output.data[(h * outW + ww) * M + o];
    out.push(quantized && v.output.dataType === DT_UINT8 ? q + 128 : q);
  }
  return out;
}

/** MatMul (QLinearMatMul or MatMulInteger) through dense, one output row per call. */
function runMatMul(v: Vector, quantized: boolean): number[] {
  const inputs = v.inputs;
  const [a, aScale, aZpT, b, bScale, bZpT, yScale, yZpT] = quantized
    ? inputs
    : [inputs[0], undefined, inputs[2], inputs[1], undefined, inputs[3], undefined, undefined];
  const M = a.dims[a.dims.length - 2];
  const K = a.dims[a.dims.length - 1];
  const N = b.dims[b.dims.length - 1];
  const batches = a.dims.slice(0, -2).reduce((p, d) => p * d, 1);
  const bBatched = b.dims.length > 2;
  const av = asInt8Values(a);
  const bZp = zeroPoint(bZpT, b);
  const bv = asInt8Values(b).map((q) => q - bZp);
  const { parts, piece } = splitParts(bv);
  const q = quantized
    ? quantizeMultiplier((aScale!.data[0] * bScale!.data[0]) / yScale!.data[0])
    : { multiplier: 1 << 30, shift: 1 };
  const yZp = quantized ? zeroPoint(yZpT, a) : 0;
  const out: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const bBase = bBatched ? batch * K * N : 0;
    // weights [N][parts * K]: row n holds the pieces of column n of B.
    const weights = new Int8Array(N * parts * K);
    for (let n = 0; n < N; n++) for (let p = 0; p < parts; p++) for (let k = 0; k < K; k++) {
      weights[n * parts * K + p * K + k] = piece(bv[bBase + k * N + n], p);
    }
    const op: DenseOp = {
      type: OP_DENSE, inputs: [0], outputs: [1], actMin: -128, actMax: 127, weights, bias: new Int32Array(N),
      multiplier: Int32Array.from([q.multiplier]), shift: Int32Array.from([q.shift]),
    };
    for (let m = 0; m < M; m++) {
      const row = new Int8Array(parts * K);
      for (let p = 0; p < parts; p++) for (let k = 0; k < K; k++) row[p * K + k] = av[(batch * M + m) * K + k];
      const output = tensor([N], 1, yZp);
      dense(op, tensor([parts * K], 1, zeroPoint(aZpT, a), row), output);
      for (let n = 0; n < N; n++) out.push(quantized && v.output.dataType === DT_UINT8 ? output.data[n] + 128 : output.data[n]);
    }
  }
  return out;
}

/** Per-element (scale, zero point) of a QuantizeLinear/DequantizeLinear vector, per tensor or per axis. */
function perElementParams(v: Vector, dataDims: number[]): (i: number) => { scale: number; zp: number } {
  const scale = v.inputs[1].data as Float32Array;
  const zpT = v.inputs[2];
  const zps = asInt8Values(zpT);
  let axis = ints('axis', v.node, [1])[0];
  if (axis < 0) axis += dataDims.length;
  const inner = dataDims.slice(axis + 1).reduce((p, d) => p * d, 1);
  const perAxis = scale.length > 1;
  return (i) => {
    const c = perAxis ? Math.floor(i / inner) % dataDims[axis] : 0;
    return { scale: scale[c], zp: zps[c] };
  };
}

/** Dequantize through the runtime's readOutput: a one-op model (reshape) holding the int8 values. */
function runtimeDequantize(values: number[], scale: number, zeroPoint: number): Float32Array {
  const spec: ModelSpec = {
    tensors: [
      { shape: [values.length], scale, zeroPoint, offset: 0 },
      { shape: [values.length], scale, zeroPoint, offset: 0 },
    ],
    ops: [{ type: OP_RESHAPE, inputs: [0], outputs: [1] }],
    input: 0, output: 1, arenaBytes: 0, preprocess: { pixelScale: 1, mean: [0], std: [1] }, labels: [], name: 'dequantize',
  };
  planArena(spec);
  const model = loadModel(writeModel(spec));
  model.input.set(values);
  model.run();
  return model.readOutput();
}

describe('ONNX backend vectors (libonnx-testdata)', () => {
  it.skipIf(!hasData)('QuantizeLinear: quantizeValue within 1 LSB (ONNX ties to even, TFLite away from zero)', () => {
    for (const name of vectorNames('test_quantizelinear')) {
      const v = loadVector(name);
      const x = v.inputs[0].data as Float32Array;
      const params = perElementParams(v, v.inputs[0].dims);
      const uint8 = v.output.dataType === DT_UINT8;
      const got = Array.from(x, (value, i) => {
        const p = params(i);
        const q = quantizeValue(value, p.scale, p.zp);
        return uint8 ? q + 128 : q;
      });
      compare(name, got, Array.from(v.output.data as ArrayLike<number>));
    }
  });

  it.skipIf(!hasData)('DequantizeLinear: the runtime readOutput reproduces the float32 values exactly', () => {
    for (const name of vectorNames('test_dequantizelinear')) {
      const v = loadVector(name);
      const q = asInt8Values(v.inputs[0]);
      const params = perElementParams(v, v.inputs[0].dims);
      const want = v.output.data as Float32Array;
      let exact = 0;
      for (let i = 0; i < q.length; i++) {
        const p = params(i);
        const got = runtimeDequantize([q[i]], p.scale, p.zp)[0];
        expect(got, `${name}[${i}]`).toBe(want[i]);
        exact++;
      }
      tally.exact += exact;
      tally.total += q.length;
      console.log(`onnx ${name}: ${exact}/${q.length} outputs match exactly`);
    }
  });

  it.skipIf(!hasData)('QLinearConv and ConvInteger through conv2d', () => {
    compare('test_qlinearconv', runConv(loadVector('test_qlinearconv'), true),
      Array.from(loadVector('test_qlinearconv').output.data as ArrayLike<number>));
    for (const name of vectorNames('test_').filter((n) => n.includes('convinteger'))) {
      const v = loadVector(name);
      const want = Array.from(v.output.data as ArrayLike<number>);
      expect(want.every((y) => y >= -128 && y <= 127), `${name}: int32 outputs fit int8`).toBe(true);
      compare(name, runConv(v, false), want);
    }
  });

  it.skipIf(!hasData)('QLinearMatMul and MatMulInteger through dense', () => {
    for (const name of vectorNames('test_qlinearmatmul')) {
      const v = loadVector(name);
      compare(name, runMatMul(v, true), Array.from(v.output.data as ArrayLike<number>));
    }
    const v = loadVector('test_matmulinteger');
    const want = Array.from(v.output.data as ArrayLike<number>);
    expect(want.every((y) => y >= -128 && y <= 127)).toBe(true);
    compare('test_matmulinteger', runMatMul(v, false), want);
    console.log(`onnx total: ${tally.exact}/${tally.total} outputs match exactly`);
  });
});
