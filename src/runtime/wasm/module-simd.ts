// The SIMD runtime's one WebAssembly module: `dots` (pointwise-simd.ts), `dw`, `pad` and `padPairs`
// (depthwise-simd.ts) and `requantize`/`requantize0` (requantize-simd.ts), importing memory "m"."m". Each SIMD op instantiates it on its own
// memory (plan-simd.ts). tools/wasm-kernels.ts embeds these bytes as kernels-wasm.ts.
//
// Runtime rule: ES5 subset. Runs at build time.
import { assemble } from '../../wasm/assemble.js';
import { POINTWISE_FUNCTION } from './pointwise-simd.js';
import { DEPTHWISE_FUNCTION, PAD_FUNCTION, PAD_PAIRS_FUNCTION } from './depthwise-simd.js';
import { REQUANTIZE_FUNCTION, REQUANTIZE_NO_SHIFT_FUNCTION } from './requantize-simd.js';

export var SIMD_WASM = assemble([POINTWISE_FUNCTION, DEPTHWISE_FUNCTION, REQUANTIZE_FUNCTION, PAD_FUNCTION, PAD_PAIRS_FUNCTION, REQUANTIZE_NO_SHIFT_FUNCTION], 1);
