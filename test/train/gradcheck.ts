// Finite-difference gradient checking for layers and models. The layers compute in float32, so the
// loss is accumulated in float64 and central differences use a step (1e-2) large enough that float32
// rounding stays well below the tolerance; smooth layers match to ~1e-4 relative.
import { Rng } from '../../src/data/random.js';
import type { Context, Layer } from '../../src/train/layer.js';
import { SOLO } from '../../src/train/layer.js';

export function ctxFor(batch: number, training = true): Context {
  return { training, batch, sampleOffset: 0, stepSeed: 12345, collective: SOLO };
}

export function randomArray(n: number, rng: Rng, scale = 1, awayFrom?: number[]): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = (2 * rng.next() - 1) * scale;
    while (awayFrom && awayFrom.some((k) => Math.abs(v - k) < 0.06));
    a[i] = v;
  }
  return a;
}

export interface CheckResult {
  worst: number;
  where: string;
}

/** Checks every input and parameter gradient of `layer` against central differences of
 *  L = sum(out * R) (R fixed random), for `batch` samples of the given per-sample input shapes. */
export function gradCheckLayer(layer: Layer, inputShapes: number[][], opts: {
  batch?: number; seed?: number; training?: boolean; eps?: number; inputs?: Float32Array[]; awayFrom?: number[];
} = {}): CheckResult {
  const rng = new Rng(opts.seed ?? 1);
  const batch = opts.batch ?? 2;
  const outShape = layer.setup(inputShapes, rng);
  const inputs = opts.inputs ?? inputShapes.map((s) => randomArray(batch * s.reduce((a, b) => a * b, 1), rng, 1, opts.awayFrom));
  const outSize = batch * outShape.reduce((a, b) => a * b, 1);
  const R = randomArray(outSize, rng);
  const ctx = ctxFor(batch, opts.training ?? true);
  const loss = (): number => {
    const out = layer.forward(inputs, ctx);
    let s = 0;
    for (let i = 0; i < outSize; i++) s += out[i] * R[i];
    return s;
  };
  for (const p of layer.params) p.grad.fill(0);
  loss();
  const inGrads = layer.backward(R, inputs.map(() => true), ctx).map((g, k) => (g ? Float32Array.from(g.subarray(0, inputs[k].length)) : null));
  const paramGrads = layer.params.map((p) => Float32Array.from(p.grad));
  const eps = opts.eps ?? 1e-2;
  let worst = 0, where = '';
  const check = (arr: Float32Array, analytic: Float32Array, label: string) => {
    for (let i = 0; i < arr.length; i++) {
      const keep = arr[i];
      arr[i] = keep + eps; const lp = loss();
      arr[i] = keep - eps; const lm = loss();
      arr[i] = keep;
      const numeric = (lp - lm) / (2 * eps);
      const err = Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
      if (err > worst) { worst = err; where = `${label}[${i}]: numeric ${numeric}, analytic ${analytic[i]}`; }
    }
  };
  inputs.forEach((x, k) => check(x, inGrads[k]!, `input${k}`));
  layer.params.forEach((p, k) => check(p.data, paramGrads[k], p.name));
  return { worst, where };
}
