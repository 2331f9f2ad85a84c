// A ReportData built from hand-made predictions (no model needed), for renderer and browser tests.
import { accuracy, agreement, confusionMatrix, flippedIndices, perClassAccuracy } from '../../src/report/metrics.js';
import type { ReportData } from '../../src/report/types.js';

export const LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress'];

function image(seed: number, w = 8, h = 8): { pixels: Uint8Array; width: number; height: number; channels: 1 } {
  const pixels = new Uint8Array(w * h);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + seed * 101) % 256;
  return { pixels, width: w, height: h, channels: 1 };
}

export function syntheticReport(): ReportData {
  const labels = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];
  const floatPred = [0, 1, 2, 3, 0, 1, 2, 0, 0, 1, 2, 3];
  const int8Pred = [0, 1, 2, 3, 1, 1, 2, 0, 0, 1, 3, 3];
  const flipped = flippedIndices(floatPred, int8Pred);
  const cf = confusionMatrix(floatPred, labels, 4);
  const ci = confusionMatrix(int8Pred, labels, 4);
  const pf = perClassAccuracy(cf);
  const pi = perClassAccuracy(ci);
  const acc = accuracy(floatPred, labels);
  return {
    title: 'tinyconv report: synthetic <test> & "quotes"',
    createdAt: '2026-01-01T00:00:00Z',
    models: { floatPath: 'm.json', int8Path: 'm.tcm', name: 'synthetic', inputShape: [8, 8, 1], labels: LABELS },
    dataset: { name: 'synthetic', split: 'test', count: labels.length, height: 8, width: 8, channels: 1 },
    accuracy: { float: acc, int8: accuracy(int8Pred, labels), agreement: agreement(floatPred, int8Pred) },
    flipped: {
      total: flipped.length,
      shown: flipped.map((i) => ({ index: i, label: labels[i], floatPredicted: floatPred[i], int8Predicted: int8Pred[i], image: image(i) })),
    },
    perClass: LABELS.map((label, c) => ({ label, float: pf[c], int8: pi[c] })),
    confusion: { float: cf, int8: ci },
    sqnr: { samples: 2, layers: [
      { tensor: 'conv1', layer: 'conv1', op: 'conv2d', db: 31.5 },
      { tensor: 'pool1', layer: 'pool1', op: 'maxPool', db: Infinity },
      { tensor: 'relu2', layer: 'conv2', op: 'conv2d+relu', db: 12.25 },
      { tensor: 'logits', layer: 'logits', op: 'dense', db: 22 },
    ] },
    calibration: { calibrationCount: 100, evaluated: 12, float: acc, rows: [
      { method: 'minmax', perChannel: true, int8: acc, agreement: agreement(floatPred, int8Pred), isDefault: true },
      { method: 'mse', perChannel: false, int8: accuracy(int8Pred, labels), agreement: agreement(floatPred, floatPred) },
    ] },
    size: { modelBytes: 5000, arenaBytes: 2048, params: 4321, macs: 98765, layers: [
      { name: 'conv1', op: 'conv2d', outputShape: [8, 8, 4], params: 40, macs: 2304 },
      { name: 'logits', op: 'dense', outputShape: [4], params: 1028, macs: 1024 },
    ] },
    timing: { floatMs: 1.5, int8Ms: 0.25, runs: 20 },
    featureMaps: {
      sampleIndex: 0, label: 0, floatPredicted: 0, image: image(0),
      layers: [
        { name: 'conv1', op: 'conv2d', shape: [8, 8, 4], channelCount: 4, channels: [1, 2, 3, 4].map((s) => image(s)) },
        { name: 'pool1', op: 'maxPool', shape: [4, 4, 4], channelCount: 6, channels: [1, 2, 3, 4].map((s) => image(s, 4, 4)) },
      ],
    },
  };
}
