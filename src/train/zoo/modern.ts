// Networks with branches: GoogLeNet's Inception blocks (Szegedy et al. 2014), ResNet basic blocks
// with projection shortcuts (He et al. 2015) and DenseNet dense blocks with transitions (Huang et
// al. 2016), sized for 28x28 input.
import type { Model } from '../model.js';
import type { Builder } from './builder.js';
import { scaled } from './builder.js';
import { start, type ZooBase } from './common.js';

/** [1x1, [3x3 reduce, 3x3], [5x5 reduce, 5x5], pool proj] channels. */
export type InceptionSpec = [number, [number, number], [number, number], number];

function inception(b: Builder, x: string, [c1, [r3, c3], [r5, c5], cp]: InceptionSpec): string {
  const p1 = b.convBnAct(x, c1, 1, 'relu');
  const p2 = b.convBnAct(b.convBnAct(x, r3, 1, 'relu'), c3, 3, 'relu');
  const p3 = b.convBnAct(b.convBnAct(x, r5, 1, 'relu'), c5, 5, 'relu');
  const p4 = b.convBnAct(b.maxPool(x, 3, 1, 1), cp, 1, 'relu');
  return b.concat([p1, p2, p3, p4]);
}

export interface GoogLeNetOptions extends ZooBase {
  stem?: number;
  /** Inception blocks; 'pool' between them is a 3x3 stride-2 max pool. */
  blocks?: Array<InceptionSpec | 'pool'>;
  dropout?: number;
}

export function googlenetSmall(o: GoogLeNetOptions = {}): Model {
  const { b, model, classes } = start('googlenet-small', o);
  let x = b.convBnAct(b.input, o.stem ?? 32, 3, 'relu');
  x = b.maxPool(x, 3, 2, 1); // 14
  const blocks = o.blocks ?? [[16, [16, 24], [4, 8], 8], [24, [24, 32], [6, 12], 12], 'pool', [32, [24, 48], [6, 12], 16]];
  for (const spec of blocks) x = spec === 'pool' ? b.maxPool(x, 3, 2, 1) : inception(b, x, spec);
  b.poolHead(x, classes, o.dropout ?? 0);
  return model;
}

export interface ResNetOptions extends ZooBase {
  /** Channels per stage; every stage after the first halves the resolution. */
  widths?: number[];
  /** Basic blocks per stage (ResNet-20 has 3). */
  blocksPerStage?: number;
}

/** Two 3x3 conv-BN units with an identity shortcut, or a 1x1 conv-BN projection when the shape
 *  changes; ReLU after the sum. */
function basicBlock(b: Builder, x: string, channels: number, stride: number): string {
  let y = b.convBnAct(x, channels, 3, 'relu', { stride });
  y = b.convBnAct(y, channels, 3, 'none');
  const shortcut = stride !== 1 || b.channels(x) !== channels ? b.convBnAct(x, channels, 1, 'none', { stride }) : x;
  return b.act(b.addTensors(y, shortcut), 'relu');
}

export function resnetSmall(o: ResNetOptions = {}): Model {
  const { b, model, classes } = start('resnet-small', o);
  const widths = o.widths ?? [16, 32, 64];
  let x = b.convBnAct(b.input, widths[0], 3, 'relu');
  widths.forEach((w, stage) => {
    for (let i = 0; i < (o.blocksPerStage ?? 2); i++) x = basicBlock(b, x, w, stage > 0 && i === 0 ? 2 : 1);
  });
  b.poolHead(x, classes);
  return model;
}

export interface DenseNetOptions extends ZooBase {
  growth?: number;
  /** Layers per dense block. */
  blocks?: number[];
  /** Transition compression factor theta. */
  compression?: number;
}

/** Each layer: BN -> ReLU -> conv3x3(growth), concatenated onto its input; transitions: BN -> ReLU
 *  -> conv1x1 (theta * channels) -> 2x2 average pool. */
export function densenetSmall(o: DenseNetOptions = {}): Model {
  const { b, model, classes } = start('densenet-small', o);
  const k = o.growth ?? 12, theta = o.compression ?? 0.5;
  const blocks = o.blocks ?? [4, 4, 4];
  let x = b.conv(b.input, 2 * k, 3, { bias: false });
  blocks.forEach((layers, i) => {
    for (let l = 0; l < layers; l++) {
      const y = b.conv(b.act(b.bn(x), 'relu'), k, 3, { bias: false });
      x = b.concat([x, y]);
    }
    if (i < blocks.length - 1) {
      x = b.conv(b.act(b.bn(x), 'relu'), scaled(b.channels(x), theta), 1, { bias: false });
      x = b.avgPool(x, 2);
    }
  });
  x = b.act(b.bn(x), 'relu');
  b.poolHead(x, classes);
  return model;
}
