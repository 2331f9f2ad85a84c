// The report's data: everything evaluate.ts measures, in one plain object that html.ts, markdown.ts
// and json.ts render. Keeping measurement and presentation apart lets the renderers be tested on
// synthetic numbers and the evaluation be tested without parsing HTML.
import type { Proportion } from './metrics.js';

/** A small 8-bit image (dataset sample or normalised feature map). */
export interface ImageData8 {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface FlippedSample {
  /** Index in the evaluated dataset split. */
  index: number;
  label: number;
  floatPredicted: number;
  int8Predicted: number;
  image?: ImageData8;
}

export interface ClassRow {
  label: string;
  float: Proportion;
  int8: Proportion;
}

/** One int8 tensor compared with the float tensor of the same name. */
export interface SqnrRow {
  tensor: string;
  /** The first float node of the fused chain that writes it (e.g. the conv before its BN and ReLU6). */
  layer: string;
  /** The float ops of that chain, joined by '+' (e.g. 'conv2d+batchnorm+relu6'). */
  op: string;
  /** dB; +Infinity means the int8 tensor reproduced the float one exactly. */
  db: number;
}

export interface CalibrationRow {
  method: string;
  perChannel: boolean;
  int8: Proportion;
  /** Agreement with the float model's predictions. */
  agreement: Proportion;
  /** Marks the configuration the compared .tcm was (probably) made with: the default. */
  isDefault?: boolean;
}

export interface CalibrationComparison {
  /** Training images the ranges were measured on. */
  calibrationCount: number;
  /** Test images each configuration was evaluated on (the first N of the report's). */
  evaluated: number;
  /** The float model's accuracy on those same images, the baseline of each row. */
  float: Proportion;
  rows: CalibrationRow[];
}

export interface LayerRow {
  name: string;
  op: string;
  outputShape: number[];
  params: number;
  macs: number;
}

export interface FeatureMapLayer {
  /** The float tensor name. */
  name: string;
  op: string;
  shape: number[];
  /** Total channels in the tensor (only the first `channels.length` are drawn). */
  channelCount: number;
  /** One normalised grayscale image per drawn channel. */
  channels: ImageData8[];
}

export interface FeatureMaps {
  sampleIndex: number;
  label: number;
  floatPredicted: number;
  image: ImageData8;
  layers: FeatureMapLayer[];
}

export interface ReportData {
  title: string;
  createdAt: string;
  models: {
    floatPath: string;
    int8Path: string;
    name: string;
    inputShape: number[];
    labels: string[];
  };
  dataset: { name: string; split: string; count: number; height: number; width: number; channels: number };
  accuracy: { float: Proportion; int8: Proportion; agreement: Proportion };
  flipped: { total: number; shown: FlippedSample[] };
  perClass: ClassRow[];
  confusion: { float: number[][]; int8: number[][] };
  sqnr: { samples: number; layers: SqnrRow[] };
  calibration?: CalibrationComparison;
  size: { modelBytes: number; arenaBytes: number; params: number; macs: number; layers: LayerRow[] };
  timing: { floatMs: number; int8Ms: number; runs: number };
  featureMaps?: FeatureMaps;
}
