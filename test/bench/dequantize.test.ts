// The peers run our int8 model's weights dequantized; recovering weight scales from the stored
// requantization multipliers must give back the float weights to within half a quantization step,
// and the int8 clamps must map back to the float activations they came from.
import { describe, expect, it } from 'vitest';
import { activationOf, countMacs, dequantizeModel } from '../../bench/dequantize.js';
import { floatNetToGraph } from '../../bench/float-graph.js';
import { lenet5Random, mobilenetV1Random } from '../../bench/random-nets.js';
import { convertToInt8 } from '../../src/convert/index.js';
import { Rng } from '../../src/data/random.js';

function samples(count: number, length: number): Float32Array[] {
  const rng = new Rng(1);
  return Array.from({ length: count }, () => new Float32Array(length).map(() => rng.next()));
}

describe('dequantizeModel', () => {
  it('recovers LeNet-5 weights within half a step per channel and keeps the layer list', () => {
    const net = lenet5Random(11);
    const spec = convertToInt8(floatNetToGraph(net, { pixelScale: 1 / 255, mean: [0], std: [1] }), samples(20, 784));
    const back = dequantizeModel(spec);
    expect(back.layers.map((l) => l.kind)).toEqual(net.layers.map((l) => l.kind));
    net.layers.forEach((layer, i) => {
      const other = back.layers[i];
      if (layer.kind !== 'conv' && layer.kind !== 'dense') return;
      if (other.kind !== layer.kind) throw new Error('layer kinds differ');
      expect(other.activation).toEqual(layer.activation);
      const channels = layer.kind === 'conv' ? layer.outC : layer.outN;
      const per = layer.weights.length / channels;
      for (let c = 0; c < channels; c++) {
        let maxAbs = 0;
        for (let k = 0; k < per; k++) maxAbs = Math.max(maxAbs, Math.abs(layer.weights[c * per + k]));
        const halfStep = maxAbs / 127 / 2;
        for (let k = 0; k < per; k++) {
          expect(Math.abs(other.weights[c * per + k] - layer.weights[c * per + k])).toBeLessThanOrEqual(halfStep * 1.0001);
        }
      }
    });
  });

  it('counts MobileNetV1 0.25 @96 at about 7.2 M MACs and LeNet-5 at about 0.42 M', () => {
    const mobile = convertToInt8(floatNetToGraph(mobilenetV1Random(1), { pixelScale: 1 / 255, mean: [0], std: [1] }), samples(2, 96 * 96));
    expect(countMacs(mobile)).toBe(7_157_888);
    const lenet = convertToInt8(floatNetToGraph(lenet5Random(1), { pixelScale: 1 / 255, mean: [0], std: [1] }), samples(2, 784));
    expect(countMacs(lenet)).toBe(117_600 + 240_000 + 48_000 + 10_080 + 840);
  });
});

describe('activationOf', () => {
  const t = (scale: number, zeroPoint: number) => ({ shape: [1], scale, zeroPoint, offset: 0 });
  it('reads ReLU6, ReLU, none and other clamps back from int8 ranges', () => {
    expect(activationOf(-128, 127, t(6 / 255, -128))).toEqual({ kind: 'relu6' });
    expect(activationOf(-128, 127, t(0.0186, -128))).toEqual({ kind: 'relu' }); // saturates below 6
    expect(activationOf(-100, 127, t(0.1, -100))).toEqual({ kind: 'relu' });
    expect(activationOf(-128, 127, t(0.1, 3))).toEqual({ kind: 'none' });
    expect(activationOf(-100, 10, t(0.1, -100))).toEqual({ kind: 'clip', min: 0, max: expect.closeTo(11, 6) });
  });
});
