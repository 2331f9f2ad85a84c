// A plain float32 loop nest over a FloatNet: the ground truth the ONNX writer and the tfjs graph
// are checked against, and the "naive pure-JS float" row of the benchmark. Written for clarity,
// not speed (padded taps are skipped with a bounds test in the inner loop).

import { type Activation, type FloatNet, layerShapes } from './float-net.js';

export function applyActivation(x: number, act: Activation): number {
  switch (act.kind) {
    case 'none':
      return x;
    case 'relu':
      return x < 0 ? 0 : x;
    case 'relu6':
      return x < 0 ? 0 : x > 6 ? 6 : x;
    case 'clip':
      return x < act.min ? act.min : x > act.max ? act.max : x;
  }
}

/** Run the network on an NHWC float input; returns the final activation. `onLayer` sees every
 *  layer's output (calibration). */
export function runFloatReference(net: FloatNet, input: Float32Array, onLayer?: (index: number, output: Float32Array) => void): Float32Array {
  const shapes = layerShapes(net);
  let x = input;
  net.layers.forEach((layer, index) => {
    const inShape = shapes[index];
    const outShape = shapes[index + 1];
    const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
    switch (layer.kind) {
      case 'conv':
      case 'depthwise':
      case 'maxPool':
      case 'avgPool': {
        const [inH, inW, inC] = inShape;
        const [outH, outW, outC] = outShape;
        const [padT, padL] = layer.pads;
        for (let oy = 0; oy < outH; oy++) {
          for (let ox = 0; ox < outW; ox++) {
            for (let oc = 0; oc < outC; oc++) {
              let acc = layer.kind === 'conv' || layer.kind === 'depthwise' ? layer.bias[oc] : 0;
              let maxValue = -Infinity;
              let count = 0;
              for (let ky = 0; ky < layer.kernelH; ky++) {
                const iy = oy * layer.strideH - padT + ky;
                if (iy < 0 || iy >= inH) continue;
                for (let kx = 0; kx < layer.kernelW; kx++) {
                  const ix = ox * layer.strideW - padL + kx;
                  if (ix < 0 || ix >= inW) continue;
                  const pixel = (iy * inW + ix) * inC;
                  if (layer.kind === 'conv') {
                    const w = ((oc * layer.kernelH + ky) * layer.kernelW + kx) * inC;
                    for (let ic = 0; ic < inC; ic++) acc += x[pixel + ic] * layer.weights[w + ic];
                  } else if (layer.kind === 'depthwise') {
                    const ic = Math.floor(oc / layer.depthMultiplier);
                    acc += x[pixel + ic] * layer.weights[(ky * layer.kernelW + kx) * outC + oc];
                  } else {
                    const v = x[pixel + oc];
                    acc += v;
                    if (v > maxValue) maxValue = v;
                    count++;
                  }
                }
              }
              const o = (oy * outW + ox) * outC + oc;
              if (layer.kind === 'conv' || layer.kind === 'depthwise') out[o] = applyActivation(acc, layer.activation);
              else out[o] = layer.kind === 'maxPool' ? maxValue : acc / count;
            }
          }
        }
        break;
      }
      case 'dense':
        for (let o = 0; o < layer.outN; o++) {
          let acc = layer.bias[o];
          for (let i = 0; i < layer.inN; i++) acc += x[i] * layer.weights[o * layer.inN + i];
          out[o] = applyActivation(acc, layer.activation);
        }
        break;
      case 'flatten':
        out.set(x);
        break;
      case 'softmax': {
        let max = -Infinity;
        for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
        let sum = 0;
        for (let i = 0; i < x.length; i++) sum += out[i] = Math.exp(x[i] - max);
        for (let i = 0; i < x.length; i++) out[i] /= sum;
        break;
      }
    }
    if (onLayer) onLayer(index, out);
    x = out;
  });
  return x;
}
