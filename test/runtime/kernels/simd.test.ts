// The WebAssembly SIMD runtime (src/runtime/simd.ts): its modules validate and assemble, the pointwise
// and depthwise kernels equal plain loops on random shapes (row tails, channel counts, strides), and
// whole models planned for SIMD give the same bytes as the plain runtime, op by op.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeModel } from '../../../src/format/writer.js';
import { loadModel, usePlanner, type Model } from '../../../src/runtime/model.js';
import type { PlannedOp } from '../../../src/runtime/plan.js';
import { planOpSimd, setParams } from '../../../src/runtime/wasm/plan-simd.js';
import { SIMD_WASM } from '../../../src/runtime/wasm/module-simd.js';
import { sleb, uleb } from '../../../src/wasm/assemble.js';
import { buildMultiOpModel } from '../fixtures/multi-op-model.js';
import { clampRef, mbqmRef, randInt, rng } from '../reference.js';
import { quantizeMultiplier } from '../../../src/format/multiplier.js';
import { pathToFileURL } from 'node:url';
import { OP_DEPTHWISE_CONV2D, type ModelSpec } from '../../../src/format/schema.js';
import { planArena } from '../../../src/format/plan.js';
import { ensureBundles, SIMD_ESM_BUNDLE } from '../fixtures/bundles.js';

const hasSimd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_WASM as BufferSource);
if (!hasSimd) console.log('skip: this engine has no WebAssembly SIMD');

describe('assembler', () => {
  it('the embedded module (src/runtime/wasm/kernels-wasm.ts) is the assembled source: run tools/wasm-kernels.ts when this fails', async () => {
    const { kernelsSource } = await import('../../../tools/wasm-kernels.js');
    expect(readFileSync(new URL('../../../src/runtime/wasm/kernels-wasm.ts', import.meta.url), 'utf8')).toBe(kernelsSource());
    const { SIMD_BASE64 } = await import('../../../src/runtime/wasm/kernels-wasm.js');
    const { decodeBase64 } = await import('../../../src/runtime/wasm/base64.js');
    expect(Array.from(decodeBase64(SIMD_BASE64))).toEqual(Array.from(SIMD_WASM));
  });

  it('encodes LEB128 as the spec does', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });
});

describe.skipIf(!hasSimd)('pointwise SIMD kernel', () => {
  it('dots() equals a plain int8 dot-product loop on random shapes', () => {
    const r = rng(41);
    for (let t = 0; t < 60; t++) {
      const pixels = randInt(r, 1, 40);
      const inC = t % 6 === 0 ? randInt(r, 200, 2064) : randInt(r, 1, 70);
      const outC = randInt(r, 1, 20);
      const rowW = (inC + 15) & ~15;
      const outC4 = (outC + 3) & ~3; // the kernel's block of 4 channels; rows past outC stay zero
      const wOff = (pixels * inC + rowW + 15) & ~15; // spare input: row overrun and an odd count's phantom pixel
      const accOff = wOff + outC4 * rowW * 2;
      const memory = new WebAssembly.Memory({ initial: Math.ceil((accOff + (pixels + 1) * outC4 * 4) / 65536) });
      const { dots } = new WebAssembly.Instance(new WebAssembly.Module(SIMD_WASM as BufferSource), { m: { m: memory } }).exports as { dots: Function };
      const m8 = new Int8Array(memory.buffer);
      for (let i = 0; i < pixels * inC + rowW; i++) m8[i] = randInt(r, -128, 127); // spare bytes too: zero weights cancel them
      // int16 weights in the kernel's order: per block of 4 channels, per 16 inputs, the 4 channels' values
      const w16 = new Int16Array(memory.buffer, wOff, outC4 * rowW);
      const wAt = (n: number, k: number) => (n >> 2) * 4 * rowW + (k >> 4) * 64 + (n & 3) * 16 + (k & 15);
      for (let n = 0; n < outC; n++) for (let k = 0; k < inC; k++) w16[wAt(n, k)] = randInt(r, -128, 127);
      dots(0, wOff, accOff, pixels, inC, rowW, outC4);
      const acc = new Int32Array(memory.buffer, accOff, pixels * outC4);
      for (let p = 0; p < pixels; p++) for (let n = 0; n < outC4; n++) {
        let s = 0;
        for (let k = 0; k < inC; k++) s += m8[p * inC + k] * w16[wAt(n, k)];
        expect(acc[p * outC4 + n]).toBe(s);
      }
    }
  });
});

describe.skipIf(!hasSimd)('requantize (wasm, int64)', () => {
  it('equals MultiplyByQuantizedMultiplier (BigInt) + zero point + clamp, any accumulator, valid multiplier, shift and channel count', () => {
    const r = rng(45);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { requantize, requantize0 } = new WebAssembly.Instance(new WebAssembly.Module(SIMD_WASM as BufferSource), { m: { m: memory } }).exports as { requantize: Function; requantize0: Function };
    let withoutShift = 0;
    for (let t = 0; t < 30; t++) {
      // channels in blocks of 4 (a last partial block too); each pixel's sums padded by `pad` more
      const channels = t < 10 ? 16 : randInt(r, 1, 23), pad = t % 3 === 2 ? 4 * randInt(r, 1, 3) : 0;
      const stride = ((channels + 3) & ~3) + pad, pixels = Math.floor(3000 / stride), count = pixels * channels;
      const acc = new Int32Array(memory.buffer, 0, pixels * stride);
      const params = new Int32Array(memory.buffer, pixels * stride * 4, stride * 4);
      const outAt = pixels * stride * 4 + stride * 16;
      const out = new Int8Array(memory.buffer, outAt, count + 4);
      out.fill(0x55);
      const shifts: number[] = [], mults: number[] = [], biases: number[] = [];
      for (let c = 0; c < channels; c++) {
        const q = quantizeMultiplier(Math.pow(2, randInt(r, -30, t % 2 ? 4 : -1)) * (0.5 + r()));
        // the largest multiplier the loader accepts (it refuses -2^31, which the kernel need not handle)
        const extreme = c === 0 && t % 5 === 0;
        mults.push(extreme ? 2147483647 : q.multiplier);
        shifts.push(extreme ? 0 : q.shift);
        biases.push(randInt(r, -100000, 100000));
        setParams(params, c, biases[c], mults[c], Math.max(shifts[c], 0), Math.max(-shifts[c], 0));
      }
      for (let i = 0; i < pixels * stride; i++) {
        const big = i % 3 === 0;
        acc[i] = big ? randInt(r, -2147483648, 2147483647) : randInt(r, -3000000, 3000000);
        if (i % 97 === 0) acc[i] = -2147483648 - biases[(i % stride) % channels];
      }
      const zp = randInt(r, -128, 127), min = randInt(r, -128, 0), max = randInt(r, 0, 127);
      // requantize0 (no left shift anywhere) must agree wherever it applies
      const variants = shifts.every((s) => s <= 0) ? [requantize, requantize0] : [requantize];
      if (variants.length > 1) withoutShift++;
      for (const f of variants) {
        out.fill(0x55);
        f(0, pixels * stride * 4, outAt, count, channels, zp, min, max, pad * 4);
        for (let i = 0; i < count; i++) {
          const c = i % channels, a = acc[Math.floor(i / channels) * stride + c];
          const want = clampRef(mbqmRef((a + biases[c]) | 0, mults[c], shifts[c]) + zp, min, max);
          expect(out[i], `acc ${a} bias ${biases[c]} m ${mults[c]} s ${shifts[c]}`).toBe(want);
        }
      }
    }
    expect(withoutShift).toBeGreaterThan(3);
  });
});

describe.skipIf(!hasSimd)('depthwise 3x3 SIMD kernel', () => {
  it('dw() equals a plain loop over the padded input on random shapes and strides', () => {
    const r = rng(44);
    for (let t = 0; t < 60; t++) {
      const outH = randInt(r, 1, 7), outW = randInt(r, 1, 7), sy = randInt(r, 1, 2), sx = randInt(r, 1, 2);
      const channels = randInt(r, 1, 50), rowW = (channels + 15) & ~15;
      const padH = (outH - 1) * sy + 3, padW = (outW - 1) * sx + 3;
      const wOff = (padH * padW * channels + 16 + 15) & ~15, accOff = wOff + 9 * rowW;
      const memory = new WebAssembly.Memory({ initial: Math.ceil((accOff + outH * outW * rowW * 4) / 65536) });
      const { dw } = new WebAssembly.Instance(new WebAssembly.Module(SIMD_WASM as BufferSource), { m: { m: memory } }).exports as { dw: Function };
      const m8 = new Int8Array(memory.buffer);
      for (let i = 0; i < padH * padW * channels + 16; i++) m8[i] = randInt(r, -128, 127);
      // weights [rowW / 16][9][16], in [-127, 127] (the planner keeps -128 off this kernel)
      const wAt = (k: number, c: number) => wOff + (c >> 4) * 144 + k * 16 + (c & 15);
      for (let k = 0; k < 9; k++) for (let c = 0; c < rowW; c++) m8[wAt(k, c)] = c < channels ? randInt(r, -127, 127) : 0;
      dw(0, wOff, accOff, outH, outW, padW * channels, sy * padW * channels, sx * channels, channels, rowW);
      const acc = new Int32Array(memory.buffer, accOff, outH * outW * rowW);
      for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
          s += m8[((oy * sy + ky) * padW + ox * sx + kx) * channels + c] * m8[wAt(ky * 3 + kx, c)];
        }
        expect(acc[(oy * outW + ox) * rowW + c]).toBe(s);
      }
    }
  });
});

describe.skipIf(!hasSimd)('pad (the depthwise input copy)', () => {
  it('writes each row into the border, every byte repeated `multiplier` times, and nothing else', () => {
    const r = rng(46);
    for (let t = 0; t < 40; t++) {
      const rows = randInt(r, 1, 6), bytes = randInt(r, 1, 40), multiplier = t < 4 ? 1 + 7 * t : randInt(r, 1, 20);
      const srcStride = bytes + randInt(r, 0, 5), dstStride = bytes * multiplier + randInt(r, 0, 20), dst = randInt(r, 0, 30);
      const size = dst + rows * dstStride + 64, src = size;
      const memory = new WebAssembly.Memory({ initial: 1 });
      const { pad } = new WebAssembly.Instance(new WebAssembly.Module(SIMD_WASM as BufferSource), { m: { m: memory } }).exports as { pad: Function };
      const m8 = new Int8Array(memory.buffer);
      for (let i = 0; i < rows * srcStride; i++) m8[src + i] = randInt(r, -128, 127);
      m8.fill(77, 0, size);
      const want = m8.slice(0, size);
      for (let y = 0; y < rows; y++) for (let k = 0; k < bytes; k++) for (let j = 0; j < multiplier; j++) {
        want[dst + y * dstStride + k * multiplier + j] = m8[src + y * srcStride + k];
      }
      pad(src, dst, rows, bytes, srcStride, dstStride, multiplier);
      expect(Array.from(m8.slice(0, size))).toEqual(Array.from(want));
    }
  });
});

function opOutputs(model: Model, input: Int8Array): string[] {
  model.input.set(input);
  const outs: string[] = [];
  model.run((i, o) => outs.push(`op ${i}: ${o.data.join(',')}`));
  return outs;
}

function compare(bytes: Uint8Array, minSimdOps: number, seed: number): void {
  const plain = loadModel(bytes);
  usePlanner(planOpSimd);
  let simd: Model;
  try { simd = loadModel(bytes); } finally { usePlanner(null); }
  expect(simd.spec.ops.filter((op) => (op as PlannedOp).plan?.simd).length).toBeGreaterThanOrEqual(minSimdOps);
  const r = rng(seed);
  for (let t = 0; t < 3; t++) {
    const input = Int8Array.from({ length: plain.input.length }, () => randInt(r, -128, 127));
    expect(opOutputs(simd, input)).toEqual(opOutputs(plain, input));
  }
}

describe.skipIf(!hasSimd)('padPairs (the stride-2 pixel-pair input copy)', () => {
  it('writes column q as input column q then q + 2, 8 bytes each, the last two columns low half only', () => {
    const r = rng(48);
    for (let t = 0; t < 40; t++) {
      const rows = randInt(r, 1, 6), cols = randInt(r, 1, 30);
      const srcStride = cols + randInt(r, 0, 5), dstStride = cols * 16 + randInt(r, 0, 40), dst = randInt(r, 0, 30);
      const size = dst + rows * dstStride + 64, src = size;
      const memory = new WebAssembly.Memory({ initial: 1 });
      const { padPairs } = new WebAssembly.Instance(new WebAssembly.Module(SIMD_WASM as BufferSource), { m: { m: memory } }).exports as { padPairs: Function };
      const m8 = new Int8Array(memory.buffer);
      for (let i = 0; i < rows * srcStride + 4; i++) m8[src + i] = randInt(r, -128, 127);
      m8.fill(77, 0, size);
      const want = m8.slice(0, size);
      for (let y = 0; y < rows; y++) for (let q = 0; q < cols; q++) for (let j = 0; j < 8; j++) {
        want[dst + y * dstStride + q * 16 + j] = m8[src + y * srcStride + q];
        if (q + 2 < cols) want[dst + y * dstStride + q * 16 + 8 + j] = m8[src + y * srcStride + q + 2];
      }
      padPairs(src, dst, rows, cols, srcStride, dstStride);
      expect(Array.from(m8.slice(0, size))).toEqual(Array.from(want));
    }
  });
});

describe.skipIf(!hasSimd)('SIMD runtime = plain runtime, op by op', () => {
  it('every-opcode model', () => compare(writeModel(buildMultiOpModel(1)), 2, 42));

  it('MobileNet-style first layers (1 -> 8 channels, stride 2: padPairs and pixel pairs) on random sizes and paddings', () => {
    const r = rng(49);
    let paired = 0;
    for (let t = 0; t < 12; t++) {
      const inH = randInt(r, 3, 20), inW = randInt(r, 3, 20);
      const padTop = randInt(r, 0, 1), padBottom = randInt(r, 0, 2), padRight = randInt(r, 0, 2);
      const outH = Math.floor((inH + padTop + padBottom - 3) / 2) + 1, outW = Math.floor((inW + padRight - 3) / 2) + 1;
      if (outH < 1 || outW < 1) continue;
      const spec = {
        tensors: [{ shape: [inH, inW, 1], scale: 0.02, zeroPoint: randInt(r, -128, 127), offset: 0 },
          { shape: [outH, outW, 8], scale: 0.05, zeroPoint: randInt(r, -128, 127), offset: 0 }],
        ops: [{
          type: OP_DEPTHWISE_CONV2D, inputs: [0], outputs: [1], kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
          padTop, padLeft: 0, padBottom, padRight, dilationH: 1, dilationW: 1, depthMultiplier: 8, actMin: -128, actMax: 127,
          weights: Int8Array.from({ length: 72 }, () => randInt(r, -127, 127)), bias: Int32Array.from({ length: 8 }, () => randInt(r, -5000, 5000)),
          multiplier: Int32Array.from({ length: 8 }, () => quantizeMultiplier(0.001 + r() * 0.01).multiplier),
          shift: Int32Array.from({ length: 8 }, () => quantizeMultiplier(0.001 + r() * 0.01).shift),
        }],
        input: 0, output: 1, arenaBytes: 0, preprocess: { pixelScale: 1, mean: [0], std: [1] }, labels: [], name: 'first',
      } as unknown as ModelSpec;
      planArena(spec);
      if (!(outW & 1)) paired++;
      compare(writeModel(spec), 1, 100 + t);
    }
    expect(paired).toBeGreaterThan(2);
  });

  it('a 3x3 depthwise op with a -128 weight stays on the generic kernel (int16 tap pairs need [-127, 127])', () => {
    const spec = buildMultiOpModel(1);
    const dw = spec.ops.find((op) => op.type === OP_DEPTHWISE_CONV2D && op.kernelH === 3)!;
    (dw as { weights: Int8Array }).weights[0] = -128;
    const bytes = writeModel(spec);
    compare(bytes, 1, 47);
    usePlanner(planOpSimd);
    try {
      const model = loadModel(bytes);
      const planned = model.spec.ops.filter((op) => op.type === OP_DEPTHWISE_CONV2D && op.kernelH === 3);
      expect(planned.length).toBeGreaterThan(0);
      expect(planned.some((op) => (op as PlannedOp).plan)).toBe(false);
    } finally { usePlanner(null); }
  });

  const person = new URL('../../../../shared/fixtures/tflm/person_detect.tflite', import.meta.url);
  it('person_detect (TFLM): 14 pointwise and 13 depthwise ops on SIMD', async () => {
    let has = true;
    try { readFileSync(person); } catch { has = false; }
    if (!has) { console.log('skip: ../shared/fixtures/tflm/person_detect.tflite absent'); return; }
    const { importTflite } = await import('../../../src/tflite/index.js');
    compare(writeModel(importTflite(readFileSync(person))), 27, 43);
  });
});

describe('the SIMD bundle on an engine without WebAssembly SIMD', () => {
  it('falls back to JS kernels (3x3 depthwise on the generic one) with the plain runtime\'s bytes', async () => {
    await ensureBundles();
    const validate = WebAssembly.validate;
    (WebAssembly as { validate: unknown }).validate = () => false;
    let runtime: typeof import('../../../src/runtime/index.js');
    let model: Model;
    const bytes = writeModel(buildMultiOpModel(1));
    try {
      // A fresh module instance (the query string), so its one validate() call happens here.
      runtime = await import(`${pathToFileURL(SIMD_ESM_BUNDLE).href}?nosimd`);
      model = runtime.loadModel(bytes);
    } finally {
      (WebAssembly as { validate: unknown }).validate = validate;
    }
    const planned = model.spec.ops.filter((op) => (op as PlannedOp).plan);
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.some((op) => (op as PlannedOp).plan!.simd)).toBe(false);
    const depthwise = model.spec.ops.filter((op) => op.type === OP_DEPTHWISE_CONV2D && op.kernelH === 3);
    expect(depthwise.length).toBeGreaterThan(0);
    expect(depthwise.some((op) => (op as PlannedOp).plan)).toBe(false);
    const plain = loadModel(bytes);
    const r = rng(46);
    for (let t = 0; t < 3; t++) {
      const input = Int8Array.from({ length: plain.input.length }, () => randInt(r, -128, 127));
      plain.input.set(input);
      plain.run();
      model.input.set(input);
      model.run();
      expect(Array.from(model.output)).toEqual(Array.from(plain.output));
    }
  });
});
