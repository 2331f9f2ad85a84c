// MobileNets: V1 (Howard et al. 2017: depthwise-separable convs, width multiplier alpha, resolution
// multiplier rho), V2 (Sandler et al. 2018: inverted residuals with linear bottlenecks) and a
// V3-small-style net (Howard et al. 2019: hard-swish, squeeze-and-excite), sized for 28x28 input.
import type { Model } from '../model.js';
import type { Activation, Builder } from './builder.js';
import { makeDivisible, scaled } from './builder.js';
import { start, type ZooBase } from './common.js';

export interface MobileNetV1Options extends ZooBase {
  /** Width multiplier: every layer's channels times alpha. */
  alpha?: number;
  /** Resolution multiplier: input side = round(28 * rho) (or use inputShape directly). */
  rho?: number;
  stem?: number;
  /** Depthwise-separable layers as [pointwise channels, depthwise stride]. */
  layers?: Array<[number, number]>;
  activation?: Activation;
  dropout?: number;
}

/** The "MobileNetV1-tiny" by default: conv3x3(16) then depthwise-separable 32s2, 64s2, 64, 128s2,
 *  128, global pool, dense; BN + ReLU6 after every conv (36.9k parameters at alpha 1). */
export function mobilenetV1(o: MobileNetV1Options = {}): Model {
  const alpha = o.alpha ?? 1;
  const side = Math.round(28 * (o.rho ?? 1));
  const { b, model, classes } = start('mobilenet-v1', { ...o, inputShape: o.inputShape ?? [side, side, 1] });
  const act = o.activation ?? 'relu6';
  let x = b.convBnAct(b.input, scaled(o.stem ?? 16, alpha), 3, act);
  for (const [channels, stride] of o.layers ?? [[32, 2], [64, 2], [64, 1], [128, 2], [128, 1]]) {
    const c = b.channels(x);
    x = b.convBnAct(x, c, 3, act, { stride, groups: c });
    x = b.convBnAct(x, scaled(channels, alpha), 1, act);
  }
  b.poolHead(x, classes, o.dropout ?? 0);
  return model;
}

export interface MobileNetV2Options extends ZooBase {
  alpha?: number;
  rho?: number;
  stem?: number;
  /** Inverted residual stages as [expansion t, channels c, repeats n, first stride s]. */
  stages?: Array<[number, number, number, number]>;
  lastChannels?: number;
  dropout?: number;
}

function invertedResidual(b: Builder, x: string, t: number, out: number, stride: number, act: Activation,
  kernel = 3, se = false): string {
  const inC = b.channels(x);
  const hidden = Math.round(inC * t);
  let y = x;
  if (t !== 1) y = b.convBnAct(y, hidden, 1, act);
  y = b.convBnAct(y, hidden, kernel, act, { stride, groups: hidden });
  if (se) y = squeezeExcite(b, y);
  y = b.convBnAct(y, out, 1, 'none'); // linear bottleneck: no activation after the projection
  return stride === 1 && inC === out ? b.addTensors(x, y) : y;
}

export function mobilenetV2(o: MobileNetV2Options = {}): Model {
  const alpha = o.alpha ?? 1;
  const side = Math.round(28 * (o.rho ?? 1));
  const { b, model, classes } = start('mobilenet-v2', { ...o, inputShape: o.inputShape ?? [side, side, 1] });
  let x = b.convBnAct(b.input, makeDivisible((o.stem ?? 16) * alpha), 3, 'relu6');
  for (const [t, c, n, s] of o.stages ?? [[1, 8, 1, 1], [6, 16, 2, 2], [6, 24, 2, 2], [6, 32, 2, 1]]) {
    for (let i = 0; i < n; i++) x = invertedResidual(b, x, t, makeDivisible(c * alpha), i === 0 ? s : 1, 'relu6');
  }
  x = b.convBnAct(x, makeDivisible((o.lastChannels ?? 128) * Math.max(1, alpha)), 1, 'relu6');
  b.poolHead(x, classes, o.dropout ?? 0);
  return model;
}

/** Squeeze-and-excite: global pool -> 1x1 reduce (ReLU) -> 1x1 expand (hard-sigmoid) -> scale. */
function squeezeExcite(b: Builder, x: string): string {
  const c = b.channels(x);
  let s = b.globalAvgPool(x);
  s = b.act(b.conv(s, makeDivisible(c / 4), 1), 'relu');
  s = b.act(b.conv(s, c, 1), 'hardSigmoid');
  return b.mul(x, s);
}

export interface MobileNetV3Options extends ZooBase {
  alpha?: number;
  rho?: number;
  /** Bottlenecks as [kernel, expansion channels, out channels, SE, activation, stride]. */
  blocks?: Array<[number, number, number, boolean, 'relu' | 'hardSwish', number]>;
  lastChannels?: number;
  hidden?: number;
  dropout?: number;
}

export function mobilenetV3Small(o: MobileNetV3Options = {}): Model {
  const alpha = o.alpha ?? 1;
  const side = Math.round(28 * (o.rho ?? 1));
  const { b, model, classes } = start('mobilenet-v3-small', { ...o, inputShape: o.inputShape ?? [side, side, 1] });
  let x = b.convBnAct(b.input, makeDivisible(16 * alpha), 3, 'hardSwish');
  const blocks = o.blocks ?? [
    [3, 16, 16, true, 'relu', 2], // 14
    [3, 48, 24, false, 'relu', 2], // 7
    [3, 72, 24, false, 'relu', 1],
    [5, 96, 40, true, 'hardSwish', 2], // 4
    [5, 120, 40, true, 'hardSwish', 1],
  ];
  for (const [k, exp, out, se, act, s] of blocks) {
    const inC = b.channels(x);
    x = invertedResidual(b, x, makeDivisible(exp * alpha) / inC, makeDivisible(out * alpha), s, act, k, se);
  }
  x = b.convBnAct(x, makeDivisible((o.lastChannels ?? 144) * alpha), 1, 'hardSwish');
  x = b.flatten(b.globalAvgPool(x));
  x = b.act(b.dense(x, o.hidden ?? 128), 'hardSwish');
  x = b.dropout(x, o.dropout ?? 0.2);
  b.dense(x, classes, 'logits');
  return model;
}

