// Softmax quantization, TFLite's way: the output is fixed to scale 1/256, zero point -128 (the
// kernel writes probabilities in that form), and the kernel's parameters follow from the input
// scale with beta = 1 (src/format/softmax-params.ts, TFLite's PreprocessSoftmaxScaling and
// CalculateInputRadius).
import type { ActivationQuant } from './quant-params.js';

export { softmaxParams } from '../format/softmax-params.js';

export const SOFTMAX_OUTPUT_QUANT: ActivationQuant = { scale: 1 / 256, zeroPoint: -128 };
