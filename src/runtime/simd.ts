// The SIMD runtime: the fast runtime (fast.ts) whose pointwise convolutions run a WebAssembly SIMD
// kernel written by us (wasm/), chosen at load time when WebAssembly.validate accepts it and the fast
// JS kernels otherwise (3x3 depthwise then runs the generic kernel: this bundle ships no JS fast
// depthwise, tinyconv-fast is the bundle for engines without WebAssembly SIMD). Same API and same
// bytes out (dist/tinyconv-simd.min.mjs, rollup.config.mjs).
//
// Runtime rule: ES5 subset, no Node/DOM API, no allocation in run().
import { usePlanner } from './model.js';
import { planOpSimd } from './wasm/plan-simd.js';

usePlanner(planOpSimd);

export * from './index.js';
