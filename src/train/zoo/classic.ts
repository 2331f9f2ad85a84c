// The early CNNs: a two-conv SimpleCNN, LeNet-5 (LeCun et al. 1998), a small AlexNet
// (Krizhevsky et al. 2012), VGG blocks (Simonyan & Zisserman 2014) and Network in Network
// (Lin et al. 2013), sized for 28x28 grayscale input.
import type { Model } from '../model.js';
import type { Activation } from './builder.js';
import { scaled } from './builder.js';
import { start, type ZooBase } from './common.js';

export interface SimpleCnnOptions extends ZooBase {
  filters?: [number, number];
  hidden?: number;
  dropout?: number;
}

/** conv3x3 -> ReLU -> maxpool, twice, then dropout and two dense layers. */
export function simpleCnn(o: SimpleCnnOptions = {}): Model {
  const { b, model, classes } = start('simple-cnn', o);
  const [f1, f2] = o.filters ?? [16, 32];
  let x = b.maxPool(b.act(b.conv(b.input, f1, 3), 'relu'), 2);
  x = b.maxPool(b.act(b.conv(x, f2, 3), 'relu'), 2);
  x = b.dropout(b.flatten(x), o.dropout ?? 0.25);
  x = b.act(b.dense(x, o.hidden ?? 64), 'relu');
  b.dense(x, classes, 'logits');
  return model;
}

export interface LeNetOptions extends ZooBase {
  /** 'original': sigmoid + average pooling as in the paper; 'relu': ReLU + max pooling. */
  variant?: 'original' | 'relu';
}

/** LeNet-5: conv5x5(6, pad 2) -> pool -> conv5x5(16) -> pool -> 120 -> 84 -> classes. */
export function lenet5(o: LeNetOptions = {}): Model {
  const original = (o.variant ?? 'relu') === 'original';
  const { b, model, classes } = start(original ? 'lenet5-original' : 'lenet5', o);
  const act: Activation = original ? 'sigmoid' : 'relu';
  const pool = (x: string) => (original ? b.avgPool(x, 2) : b.maxPool(x, 2));
  let x = pool(b.act(b.conv(b.input, 6, 5, { padding: 2 }), act));
  x = pool(b.act(b.conv(x, 16, 5, { padding: 0 }), act));
  x = b.flatten(x);
  x = b.act(b.dense(x, 120), act);
  x = b.act(b.dense(x, 84), act);
  b.dense(x, classes, 'logits');
  return model;
}

export interface AlexNetOptions extends ZooBase {
  /** Width multiplier on the five conv layers (16, 32, 48, 48, 32 at 1). */
  width?: number;
  hidden?: number;
  dropout?: number;
}

/** AlexNet's shape (five convs, three pools, two wide dense layers with dropout), scaled to 28x28. */
export function alexnetSmall(o: AlexNetOptions = {}): Model {
  const { b, model, classes } = start('alexnet-small', o);
  const w = o.width ?? 1;
  const c = [16, 32, 48, 48, 32].map((v) => scaled(v, w));
  let x = b.maxPool(b.act(b.conv(b.input, c[0], 5), 'relu'), 2); // 14
  x = b.maxPool(b.act(b.conv(x, c[1], 3), 'relu'), 2); // 7
  x = b.act(b.conv(x, c[2], 3), 'relu');
  x = b.act(b.conv(x, c[3], 3), 'relu');
  x = b.maxPool(b.act(b.conv(x, c[4], 3), 'relu'), 3, 2); // 3
  x = b.flatten(x);
  const hidden = o.hidden ?? 256, drop = o.dropout ?? 0.5;
  x = b.dropout(b.act(b.dense(x, hidden), 'relu'), drop);
  x = b.dropout(b.act(b.dense(x, hidden), 'relu'), drop);
  b.dense(x, classes, 'logits');
  return model;
}

export interface VggOptions extends ZooBase {
  /** [convs, channels] per block; each block ends with a 2x2 max pool. */
  blocks?: Array<[number, number]>;
  batchNorm?: boolean;
  hidden?: number;
  dropout?: number;
}

/** VGG: blocks of 3x3 convs and a max pool, then a dense head. */
export function vgg(o: VggOptions = {}): Model {
  const { b, model, classes } = start('vgg', o);
  let x = b.input;
  for (const [convs, channels] of o.blocks ?? [[1, 16], [1, 32], [2, 64]]) {
    for (let i = 0; i < convs; i++) x = b.convBnAct(x, channels, 3, 'relu', { bn: o.batchNorm ?? false });
    x = b.maxPool(x, 2);
  }
  x = b.flatten(x);
  x = b.dropout(b.act(b.dense(x, o.hidden ?? 128), 'relu'), o.dropout ?? 0.5);
  b.dense(x, classes, 'logits');
  return model;
}

export interface NinOptions extends ZooBase {
  /** Channels of the three NiN blocks before the class block. */
  channels?: [number, number];
  dropout?: number;
}

/** Network in Network: kxk conv followed by two 1x1 convs (per-pixel MLPs), no dense layers: the
 *  last block outputs one map per class and global average pooling reads them out. */
export function nin(o: NinOptions = {}): Model {
  const { b, model, classes } = start('nin', o);
  const block = (x: string, c: number, k: number) => {
    let y = b.act(b.conv(x, c, k), 'relu');
    y = b.act(b.conv(y, c, 1), 'relu');
    return b.act(b.conv(y, c, 1), 'relu');
  };
  const [c1, c2] = o.channels ?? [32, 64];
  let x = b.maxPool(block(b.input, c1, 5), 3, 2); // 13
  x = b.maxPool(block(x, c2, 3), 3, 2); // 6
  x = b.dropout(x, o.dropout ?? 0.5);
  x = block(x, classes, 3);
  b.flatten(b.globalAvgPool(x));
  return model;
}
