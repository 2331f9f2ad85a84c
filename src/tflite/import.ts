// TFLite int8 model -> ModelSpec, with no requantization: every weight, bias, scale and zero point
// is taken as stored, and every derived integer (multipliers, shifts, clamps, paddings, softmax and
// add parameters, LUTs) is computed the way TFLM's Prepare() computes it (see params.ts), so our
// runtime reproduces TFLM's reference kernels bit for bit.
//
// Float edges: a QUANTIZE from the float32 model input, and a DEQUANTIZE to the float32 model
// output, are dropped; the model's input/output become the int8 tensors next to them, whose
// scale and zero point record how to convert.

import { TinyconvError } from '../format/errors.js';
import { f32 } from '../format/multiplier.js';
import { planArena } from '../format/plan.js';
import {
  OP_ADD, OP_AVG_POOL, OP_CONCAT, OP_CONV2D, OP_DENSE, OP_DEPTHWISE_CONV2D, OP_GLOBAL_AVG_POOL, OP_LUT,
  OP_MAX_POOL, OP_PAD, OP_REQUANTIZE, OP_RESHAPE, OP_SOFTMAX,
} from '../format/schema.js';
import type { ModelSpec, OpSpec, Preprocess, TensorSpec } from '../format/schema.js';
import { softmaxParams } from '../format/softmax-params.js';
import type { Table } from './flatbuffer.js';
import {
  ACTIVATION_NAMES, ACT_NONE, ACT_RELU, ACT_RELU6, ACT_RELU_N1_TO_1, PADDING_SAME, PADDING_VALID, activationRange,
  addParams, computeOutSize, computePadding, fullyConnectedMultiplier, logisticTable, perChannelMultipliers,
  requantizeMultiplier,
} from './params.js';
import {
  BUILTIN, TENSOR_TYPE_NAMES, TYPE_FLOAT32, TYPE_INT32, TYPE_INT8, builtinName, parseTflite,
} from './schema.js';
import type { TfliteModel, TfliteOperator, TfliteSubgraph, TfliteTensor } from './schema.js';

export interface ImportTfliteOptions {
  /** How raw pixels become the model's real input; default pixels / 255. */
  preprocess?: Preprocess;
  name?: string;
  labels?: string[];
}

/** Activations beyond this are certainly a corrupt shape for a microcontroller-class model. */
const MAX_TENSOR_BYTES = 1 << 28;

const DEFAULT_PREPROCESS: Preprocess = { pixelScale: 1 / 255, mean: [0], std: [1] };

function product(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function shapeText(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

class Importer {
  readonly tensors: TensorSpec[] = [];
  readonly ops: OpSpec[] = [];
  /** TFLite tensor index -> our tensor index. */
  private readonly ours = new Map<number, number>();
  /** Float graph input/output replaced by the int8 tensor next to it. */
  private readonly edgeAlias = new Map<number, number>();
  private op!: TfliteOperator;

  constructor(private readonly model: TfliteModel, private readonly graph: TfliteSubgraph) {}

  private where(): string {
    return `op ${this.op.index} ${builtinName(this.op.builtin)}`;
  }

  unsupported(message: string): TinyconvError {
    return new TinyconvError('UNSUPPORTED_TFLITE', `${this.where()}: ${message}`);
  }

  private bad(message: string): TinyconvError {
    return new TinyconvError('BAD_TFLITE', `${this.where()}: ${message}`);
  }

  private tflite(index: number, role: string): TfliteTensor {
    if (index < 0 || index >= this.graph.tensors.length) throw this.bad(`${role} tensor index ${index} is missing`);
    return this.graph.tensors[index];
  }

  private constData(t: TfliteTensor): Uint8Array | null {
    const data = this.model.buffers[t.buffer];
    return data && data.length > 0 ? data : null;
  }

  private describe(t: TfliteTensor): string {
    return `tensor ${t.index}${t.name ? ` '${t.name}'` : ''}`;
  }

  /** Our shape for a TFLite activation shape: the batch dimension (which must be 1) dropped. */
  private batchless(t: TfliteTensor): number[] {
    if (t.shape.length <= 1) return t.shape.slice();
    if (t.shape[0] !== 1) throw this.unsupported(`${this.describe(t)} has batch ${t.shape[0]}; only batch 1 is supported`);
    return t.shape.slice(1);
  }

  private perTensorQuant(t: TfliteTensor): { scale: number; zeroPoint: number } {
    const q = t.quantization;
    if (!q) throw this.unsupported(`${this.describe(t)} has no quantization parameters (float models are imported through ONNX)`);
    if (q.scale.length !== 1) throw this.unsupported(`activation ${this.describe(t)} has ${q.scale.length} scales; only per-tensor activations are supported`);
    const scale = q.scale[0];
    const zeroPoint = q.zeroPoint.length > 0 ? q.zeroPoint[0] : 0;
    if (!(scale > 0) || !Number.isFinite(scale)) throw this.bad(`${this.describe(t)} has scale ${scale}`);
    if (zeroPoint < -128 || zeroPoint > 127) throw this.bad(`${this.describe(t)} has zero point ${zeroPoint} outside int8`);
    return { scale, zeroPoint };
  }

  /** Our tensor index for an int8 activation, created on first use. */
  act(index: number, role: string): number {
    const resolved = this.edgeAlias.get(index) ?? index;
    const known = this.ours.get(resolved);
    if (known !== undefined) return known;
    const t = this.tflite(resolved, role);
    if (t.type !== TYPE_INT8) {
      throw this.unsupported(`${role} ${this.describe(t)} is ${TENSOR_TYPE_NAMES[t.type] ?? `type ${t.type}`}; only int8 activations are supported`);
    }
    if (this.constData(t)) throw this.unsupported(`${role} ${this.describe(t)} is a constant; constant activations are not supported`);
    if (t.shape.some((d) => !(d >= 1)) || product(t.shape) > MAX_TENSOR_BYTES) {
      throw this.bad(`${role} ${this.describe(t)} has shape ${shapeText(t.shape)}; every dimension must be >= 1 and the tensor at most ${MAX_TENSOR_BYTES} bytes`);
    }
    const { scale, zeroPoint } = this.perTensorQuant(t);
    const spec: TensorSpec = { shape: this.batchless(t), scale, zeroPoint, offset: 0 };
    if (t.name) spec.name = t.name;
    this.tensors.push(spec);
    this.ours.set(resolved, this.tensors.length - 1);
    return this.tensors.length - 1;
  }

  private spec(index: number): TensorSpec {
    return this.tensors[index];
  }

  private weightsInt8(index: number, role: string, expectedShape: number[]): { data: Int8Array; scales: number[]; t: TfliteTensor } {
    const t = this.tflite(index, role);
    if (t.type !== TYPE_INT8) throw this.unsupported(`${role} ${this.describe(t)} is ${TENSOR_TYPE_NAMES[t.type] ?? t.type}; only int8 weights are supported`);
    if (t.shape.length !== expectedShape.length || t.shape.some((d, i) => expectedShape[i] >= 0 && d !== expectedShape[i])) {
      throw this.bad(`${role} ${this.describe(t)} has shape ${shapeText(t.shape)}, expected ${shapeText(expectedShape.map((d) => (d < 0 ? -1 : d)))}`);
    }
    const raw = this.constData(t);
    const n = product(t.shape);
    if (!raw || raw.length !== n) throw this.bad(`${role} ${this.describe(t)} needs ${n} bytes of data, buffer ${t.buffer} has ${raw ? raw.length : 0}`);
    const q = t.quantization;
    if (!q) throw this.unsupported(`${role} ${this.describe(t)} has no quantization parameters`);
    if (q.zeroPoint.some((z) => z !== 0)) throw this.unsupported(`${role} ${this.describe(t)} has a non-zero zero point; int8 weights must be symmetric`);
    for (const s of q.scale) if (!(s > 0) || !Number.isFinite(s)) throw this.bad(`${role} ${this.describe(t)} has scale ${s}`);
    const data = new Int8Array(n);
    data.set(new Int8Array(raw.buffer, raw.byteOffset, n));
    return { data, scales: q.scale, t };
  }

  private checkChannelScales(scales: number[], t: TfliteTensor, channels: number, dim: number): void {
    if (scales.length === 1) return;
    if (scales.length !== channels || t.quantization!.quantizedDimension !== dim) {
      throw this.bad(`${this.describe(t)} has ${scales.length} scales along dimension ${t.quantization!.quantizedDimension}, expected 1 or ${channels} along dimension ${dim}`);
    }
  }

  private bias(index: number | undefined, channels: number): Int32Array {
    if (index === undefined || index < 0) return new Int32Array(channels);
    const t = this.tflite(index, 'bias');
    if (t.type !== TYPE_INT32) throw this.unsupported(`bias ${this.describe(t)} is ${TENSOR_TYPE_NAMES[t.type] ?? t.type}; only int32 bias is supported`);
    const raw = this.constData(t);
    if (product(t.shape) !== channels || !raw || raw.length !== 4 * channels) {
      throw this.bad(`bias ${this.describe(t)} should hold ${channels} int32 values (shape ${shapeText(t.shape)}, ${raw ? raw.length : 0} bytes)`);
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const out = new Int32Array(channels);
    for (let i = 0; i < channels; i++) out[i] = view.getInt32(4 * i, true);
    return out;
  }

  private int32Const(index: number, role: string): number[] {
    const t = this.tflite(index, role);
    const raw = this.constData(t);
    if (!raw) throw this.unsupported(`${role} ${this.describe(t)} must be a constant`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    const n = product(t.shape);
    if (t.type === TYPE_INT32 && raw.length === 4 * n) return Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
    if (t.type === 4 /* INT64 */ && raw.length === 8 * n) return Array.from({ length: n }, (_, i) => Number(view.getBigInt64(8 * i, true)));
    throw this.bad(`${role} ${this.describe(t)} should be ${n} int32 or int64 values, has ${raw.length} bytes of ${TENSOR_TYPE_NAMES[t.type] ?? t.type}`);
  }

  private activation(code: number): number {
    if (code === ACT_NONE || code === ACT_RELU || code === ACT_RELU6 || code === ACT_RELU_N1_TO_1) return code;
    throw this.unsupported(`fused activation ${ACTIVATION_NAMES[code] ?? code} is not supported`);
  }

  private clamp(activation: number, out: number): { actMin: number; actMax: number } {
    const t = this.spec(out);
    return activationRange(this.activation(activation), t.scale, t.zeroPoint);
  }

  private options(): Table | null {
    return this.op.options;
  }

  private feature(index: number, role: string): number[] {
    const s = this.spec(index).shape;
    if (s.length !== 3) throw this.unsupported(`${role} has shape ${shapeText(s)}; a 1xHxWxC feature map is required`);
    return s;
  }

  /** Explicit pads and the checked output size for a 2-D window op. */
  private window(padding: number, inShape: number[], outShape: number[], kh: number, kw: number, sh: number, sw: number, dh: number, dw: number) {
    if (padding !== PADDING_SAME && padding !== PADDING_VALID) throw this.unsupported(`padding ${padding} is not SAME or VALID`);
    if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || kh < 1 || kw < 1) throw this.bad(`stride ${sh}x${sw}, dilation ${dh}x${dw}, kernel ${kh}x${kw} must all be >= 1`);
    const oh = computeOutSize(padding, inShape[0], kh, sh, dh);
    const ow = computeOutSize(padding, inShape[1], kw, sw, dw);
    if (oh !== outShape[0] || ow !== outShape[1]) {
      throw this.bad(`output is ${outShape[0]}x${outShape[1]} but input ${shapeText(inShape)} with kernel ${kh}x${kw}, stride ${sh}x${sw}, ${padding === PADDING_SAME ? 'SAME' : 'VALID'} padding gives ${oh}x${ow}`);
    }
    const ph = computePadding(sh, dh, inShape[0], kh, oh);
    const pw = computePadding(sw, dw, inShape[1], kw, ow);
    return {
      kernelH: kh, kernelW: kw, strideH: sh, strideW: sw,
      padTop: ph.before, padBottom: ph.after, padLeft: pw.before, padRight: pw.after,
    };
  }

  private io(nIn: number): { ins: number[]; out: number } {
    if (this.op.outputs.length !== 1) throw this.bad(`has ${this.op.outputs.length} outputs, expected 1`);
    if (this.op.inputs.length < nIn) throw this.bad(`has ${this.op.inputs.length} inputs, expected at least ${nIn}`);
    const ins: number[] = [];
    for (let i = 0; i < nIn; i++) ins.push(this.act(this.op.inputs[i], `input ${i}`));
    return { ins, out: this.act(this.op.outputs[0], 'output') };
  }

  private sameQuant(a: number, b: number, what: string): void {
    const ta = this.spec(a);
    const tb = this.spec(b);
    if (f32(ta.scale) !== f32(tb.scale) || ta.zeroPoint !== tb.zeroPoint) {
      throw this.unsupported(`${what} must keep the input's quantization (input scale ${ta.scale} zero point ${ta.zeroPoint}, output scale ${tb.scale} zero point ${tb.zeroPoint})`);
    }
  }

  private name(out: number): { name?: string } {
    const n = this.spec(out).name;
    return n ? { name: n } : {};
  }

  convertConv(): void {
    const o = this.options();
    const { ins, out } = this.io(1);
    const inShape = this.feature(ins[0], 'input');
    const outShape = this.feature(out, 'output');
    const filter = this.tflite(this.op.inputs[1], 'filter');
    if (filter.shape.length !== 4) throw this.bad(`filter has shape ${shapeText(filter.shape)}, expected [outC, kH, kW, inC]`);
    const [outC, kh, kw, inCPerGroup] = filter.shape;
    const w = this.weightsInt8(this.op.inputs[1], 'filter', [outShape[2], -1, -1, -1]);
    if (inCPerGroup < 1 || inShape[2] % inCPerGroup !== 0) throw this.bad(`input has ${inShape[2]} channels, not a multiple of the filter's ${inCPerGroup}`);
    const groups = inShape[2] / inCPerGroup;
    if (outC % groups !== 0) throw this.bad(`${outC} output channels do not split into ${groups} groups`);
    this.checkChannelScales(w.scales, w.t, outC, 0);
    const padding = o ? o.i8(0, 0) : 0;
    const sw = o ? o.i32(1, 0) : 0;
    const sh = o ? o.i32(2, 0) : 0;
    const act = o ? o.i8(3, 0) : 0;
    const dw = o ? o.i32(4, 1) : 1;
    const dh = o ? o.i32(5, 1) : 1;
    const win = this.window(padding, inShape, outShape, kh, kw, sh, sw, dh, dw);
    this.ops.push({
      type: OP_CONV2D, inputs: ins, outputs: [out], ...this.name(out), ...win, dilationH: dh, dilationW: dw, groups,
      ...this.clamp(act, out),
      ...perChannelMultipliers(this.spec(ins[0]).scale, w.scales, this.spec(out).scale, outC),
      weights: w.data, bias: this.bias(this.op.inputs[2], outC),
    });
  }

  convertDepthwise(): void {
    const o = this.options();
    const { ins, out } = this.io(1);
    const inShape = this.feature(ins[0], 'input');
    const outShape = this.feature(out, 'output');
    const outC = outShape[2];
    const w = this.weightsInt8(this.op.inputs[1], 'filter', [1, -1, -1, outC]);
    const [, kh, kw] = w.t.shape;
    if (outC % inShape[2] !== 0) throw this.bad(`${outC} output channels are not a multiple of the ${inShape[2]} input channels`);
    const depthMultiplier = outC / inShape[2];
    const declared = o ? o.i32(3, 0) : 0;
    if (declared !== 0 && declared !== depthMultiplier) throw this.bad(`depth_multiplier ${declared} disagrees with ${inShape[2]} -> ${outC} channels`);
    this.checkChannelScales(w.scales, w.t, outC, 3);
    const padding = o ? o.i8(0, 0) : 0;
    const sw = o ? o.i32(1, 0) : 0;
    const sh = o ? o.i32(2, 0) : 0;
    const act = o ? o.i8(4, 0) : 0;
    const dw = o ? o.i32(5, 1) : 1;
    const dh = o ? o.i32(6, 1) : 1;
    const win = this.window(padding, inShape, outShape, kh, kw, sh, sw, dh, dw);
    // TFLite's [1][kh][kw][outC] is already our [kh][kw][outC].
    this.ops.push({
      type: OP_DEPTHWISE_CONV2D, inputs: ins, outputs: [out], ...this.name(out), ...win, dilationH: dh, dilationW: dw,
      depthMultiplier, ...this.clamp(act, out),
      ...perChannelMultipliers(this.spec(ins[0]).scale, w.scales, this.spec(out).scale, outC),
      weights: w.data, bias: this.bias(this.op.inputs[2], outC),
    });
  }

  convertFullyConnected(): void {
    const o = this.options();
    const { ins, out } = this.io(1);
    const outN = product(this.spec(out).shape);
    const inN = product(this.spec(ins[0]).shape);
    const w = this.weightsInt8(this.op.inputs[1], 'weights', [outN, inN]);
    if (o && o.i8(1, 0) !== 0) throw this.unsupported('shuffled weights format is not supported');
    this.checkChannelScales(w.scales, w.t, outN, 0);
    const inScale = this.spec(ins[0]).scale;
    const outScale = this.spec(out).scale;
    let requant: { multiplier: Int32Array; shift: Int32Array };
    if (w.scales.length > 1) requant = perChannelMultipliers(inScale, w.scales, outScale, outN);
    else {
      const m = fullyConnectedMultiplier(inScale, w.scales[0], outScale);
      requant = { multiplier: Int32Array.of(m.multiplier), shift: Int32Array.of(m.shift) };
    }
    this.ops.push({
      type: OP_DENSE, inputs: ins, outputs: [out], ...this.name(out), ...this.clamp(o ? o.i8(0, 0) : 0, out), ...requant,
      weights: w.data, bias: this.bias(this.op.inputs[2], outN),
    });
  }

  convertPool(type: typeof OP_MAX_POOL | typeof OP_AVG_POOL): void {
    const o = this.options();
    const { ins, out } = this.io(1);
    const inShape = this.feature(ins[0], 'input');
    const outShape = this.feature(out, 'output');
    if (inShape[2] !== outShape[2]) throw this.bad(`input has ${inShape[2]} channels, output ${outShape[2]}`);
    // TFLM's int8 pooling ignores the scales (they are equal in a well-formed model); so do we.
    const padding = o ? o.i8(0, 0) : 0;
    const sw = o ? o.i32(1, 0) : 0;
    const sh = o ? o.i32(2, 0) : 0;
    const fw = o ? o.i32(3, 0) : 0;
    const fh = o ? o.i32(4, 0) : 0;
    const win = this.window(padding, inShape, outShape, fh, fw, sh, sw, 1, 1);
    this.ops.push({ type, inputs: ins, outputs: [out], ...this.name(out), ...win, ...this.clamp(o ? o.i8(5, 0) : 0, out) });
  }

  convertReshape(): void {
    const { ins, out } = this.io(1);
    const a = this.spec(ins[0]).shape;
    const b = this.spec(out).shape;
    if (product(a) !== product(b)) throw this.bad(`cannot reshape ${shapeText(a)} (${product(a)} values) to ${shapeText(b)}`);
    this.sameQuant(ins[0], out, 'RESHAPE');
    this.ops.push({ type: OP_RESHAPE, inputs: ins, outputs: [out], ...this.name(out) });
  }

  convertSoftmax(): void {
    const o = this.options();
    const { ins, out } = this.io(1);
    const t = this.spec(out);
    if (t.zeroPoint !== -128 || f32(t.scale) !== f32(1 / 256)) {
      throw this.unsupported(`int8 softmax output must have scale 1/256 and zero point -128, got scale ${t.scale} zero point ${t.zeroPoint}`);
    }
    const beta = o ? o.f32(0, 0) : 0;
    const p = softmaxParams(this.spec(ins[0]).scale, beta);
    this.ops.push({
      type: OP_SOFTMAX, inputs: ins, outputs: [out], ...this.name(out),
      inputBetaMultiplier: p.inputBetaMultiplier, inputBetaLeftShift: p.inputBetaLeftShift, diffMin: p.diffMin,
    });
  }

  convertAdd(): void {
    const o = this.options();
    const { ins, out } = this.io(2);
    const outShape = this.spec(out).shape;
    for (const i of ins) {
      const s = this.spec(i).shape;
      if (product(s) !== product(outShape) || s.join() !== outShape.join()) {
        throw this.unsupported(`broadcasting ADD (${shapeText(s)} to ${shapeText(outShape)}) is not supported; inputs must have the output's shape`);
      }
    }
    const p = addParams(this.spec(ins[0]).scale, this.spec(ins[1]).scale, this.spec(out).scale);
    this.ops.push({ type: OP_ADD, inputs: ins, outputs: [out], ...this.name(out), ...this.clamp(o ? o.i8(0, 0) : 0, out), ...p });
  }

  convertConcat(): void {
    const o = this.options();
    if (this.op.outputs.length !== 1) throw this.bad(`has ${this.op.outputs.length} outputs, expected 1`);
    const ins = this.op.inputs.map((t, i) => this.act(t, `input ${i}`));
    const out = this.act(this.op.outputs[0], 'output');
    if (o && o.i8(1, 0) !== ACT_NONE) throw this.unsupported('a fused activation on CONCATENATION is not supported');
    const tfliteRank = this.tflite(this.op.outputs[0], 'output').shape.length;
    const ourRank = this.spec(out).shape.length;
    let axis = o ? o.i32(0, 0) : 0;
    if (axis < 0) axis += tfliteRank;
    const ourAxis = axis - (tfliteRank - ourRank);
    if (ourAxis < 0 || ourAxis >= ourRank) throw this.unsupported(`concatenation along axis ${axis} (the batch axis or out of range) is not supported`);
    const outShape = this.spec(out).shape;
    let total = 0;
    for (const i of ins) {
      const s = this.spec(i).shape;
      if (s.length !== ourRank || s.some((d, k) => k !== ourAxis && d !== outShape[k])) {
        throw this.bad(`input ${shapeText(s)} does not match output ${shapeText(outShape)} outside axis ${axis}`);
      }
      total += s[ourAxis];
      // TFLM concatenates int8 by plain copy and requires equal quantization; so do we.
      this.sameQuant(i, out, 'CONCATENATION');
    }
    if (total !== outShape[ourAxis]) throw this.bad(`inputs add up to ${total} along axis ${axis}, output has ${outShape[ourAxis]}`);
    this.ops.push({
      type: OP_CONCAT, inputs: ins, outputs: [out], ...this.name(out), axis: ourAxis,
      multiplier: new Int32Array(ins.length), shift: new Int32Array(ins.length),
    });
  }

  convertPad(): void {
    const { ins, out } = this.io(1);
    const inShape = this.feature(ins[0], 'input');
    const outShape = this.feature(out, 'output');
    const pads = this.int32Const(this.op.inputs[1], 'paddings');
    if (pads.length !== 8) throw this.unsupported(`paddings has ${pads.length} values; a 4-D [[b0,b1],[top,bottom],[left,right],[c0,c1]] is required`);
    if (pads[0] || pads[1] || pads[6] || pads[7]) throw this.unsupported(`padding the batch or channel axis (${pads.join(', ')}) is not supported`);
    if (pads.some((p) => p < 0)) throw this.bad(`negative padding ${pads.join(', ')}`);
    const [padTop, padBottom, padLeft, padRight] = [pads[2], pads[3], pads[4], pads[5]];
    if (inShape[0] + padTop + padBottom !== outShape[0] || inShape[1] + padLeft + padRight !== outShape[1] || inShape[2] !== outShape[2]) {
      throw this.bad(`padding ${shapeText(inShape)} by ${pads.join(', ')} does not give ${shapeText(outShape)}`);
    }
    this.sameQuant(ins[0], out, 'PAD');
    this.ops.push({ type: OP_PAD, inputs: ins, outputs: [out], ...this.name(out), padTop, padLeft, padBottom, padRight });
  }

  convertMean(): void {
    const { ins, out } = this.io(1);
    const inShape = this.feature(ins[0], 'input');
    const axes = this.int32Const(this.op.inputs[1], 'axis').map((a) => (a < 0 ? a + 4 : a)).sort();
    if (axes.join() !== '1,2') throw this.unsupported(`MEAN over axes [${axes.join(', ')}] is not supported; only the spatial mean (axes 1 and 2) maps to a global average pool`);
    if (product(this.spec(out).shape) !== inShape[2]) throw this.bad(`output ${shapeText(this.spec(out).shape)} should hold ${inShape[2]} channels`);
    this.sameQuant(ins[0], out, 'MEAN');
    // TFLM's int8 mean rounds (sum of (q - zp)) / n half away from zero, then adds zp back; our
    // global pool rounds the raw sum (as TFLite's average pool does). The two agree except on an
    // exact tie (n even) where subtracting zp flips the sign, so refuse only that combination.
    const pixels = inShape[0] * inShape[1];
    const zp = this.spec(ins[0]).zeroPoint;
    if (pixels % 2 === 0 && zp !== 0) {
      throw this.unsupported(`MEAN over an even number of pixels (${inShape[0]}x${inShape[1]}) with zero point ${zp} cannot be reproduced bit-exactly by the global average pool`);
    }
    this.ops.push({ type: OP_GLOBAL_AVG_POOL, inputs: ins, outputs: [out], ...this.name(out), actMin: -128, actMax: 127 });
  }

  convertLogistic(): void {
    const { ins, out } = this.io(1);
    const t = this.spec(out);
    if (t.zeroPoint !== -128) throw this.unsupported(`int8 LOGISTIC output must have zero point -128, got ${t.zeroPoint}`);
    const input = this.spec(ins[0]);
    let table: Int8Array;
    try {
      table = logisticTable(input.scale, input.zeroPoint);
    } catch (e) {
      throw this.unsupported((e as Error).message);
    }
    this.ops.push({ type: OP_LUT, inputs: ins, outputs: [out], ...this.name(out), table });
  }

  convertQuantize(): void {
    const { ins, out } = this.io(1);
    const m = requantizeMultiplier(this.spec(ins[0]).scale, this.spec(out).scale);
    this.ops.push({ type: OP_REQUANTIZE, inputs: ins, outputs: [out], ...this.name(out), multiplier: m.multiplier, shift: m.shift });
  }

  /** Float edges: QUANTIZE(float input) and DEQUANTIZE(-> float output) are dropped. */
  private floatEdge(op: TfliteOperator, graphInput: number, graphOutput: number): boolean {
    this.op = op;
    if (op.builtin === BUILTIN.QUANTIZE && op.inputs.length === 1 && this.tflite(op.inputs[0], 'input').type === TYPE_FLOAT32) {
      if (op.inputs[0] !== graphInput) throw this.unsupported('QUANTIZE from a float tensor is only supported at the model input');
      this.edgeAlias.set(graphInput, op.outputs[0]);
      return true;
    }
    if (op.builtin === BUILTIN.DEQUANTIZE) {
      if (op.outputs[0] !== graphOutput) throw this.unsupported('DEQUANTIZE is only supported at the model output');
      this.edgeAlias.set(graphOutput, op.inputs[0]);
      return true;
    }
    return false;
  }

  run(): { input: number; output: number } {
    const g = this.graph;
    if (g.inputs.length !== 1 || g.outputs.length !== 1) {
      throw new TinyconvError('UNSUPPORTED_TFLITE', `the model has ${g.inputs.length} inputs and ${g.outputs.length} outputs; exactly one of each is supported`);
    }
    const graphInput = g.inputs[0];
    const graphOutput = g.outputs[0];
    const kept = g.operators.filter((op) => !this.floatEdge(op, graphInput, graphOutput));
    if (g.operators.length > 0) this.op = g.operators[0];
    const input = this.act(graphInput, 'model input');
    for (const op of kept) {
      this.op = op;
      switch (op.builtin) {
        case BUILTIN.CONV_2D: this.convertConv(); break;
        case BUILTIN.DEPTHWISE_CONV_2D: this.convertDepthwise(); break;
        case BUILTIN.FULLY_CONNECTED: this.convertFullyConnected(); break;
        case BUILTIN.AVERAGE_POOL_2D: this.convertPool(OP_AVG_POOL); break;
        case BUILTIN.MAX_POOL_2D: this.convertPool(OP_MAX_POOL); break;
        case BUILTIN.RESHAPE: this.convertReshape(); break;
        case BUILTIN.SOFTMAX: this.convertSoftmax(); break;
        case BUILTIN.ADD: this.convertAdd(); break;
        case BUILTIN.CONCATENATION: this.convertConcat(); break;
        case BUILTIN.PAD: this.convertPad(); break;
        case BUILTIN.MEAN: this.convertMean(); break;
        case BUILTIN.LOGISTIC: this.convertLogistic(); break;
        case BUILTIN.QUANTIZE: this.convertQuantize(); break;
        default:
          throw this.unsupported(op.customCode ? `custom op '${op.customCode}' is not supported` : 'this op is not supported');
      }
    }
    const output = this.ours.get(this.edgeAlias.get(graphOutput) ?? graphOutput);
    if (output === undefined) throw new TinyconvError('BAD_TFLITE', `the model output tensor ${graphOutput} is never written by an op`);
    return { input, output };
  }
}

/** Converts an int8 .tflite model to a planned ModelSpec. Throws TinyconvError: BAD_TFLITE for a
 *  corrupt or inconsistent file (with the byte offset or op index), UNSUPPORTED_TFLITE naming the
 *  op and its index for anything we cannot run exactly. */
export function importTflite(bytes: Uint8Array, options: ImportTfliteOptions = {}): ModelSpec {
  const model = parseTflite(bytes);
  const importer = new Importer(model, model.subgraphs[0]);
  const { input, output } = importer.run();
  const spec: ModelSpec = {
    tensors: importer.tensors,
    ops: importer.ops,
    input,
    output,
    arenaBytes: 0,
    preprocess: options.preprocess ?? { ...DEFAULT_PREPROCESS, mean: [0], std: [1] },
    labels: options.labels ?? [],
    name: options.name ?? '',
  };
  planArena(spec);
  return spec;
}
