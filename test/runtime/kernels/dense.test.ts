// dense (per-tensor and per-channel) against a float reference (within one step) and a TFLM-style
// integer reference (exactly equal).
import { describe, expect, it } from 'vitest';
import { OP_DENSE, type DenseOp } from '../../../src/format/schema.js';
import { quantizeMultiplier } from '../../../src/format/multiplier.js';
import { dense } from '../../../src/runtime/kernels/dense.js';
import { planOp } from '../../../src/runtime/plan.js';
import {
  calibrate, clampRef, mbqmRef, quantRef, randClamp, randInt, randInt8, randScale, rng, tensor,
} from '../reference.js';

describe('dense', () => {
  it('matches the TFLM integer reference exactly and the float reference within one step', () => {
    const r = rng(5);
    let outputs = 0;
    for (let t = 0; t < 200; t++) {
      const perTensor = t % 2 === 0;
      // A feature-map input is read flat.
      const inShape = t % 3 === 0 ? [randInt(r, 1, 4), randInt(r, 1, 4), randInt(r, 1, 8)] : [randInt(r, 1, 200)];
      const inN = inShape.reduce((a, b) => a * b, 1);
      const outN = randInt(r, 1, 40);
      const input = tensor(inShape, randScale(r, 0.005, 0.05), randInt(r, -128, 127), randInt8(r, inN));
      const weights = randInt8(r, outN * inN, -127, 127);
      const one = randScale(r, 0.002, 0.02);
      const wScale = Array.from({ length: outN }, () => (perTensor ? one : randScale(r, 0.002, 0.02)));
      const bias = Int32Array.from({ length: outN }, () => randInt(r, -5000, 5000));
      const reals = Array.from({ length: outN }, (_, o) => {
        let s = input.scale * wScale[o] * bias[o];
        for (let i = 0; i < inN; i++) s += input.scale * (input.data[i] - input.zeroPoint) * wScale[o] * weights[o * inN + i];
        return s;
      });
      const q = calibrate(reals);
      const output = tensor([outN], q.scale, q.zeroPoint);
      const nm = perTensor ? 1 : outN;
      const multiplier = new Int32Array(nm);
      const shift = new Int32Array(nm);
      for (let c = 0; c < nm; c++) {
        const qm = quantizeMultiplier((input.scale * wScale[c]) / output.scale);
        multiplier[c] = qm.multiplier;
        shift[c] = qm.shift;
      }
      const op: DenseOp = { type: OP_DENSE, inputs: [0], outputs: [1], ...randClamp(r, q.zeroPoint), weights, bias, multiplier, shift };
      dense(op, input, output);
      for (let o = 0; o < outN; o++) {
        // TFLM FullyConnected with filter_offset 0.
        let acc = 0;
        for (let d = 0; d < inN; d++) acc += weights[o * inN + d] * (input.data[d] + -input.zeroPoint);
        acc += bias[o];
        const k = perTensor ? 0 : o;
        const want = clampRef(mbqmRef(acc, multiplier[k], shift[k]) + output.zeroPoint, op.actMin, op.actMax);
        expect(output.data[o]).toBe(want);
        const wantFloat = clampRef(quantRef(reals[o], output.scale, output.zeroPoint), op.actMin, op.actMax);
        expect(Math.abs(output.data[o] - wantFloat)).toBeLessThanOrEqual(1);
      }
      // With a load-time plan (folded zero point, fast requantization): the same bytes.
      const planned = tensor([outN], q.scale, q.zeroPoint);
      planOp(op, input, planned);
      dense(op, input, planned);
      expect(Array.from(planned.data)).toEqual(Array.from(output.data));
      outputs += outN;
    }
    expect(outputs).toBeGreaterThan(3000);
  });
});
