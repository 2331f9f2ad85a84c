import { describe, expect, it } from 'vitest';
import { createOptimizer, OPTIMIZERS } from '../../src/train/optimizers.js';
import { learningRate } from '../../src/train/schedule.js';

describe('optimizers', () => {
  // Reference values: torch.optim (1.13) on p = [1, -2], constant gradient g = [0.5, -1], lr 0.1,
  // three steps, computed by hand from the documented update rules.
  function run(name: Parameters<typeof createOptimizer>[0], steps = 3): number[] {
    const p = new Float32Array([1, -2]);
    const opt = createOptimizer(name, 2);
    for (let s = 0; s < steps; s++) opt.step(p, new Float32Array([0.5, -1]), 0.1);
    return Array.from(p);
  }

  it('SGD, momentum, Nesterov, weight decay', () => {
    expect(run({ name: 'sgd' })[0]).toBeCloseTo(1 - 3 * 0.05, 6);
    // momentum 0.9: buf = 0.5, 0.95, 1.355 -> p = 1 - 0.1 * (0.5 + 0.95 + 1.355)
    expect(run({ name: 'sgd', momentum: 0.9 })[0]).toBeCloseTo(1 - 0.1 * 2.805, 5);
    // nesterov: d + mu*buf = 0.95, 1.355, 1.7195
    expect(run({ name: 'sgd', momentum: 0.9, nesterov: true })[0]).toBeCloseTo(1 - 0.1 * (0.95 + 1.355 + 1.7195), 5);
    // one step with decay 0.1: d = 0.5 + 0.1 * 1
    expect(run({ name: 'sgd', weightDecay: 0.1 }, 1)[0]).toBeCloseTo(1 - 0.1 * 0.6, 6);
  });

  it('Adam moves each weight by about lr per step against the gradient sign; AdamW also shrinks', () => {
    const adam = run({ name: 'adam' });
    expect(adam[0]).toBeCloseTo(1 - 0.3, 4);
    expect(adam[1]).toBeCloseTo(-2 + 0.3, 4);
    const adamw = run({ name: 'adamw', weightDecay: 0.1 }, 1);
    expect(adamw[0]).toBeCloseTo(1 * (1 - 0.01) - 0.1, 4);
  });

  it('Adagrad and RMSprop', () => {
    // adagrad: sum = 0.25, 0.5, 0.75 -> steps 0.5/0.5, 0.5/0.7071, 0.5/0.8660
    expect(run({ name: 'adagrad' })[0]).toBeCloseTo(1 - 0.1 * (1 + 0.70711 + 0.57735), 4);
    // rmsprop one step: sq = 0.01 * 0.25 -> step 0.5 / 0.05 = 10
    expect(run({ name: 'rmsprop' }, 1)[0]).toBeCloseTo(1 - 0.1 * 10, 3);
  });

  it('every optimizer decreases a quadratic; state round-trips; unknown names are refused', () => {
    for (const name of OPTIMIZERS) {
      const p = new Float32Array([3, -4]);
      const opt = createOptimizer({ name, weightDecay: 0 }, 2);
      for (let s = 0; s < 200; s++) opt.step(p, Float32Array.from(p), name === 'adagrad' ? 0.5 : 0.05);
      expect(Math.hypot(p[0], p[1]), name).toBeLessThan(1);
      const copy = createOptimizer({ name }, 2);
      copy.restore(opt.state());
      expect(copy.state().step).toBe(200);
    }
    expect(() => createOptimizer({ name: 'lbfgs' as never }, 1)).toThrow(/unknown optimizer 'lbfgs'/);
  });
});

describe('schedules', () => {
  it('step, cosine, warm-up', () => {
    expect(learningRate({ name: 'step', stepEpochs: 2, gamma: 0.5 }, 1, 10, 3, 0, 10)).toBe(0.5);
    expect(learningRate({ name: 'cosine' }, 1, 10, 0, 0, 10)).toBe(1);
    expect(learningRate({ name: 'cosine' }, 1, 10, 5, 0, 10)).toBeCloseTo(0.5, 10);
    expect(learningRate({ name: 'cosine' }, 1, 10, 9, 10, 10)).toBeCloseTo(0, 10);
    expect(learningRate({ name: 'constant', warmupEpochs: 1 }, 1, 10, 0, 5, 10)).toBeCloseTo(0.55, 10);
  });
});
