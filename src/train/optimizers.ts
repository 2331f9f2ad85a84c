// Optimisers over the model's flat parameter and gradient arrays, with PyTorch's update rules
// (torch.optim 1.13) so recipes carry over: weight decay is L2 added to the gradient except in
// AdamW, where it is decoupled (p -= lr * wd * p before the Adam step).
import { TinyconvError } from '../format/errors.js';

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'adagrad' | 'rmsprop';
export const OPTIMIZERS: OptimizerName[] = ['sgd', 'adam', 'adamw', 'adagrad', 'rmsprop'];

export interface OptimizerOptions {
  name: OptimizerName;
  weightDecay?: number;
  /** SGD / RMSprop momentum. */
  momentum?: number;
  nesterov?: boolean;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** RMSprop smoothing constant. */
  alpha?: number;
}

export interface OptimizerState {
  step: number;
  slots: Float32Array[];
}

export interface Optimizer {
  readonly options: Required<OptimizerOptions>;
  /** One update of `params` from `grads` at learning rate `lr`. */
  step(params: Float32Array, grads: Float32Array, lr: number): void;
  state(): OptimizerState;
  restore(s: OptimizerState): void;
}

const DEFAULTS: Record<OptimizerName, Omit<Required<OptimizerOptions>, 'name'>> = {
  sgd: { weightDecay: 0, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99 },
  adam: { weightDecay: 0, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99 },
  adamw: { weightDecay: 0.01, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99 },
  adagrad: { weightDecay: 0, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-10, alpha: 0.99 },
  rmsprop: { weightDecay: 0, momentum: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, alpha: 0.99 },
};

export function createOptimizer(opts: OptimizerOptions, size: number): Optimizer {
  if (!OPTIMIZERS.includes(opts.name)) {
    throw new TinyconvError('TRAIN_UNKNOWN_OPTIMIZER', `unknown optimizer '${String(opts.name)}' (expected ${OPTIMIZERS.join(', ')})`);
  }
  const o: Required<OptimizerOptions> = { name: opts.name, ...DEFAULTS[opts.name] };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  if (o.nesterov && (o.name !== 'sgd' || o.momentum <= 0)) {
    throw new TinyconvError('TRAIN_BAD_OPTION', 'Nesterov momentum needs the sgd optimizer and a momentum > 0');
  }
  const slotCount = { sgd: o.momentum > 0 ? 1 : 0, adam: 2, adamw: 2, adagrad: 1, rmsprop: o.momentum > 0 ? 2 : 1 }[o.name];
  const slots = Array.from({ length: slotCount }, () => new Float32Array(size));
  let t = 0;
  const stepFns: Record<OptimizerName, (p: Float32Array, g: Float32Array, lr: number) => void> = {
    sgd(p, g, lr) {
      const wd = o.weightDecay, mu = o.momentum, v = slots[0];
      for (let i = 0; i < p.length; i++) {
        let d = g[i] + wd * p[i];
        if (mu > 0) {
          // torch: buf = mu * buf + d (first step: buf = d, which this is since buf starts at 0)
          v[i] = mu * v[i] + d;
          d = o.nesterov ? d + mu * v[i] : v[i];
        }
        p[i] -= lr * d;
      }
    },
    adam(p, g, lr) { adamStep(p, g, lr, false); },
    adamw(p, g, lr) { adamStep(p, g, lr, true); },
    adagrad(p, g, lr) {
      const wd = o.weightDecay, s = slots[0], eps = o.eps;
      for (let i = 0; i < p.length; i++) {
        const d = g[i] + wd * p[i];
        s[i] += d * d;
        p[i] -= lr * d / (Math.sqrt(s[i]) + eps);
      }
    },
    rmsprop(p, g, lr) {
      const wd = o.weightDecay, a = o.alpha, sq = slots[0], eps = o.eps, mu = o.momentum;
      for (let i = 0; i < p.length; i++) {
        const d = g[i] + wd * p[i];
        sq[i] = a * sq[i] + (1 - a) * d * d;
        const u = d / (Math.sqrt(sq[i]) + eps);
        if (mu > 0) {
          slots[1][i] = mu * slots[1][i] + u;
          p[i] -= lr * slots[1][i];
        } else {
          p[i] -= lr * u;
        }
      }
    },
  };
  function adamStep(p: Float32Array, g: Float32Array, lr: number, decoupled: boolean): void {
    const b1 = o.beta1, b2 = o.beta2, eps = o.eps, wd = o.weightDecay, m = slots[0], v = slots[1];
    const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
    const stepSize = lr / c1, sqrtC2 = Math.sqrt(c2);
    for (let i = 0; i < p.length; i++) {
      let d = g[i];
      if (decoupled) p[i] -= lr * wd * p[i];
      else d += wd * p[i];
      m[i] = b1 * m[i] + (1 - b1) * d;
      v[i] = b2 * v[i] + (1 - b2) * d * d;
      p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / sqrtC2 + eps);
    }
  }
  return {
    options: o,
    step(p, g, lr) {
      t++;
      stepFns[o.name](p, g, lr);
    },
    state: () => ({ step: t, slots: slots.map((s) => Float32Array.from(s)) }),
    restore(s) {
      if (s.slots.length !== slots.length || s.slots.some((x, i) => x.length !== slots[i].length)) {
        throw new TinyconvError('TRAIN_BAD_CHECKPOINT', `optimizer state does not match ${o.name} for ${size} parameters`);
      }
      t = s.step;
      s.slots.forEach((x, i) => slots[i].set(x));
    },
  };
}
