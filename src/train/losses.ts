// Classification losses. Each returns the summed loss over its rows and the number of correct
// argmax predictions, and writes dLoss/dInput for the loss *averaged over the whole mini-batch*
// (`globalBatch`, which is larger than `rows` when a batch is split across workers).

export interface LossResult {
  lossSum: number;
  correct: number;
}

/** Softmax + cross-entropy from logits: dL/dz = (softmax(z) - onehot) / globalBatch. */
export function softmaxCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, labelOffset: number, rows: number, K: number,
  globalBatch: number, grad: Float32Array | null): LossResult {
  let lossSum = 0, correct = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * K;
    let m = -Infinity, arg = 0;
    for (let k = 0; k < K; k++) if (logits[o + k] > m) { m = logits[o + k]; arg = k; }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(logits[o + k] - m);
    const label = labels[labelOffset + r];
    lossSum += Math.log(s) + m - logits[o + label];
    if (arg === label) correct++;
    if (grad) {
      const inv = 1 / s;
      for (let k = 0; k < K; k++) grad[o + k] = (Math.exp(logits[o + k] - m) * inv - (k === label ? 1 : 0)) / globalBatch;
    }
  }
  return { lossSum, correct };
}

/** Negative log-likelihood of log-probabilities (after a LogSoftmax layer). */
export function nllLoss(logProbs: Float32Array, labels: ArrayLike<number>, labelOffset: number, rows: number, K: number,
  globalBatch: number, grad: Float32Array | null): LossResult {
  let lossSum = 0, correct = 0;
  if (grad) grad.fill(0, 0, rows * K);
  for (let r = 0; r < rows; r++) {
    const o = r * K;
    let arg = 0;
    for (let k = 1; k < K; k++) if (logProbs[o + k] > logProbs[o + arg]) arg = k;
    const label = labels[labelOffset + r];
    lossSum -= logProbs[o + label];
    if (arg === label) correct++;
    if (grad) grad[o + label] = -1 / globalBatch;
  }
  return { lossSum, correct };
}
