// Float reference kernels, one plain function per op, NHWC with the batch dimension omitted.
// They are the truth the int8 kernels are tested against, so they favour obvious loops over speed;
// each returns a fresh output array.
import type { ConvAttrs, PoolAttrs } from './attrs.js';

/** conv2d with stride, asymmetric padding, dilation and groups. Weight is OHWI with I = inC / groups.
 *  Dispatches to a fast path when one applies; every path computes the same sums (tested against
 *  conv2dGeneric), only the loop order differs. */
export function conv2d(x: Float32Array, inShape: number[], outShape: number[], a: ConvAttrs,
  weight: Float32Array, bias: Float32Array | null): Float32Array {
  if (a.groups === 1) return conv2dPatch(x, inShape, outShape, a, weight, bias);
  if (inShape[2] === a.groups) return conv2dDepthwise(x, inShape, outShape, a, weight, bias);
  return conv2dGeneric(x, inShape, outShape, a, weight, bias);
}

/** The reference: one output element at a time, every tap bounds-checked. */
export function conv2dGeneric(x: Float32Array, inShape: number[], outShape: number[], a: ConvAttrs,
  weight: Float32Array, bias: Float32Array | null): Float32Array {
  const [inH, inW, inC] = inShape;
  const [outH, outW, outC] = outShape;
  const [kH, kW] = a.kernel;
  const groupInC = inC / a.groups;
  const groupOutC = outC / a.groups;
  const out = new Float32Array(outH * outW * outC);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const y0 = oy * a.stride[0] - a.padding[0];
      const x0 = ox * a.stride[1] - a.padding[1];
      for (let oc = 0; oc < outC; oc++) {
        const icBase = Math.floor(oc / groupOutC) * groupInC;
        let acc = bias ? bias[oc] : 0;
        for (let ky = 0; ky < kH; ky++) {
          const iy = y0 + ky * a.dilation[0];
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = x0 + kx * a.dilation[1];
            if (ix < 0 || ix >= inW) continue;
            const xOff = (iy * inW + ix) * inC + icBase;
            const wOff = ((oc * kH + ky) * kW + kx) * groupInC;
            for (let ic = 0; ic < groupInC; ic++) acc += x[xOff + ic] * weight[wOff + ic];
          }
        }
        out[(oy * outW + ox) * outC + oc] = acc;
      }
    }
  }
  return out;
}

/** groups 1: gather each output pixel's receptive field (zeros for padding) into one patch laid out
 *  like a weight row (kH, kW, inC), then each output channel is one long dot product. */
function conv2dPatch(x: Float32Array, inShape: number[], outShape: number[], a: ConvAttrs,
  weight: Float32Array, bias: Float32Array | null): Float32Array {
  const [inH, inW, inC] = inShape;
  const [outH, outW, outC] = outShape;
  const [kH, kW] = a.kernel;
  const [strideH, strideW] = a.stride;
  const [dilationH, dilationW] = a.dilation;
  const patchSize = kH * kW * inC;
  const patch = new Float32Array(patchSize);
  const out = new Float32Array(outH * outW * outC);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * strideH - a.padding[0];
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * strideW - a.padding[1];
      let p = 0;
      for (let ky = 0; ky < kH; ky++) {
        const iy = y0 + ky * dilationH;
        for (let kx = 0; kx < kW; kx++) {
          const ix = x0 + kx * dilationW;
          if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
            for (let ic = 0; ic < inC; ic++) patch[p++] = 0;
          } else {
            const xOff = (iy * inW + ix) * inC;
            for (let ic = 0; ic < inC; ic++) patch[p++] = x[xOff + ic];
          }
        }
      }
      const o = (oy * outW + ox) * outC;
      for (let oc = 0; oc < outC; oc++) {
        const wOff = oc * patchSize;
        let acc = bias ? bias[oc] : 0;
        for (let i = 0; i < patchSize; i++) acc += patch[i] * weight[wOff + i];
        out[o + oc] = acc;
      }
    }
  }
  return out;
}

/** One input channel per group (depthwise, with any channel multiplier): per tap, input channel ic
 *  feeds output channels ic * multiplier ... (ic + 1) * multiplier - 1. */
function conv2dDepthwise(x: Float32Array, inShape: number[], outShape: number[], a: ConvAttrs,
  weight: Float32Array, bias: Float32Array | null): Float32Array {
  const [inH, inW, inC] = inShape;
  const [outH, outW, outC] = outShape;
  const [kH, kW] = a.kernel;
  const [strideH, strideW] = a.stride;
  const [dilationH, dilationW] = a.dilation;
  const multiplier = outC / inC;
  const taps = kH * kW;
  const out = new Float32Array(outH * outW * outC);
  const acc = new Float64Array(outC);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * strideH - a.padding[0];
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * strideW - a.padding[1];
      for (let oc = 0; oc < outC; oc++) acc[oc] = bias ? bias[oc] : 0;
      for (let ky = 0; ky < kH; ky++) {
        const iy = y0 + ky * dilationH;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kW; kx++) {
          const ix = x0 + kx * dilationW;
          if (ix < 0 || ix >= inW) continue;
          const xOff = (iy * inW + ix) * inC;
          const tap = ky * kW + kx;
          for (let ic = 0; ic < inC; ic++) {
            const v = x[xOff + ic];
            for (let oc = ic * multiplier; oc < (ic + 1) * multiplier; oc++) acc[oc] += v * weight[oc * taps + tap];
          }
        }
      }
      const o = (oy * outW + ox) * outC;
      for (let oc = 0; oc < outC; oc++) out[o + oc] = acc[oc];
    }
  }
  return out;
}

/** Max or average pooling. Padding never wins a max; for the average it counts only when
 *  countIncludePad is set, and then only up to the padded extent (the ceil-mode overhang beyond
 *  the padding never counts), as in PyTorch and ONNX. */
export function pool2d(kind: 'max' | 'avg', x: Float32Array, inShape: number[], outShape: number[], a: PoolAttrs): Float32Array {
  const [inH, inW, C] = inShape;
  const [outH, outW] = outShape;
  const [kH, kW] = a.kernel;
  const out = new Float32Array(outH * outW * C);
  for (let oy = 0; oy < outH; oy++) {
    const yStart = oy * a.stride[0] - a.padding[0];
    const yEndPadded = Math.min(yStart + kH, inH + a.padding[2]);
    const y0 = Math.max(yStart, 0);
    const y1 = Math.min(yStart + kH, inH);
    for (let ox = 0; ox < outW; ox++) {
      const xStart = ox * a.stride[1] - a.padding[1];
      const xEndPadded = Math.min(xStart + kW, inW + a.padding[3]);
      const x0 = Math.max(xStart, 0);
      const x1 = Math.min(xStart + kW, inW);
      const divisor = a.countIncludePad ? (yEndPadded - yStart) * (xEndPadded - xStart) : (y1 - y0) * (x1 - x0);
      for (let c = 0; c < C; c++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const v = x[(iy * inW + ix) * C + c];
            if (kind === 'max') { if (v > acc) acc = v; } else acc += v;
          }
        }
        out[(oy * outW + ox) * C + c] = kind === 'max' ? acc : acc / divisor;
      }
    }
  }
  return out;
}

export function globalAvgPool(x: Float32Array, inShape: number[]): Float32Array {
  const [H, W, C] = inShape;
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let acc = 0;
    for (let p = 0; p < H * W; p++) acc += x[p * C + c];
    out[c] = acc / (H * W);
  }
  return out;
}

/** y = W x + b with W [units][in]; x is read flat (NHWC order). */
export function dense(x: Float32Array, weight: Float32Array, bias: Float32Array | null, units: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(units);
  for (let u = 0; u < units; u++) {
    let acc = bias ? bias[u] : 0;
    const off = u * n;
    for (let i = 0; i < n; i++) acc += weight[off + i] * x[i];
    out[u] = acc;
  }
  return out;
}

/** y[i] = x[i] * scale[c] + shift[c] over the last axis (batchnorm, prelu-style per-channel ops). */
export function channelAffine(x: Float32Array, scale: Float64Array, shift: Float64Array): Float32Array {
  const C = scale.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % C;
    out[i] = x[i] * scale[c] + shift[c];
  }
  return out;
}

export function map(x: Float32Array, f: (v: number) => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  return out;
}

/** PReLU with one slope or one per channel (last axis). */
export function prelu(x: Float32Array, slope: Float32Array): Float32Array {
  const C = slope.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v >= 0 ? v : v * slope[C === 1 ? 0 : i % C];
  }
  return out;
}

export function add(x: Float32Array, y: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
  return out;
}

/** Elementwise product; y may be the same size as x or one value per channel (last axis). */
export function mul(x: Float32Array, y: Float32Array): Float32Array {
  const C = y.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * y[C === x.length ? i : i % C];
  return out;
}

/** Concatenation along `axis`: the tensors are viewed as [outer][axisLen * inner]. */
export function concat(xs: Float32Array[], shapes: number[][], axis: number, outShape: number[]): Float32Array {
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= outShape[d];
  let inner = 1;
  for (let d = axis + 1; d < outShape.length; d++) inner *= outShape[d];
  const out = new Float32Array(outer * outShape[axis] * inner);
  let pos = 0;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < xs.length; t++) {
      const chunk = shapes[t][axis] * inner;
      out.set(xs[t].subarray(o * chunk, (o + 1) * chunk), pos);
      pos += chunk;
    }
  }
  return out;
}

/** Softmax (or log-softmax) over the last axis, max-subtracted for stability. */
export function softmax(x: Float32Array, lastDim: number, log: boolean): Float32Array {
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += lastDim) {
    let max = -Infinity;
    for (let i = 0; i < lastDim; i++) max = Math.max(max, x[base + i]);
    let sum = 0;
    for (let i = 0; i < lastDim; i++) sum += Math.exp(x[base + i] - max);
    const logSum = Math.log(sum);
    for (let i = 0; i < lastDim; i++) {
      const d = x[base + i] - max;
      out[base + i] = log ? d - logSum : Math.exp(d) / sum;
    }
  }
  return out;
}
