// A small vocabulary for writing networks the way papers draw them: conv-BN-activation units,
// pools, dense heads and the merges of branches. Every helper returns the new tensor's name.
import { TinyconvError } from '../../format/errors.js';
import { Model } from '../model.js';
import { Conv2d, type Conv2dOptions } from '../layers/conv2d.js';
import { BatchNorm } from '../layers/batchnorm.js';
import { HardSigmoid, HardSwish, LeakyRelu, PRelu, Relu, Relu6, Sigmoid, Tanh } from '../layers/activations.js';
import { AvgPool, GlobalAvgPool, MaxPool, type PoolOptions } from '../layers/pool.js';
import { Dense } from '../layers/dense.js';
import { Add, Concat, Dropout, Flatten, Mul } from '../layers/shape-ops.js';
import type { Layer } from '../layer.js';

export type Activation = 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'hardSwish' | 'hardSigmoid' | 'leakyRelu' | 'prelu' | 'none';
export const ACTIVATIONS: Activation[] = ['relu', 'relu6', 'sigmoid', 'tanh', 'hardSwish', 'hardSigmoid', 'leakyRelu', 'prelu', 'none'];

export class Builder {
  private dropouts = 0;
  constructor(readonly model: Model) {}

  get input(): string {
    return 'input';
  }

  private add(layer: Layer, inputs: string | string[], name?: string): string {
    return this.model.add(layer, inputs, name);
  }

  conv(x: string, outChannels: number, kernel: number, o: Omit<Conv2dOptions, 'outChannels' | 'kernel'> & { name?: string } = {}): string {
    const { name, ...rest } = o;
    // 'same'-style symmetric padding for odd kernels at stride 1, PyTorch's usual padding = k // 2.
    const d = typeof rest.dilation === 'number' ? rest.dilation : 1;
    return this.add(new Conv2d({ outChannels, kernel, padding: Math.floor(kernel / 2) * d, ...rest }), x, name);
  }

  bn(x: string, name?: string): string {
    return this.add(new BatchNorm(), x, name);
  }

  act(x: string, kind: Activation, name?: string): string {
    switch (kind) {
      case 'none': return x;
      case 'relu': return this.add(new Relu(), x, name);
      case 'relu6': return this.add(new Relu6(), x, name);
      case 'sigmoid': return this.add(new Sigmoid(), x, name);
      case 'tanh': return this.add(new Tanh(), x, name);
      case 'hardSwish': return this.add(new HardSwish(), x, name);
      case 'hardSigmoid': return this.add(new HardSigmoid(), x, name);
      case 'leakyRelu': return this.add(new LeakyRelu(0.01), x, name);
      case 'prelu': return this.add(new PRelu(), x, name);
      default: throw new TinyconvError('TRAIN_BAD_OPTION', `unknown activation '${String(kind)}' (expected ${ACTIVATIONS.join(', ')})`);
    }
  }

  /** conv (no bias when followed by BN) -> BN -> activation: the unit of every modern CNN. */
  convBnAct(x: string, outChannels: number, kernel: number, act: Activation,
    o: { stride?: number; groups?: number; bn?: boolean; name?: string } = {}): string {
    const bn = o.bn !== false;
    const name = o.name;
    const y = this.conv(x, outChannels, kernel, { stride: o.stride ?? 1, groups: o.groups ?? 1, bias: !bn, name });
    if (!bn) return this.act(y, act, name ? `${name}_${act}` : undefined);
    if (act === 'relu' || act === 'relu6') return this.model.add(new BatchNorm({ activation: act }), y, name ? `${name}_bn` : undefined);
    return this.act(this.bn(y, name ? `${name}_bn` : undefined), act, name ? `${name}_${act}` : undefined);
  }

  maxPool(x: string, kernel: number, stride = kernel, padding = 0): string {
    return this.add(new MaxPool({ kernel, stride, padding } as PoolOptions), x);
  }

  avgPool(x: string, kernel: number, stride = kernel, padding = 0): string {
    return this.add(new AvgPool({ kernel, stride, padding }), x);
  }

  globalAvgPool(x: string): string {
    return this.add(new GlobalAvgPool(), x);
  }

  flatten(x: string): string {
    return this.add(new Flatten(), x);
  }

  dense(x: string, units: number, name?: string): string {
    return this.add(new Dense({ units }), x, name);
  }

  dropout(x: string, rate: number): string {
    if (rate <= 0) return x;
    return this.add(new Dropout(rate, this.dropouts++), x);
  }

  addTensors(a: string, b: string): string {
    return this.add(new Add(), [a, b]);
  }

  mul(x: string, gate: string): string {
    return this.add(new Mul(), [x, gate]);
  }

  concat(xs: string[]): string {
    return this.add(new Concat(), xs);
  }

  channels(x: string): number {
    const s = this.model.shapeOf(x);
    return s[s.length - 1];
  }

  /** Global pool -> flatten -> (dropout) -> dense classifier, the head most zoo models share. */
  poolHead(x: string, classes: number, dropout = 0): string {
    let y = this.flatten(this.globalAvgPool(x));
    y = this.dropout(y, dropout);
    return this.dense(y, classes, 'logits');
  }
}

/** Channel count scaled by a width multiplier, at least `min`. */
export function scaled(channels: number, alpha: number, min = 1): number {
  return Math.max(min, Math.round(channels * alpha));
}

/** MobileNetV2/V3 rounding: the nearest multiple of `divisor`, not below 90% of the target. */
export function makeDivisible(v: number, divisor = 8): number {
  const n = Math.max(divisor, Math.floor(v / divisor + 0.5) * divisor);
  return n < 0.9 * v ? n + divisor : n;
}
