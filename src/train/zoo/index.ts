// The model zoo by name: what the CLI's --model and a checkpoint's recorded recipe refer to.
// Each entry lists the knobs it accepts, so an unknown option is refused instead of ignored.
import { TinyconvError } from '../../format/errors.js';
import type { Model } from '../model.js';
import { alexnetSmall, lenet5, nin, simpleCnn, vgg } from './classic.js';
import { densenetSmall, googlenetSmall, resnetSmall } from './modern.js';
import { mobilenetV1, mobilenetV2, mobilenetV3Small } from './mobilenet.js';

export interface ZooEntry {
  summary: string;
  knobs: string[];
  build(options: Record<string, unknown>): Model;
}

const BASE = ['classes', 'inputShape', 'seed'];

export const ZOO: Record<string, ZooEntry> = {
  'simple-cnn': { summary: 'two 3x3 convs with max pooling, dropout, two dense layers', knobs: ['filters', 'hidden', 'dropout'], build: (o) => simpleCnn(o) },
  lenet5: { summary: 'LeNet-5, ReLU + max-pool variant (--variant original: sigmoid + avg-pool)', knobs: ['variant'], build: (o) => lenet5(o) },
  'lenet5-original': { summary: 'LeNet-5 as published: sigmoid + average pooling', knobs: [], build: (o) => lenet5({ ...o, variant: 'original' }) },
  'alexnet-small': { summary: 'AlexNet shape scaled to 28x28 (five convs, dropout dense head)', knobs: ['width', 'hidden', 'dropout'], build: (o) => alexnetSmall(o) },
  vgg: { summary: 'VGG blocks of 3x3 convs + max pool (configurable blocks, optional BN)', knobs: ['blocks', 'batchNorm', 'hidden', 'dropout'], build: (o) => vgg(o) },
  nin: { summary: 'Network in Network: 1x1-conv MLP blocks, global average pooling, no dense', knobs: ['channels', 'dropout'], build: (o) => nin(o) },
  'googlenet-small': { summary: 'GoogLeNet-style Inception blocks', knobs: ['stem', 'blocks', 'dropout'], build: (o) => googlenetSmall(o) },
  'resnet-small': { summary: 'ResNet basic blocks with 1x1 projection shortcuts', knobs: ['widths', 'blocksPerStage'], build: (o) => resnetSmall(o) },
  'densenet-small': { summary: 'DenseNet dense blocks (growth k) with compressing transitions', knobs: ['growth', 'blocks', 'compression'], build: (o) => densenetSmall(o) },
  'mobilenet-v1': { summary: 'MobileNetV1-tiny: depthwise-separable convs, BN + ReLU6 (alpha, rho)', knobs: ['alpha', 'rho', 'stem', 'layers', 'activation', 'dropout'], build: (o) => mobilenetV1(o) },
  'mobilenet-v2': { summary: 'MobileNetV2: inverted residuals with linear bottlenecks (alpha, rho)', knobs: ['alpha', 'rho', 'stem', 'stages', 'lastChannels', 'dropout'], build: (o) => mobilenetV2(o) },
  'mobilenet-v3-small': { summary: 'MobileNetV3-small style: hard-swish, squeeze-and-excite (alpha, rho)', knobs: ['alpha', 'rho', 'blocks', 'lastChannels', 'hidden', 'dropout'], build: (o) => mobilenetV3Small(o) },
};

export const MODEL_NAMES = Object.keys(ZOO);

/** Builds a zoo model by name, refusing unknown names and knobs with a TinyconvError. */
export function buildModel(name: string, options: Record<string, unknown> = {}): Model {
  const entry = ZOO[name];
  if (!entry) throw new TinyconvError('TRAIN_UNKNOWN_MODEL', `unknown model '${name}' (expected one of ${MODEL_NAMES.join(', ')})`);
  for (const k of Object.keys(options)) {
    if (options[k] === undefined) continue;
    if (!entry.knobs.includes(k) && !BASE.includes(k)) {
      throw new TinyconvError('TRAIN_UNKNOWN_OPTION', `model '${name}' has no option '${k}' (it accepts ${[...entry.knobs, ...BASE].join(', ')})`);
    }
  }
  return entry.build(options);
}

export { simpleCnn, lenet5, alexnetSmall, vgg, nin, googlenetSmall, resnetSmall, densenetSmall, mobilenetV1, mobilenetV2, mobilenetV3Small };
