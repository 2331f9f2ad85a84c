// The fast runtime: the plain one (index.ts) plus load-time plans that route conv, depthwise and
// dense ops to the fast kernels (plan.ts, docs/kernels.md): folded zero points, a packed 4x4-blocked
// pointwise GEMM, unrolled 3x3 depthwise, double-precision requantization, and Espruino's E.convolve
// as the dot product where it exists. Same bytes out as the plain runtime, larger bundle
// (dist/tinyconv-fast.min.mjs, rollup.config.mjs).
//
// Runtime rule: ES5 subset, no Node/DOM API, no allocation in run().
import './fast-kernels.js';
import { usePlanner } from './model.js';
import { planOp } from './plan.js';

usePlanner(planOp);

export * from './index.js';
