// Runtime bundles from src/runtime/index.ts:
// - dist/tinyconv.mjs      ESM, readable (ES2017 syntax)
// - dist/tinyconv.min.mjs  ESM, minified (the 16 KB / 6 KB gzip budget, `npm run size`)
// - dist/tinyconv.es5.js   ES5 syntax only, minified IIFE exposing the global `tinyconv`
//                          (Duktape, QuickJS, old browsers; checked by test/runtime/es5.test.ts)
// From src/runtime/fast.ts (the same runtime plus load-time plans for the fast kernels, docs/kernels.md;
// budget: the plain one's + 8 KB):
// - dist/tinyconv-fast.mjs, dist/tinyconv-fast.min.mjs, dist/tinyconv-fast.es5.js (global `tinyconv`)
// From src/runtime/simd.ts (the fast runtime with WebAssembly SIMD pointwise kernels; same budget):
// - dist/tinyconv-simd.mjs, dist/tinyconv-simd.min.mjs
// TypeScript compiles the runtime twice, once per syntax level; terser never raises it.
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { fileURLToPath } from 'node:url';

const input = 'src/runtime/index.ts';
// Tests build into a scratch directory and rename the files into dist/ (see
// test/runtime/fixtures/bundles.ts), so a test reading dist/ never sees a half-written bundle.
const out = process.env.TINYCONV_BUNDLE_DIR || 'dist';

function ts(target) {
  return typescript({
    tsconfig: false,
    // A two-line __extends instead of tslib (see tools/tslib-lite.js).
    tslib: fileURLToPath(new URL('tools/tslib-lite.js', import.meta.url)),
    include: ['src/runtime/**/*.ts', 'src/format/**/*.ts'],
    compilerOptions: {
      target,
      module: 'esnext',
      moduleResolution: 'bundler',
      lib: ['es2017', 'dom'],
      strict: true,
      declaration: false,
      sourceMap: false,
      importHelpers: true,
      noEmitHelpers: false,
    },
  });
}

const terse = (ecma) => terser({
  ecma,
  module: ecma !== 5,
  toplevel: ecma !== 5, // the IIFE's top-level var is the global tinyconv
  // reduce_funcs off: with it terser substitutes a function used once at its call site as
  // `function(...){...}(...)`, so a kernel called from run() would create a closure per call
  // (measured: ~1.6 KB per run on the min bundles; test/runtime/allocation.test.ts runs them).
  compress: { passes: 3, unsafe_arrows: false, reduce_funcs: false },
  mangle: true,
  format: { comments: false },
});

export default [
  {
    input,
    plugins: [ts('es2017')],
    output: [
      { file: `${out}/tinyconv.mjs`, format: 'es' },
      { file: `${out}/tinyconv.min.mjs`, format: 'es', plugins: [terse(2017)] },
    ],
  },
  {
    input,
    plugins: [ts('es5')],
    output: { file: `${out}/tinyconv.es5.js`, format: 'iife', name: 'tinyconv', plugins: [terse(5)] },
  },
  {
    input: 'src/runtime/fast.ts',
    plugins: [ts('es2017')],
    output: [
      { file: `${out}/tinyconv-fast.mjs`, format: 'es' },
      { file: `${out}/tinyconv-fast.min.mjs`, format: 'es', plugins: [terse(2017)] },
    ],
  },
  {
    input: 'src/runtime/simd.ts',
    plugins: [ts('es2017')],
    output: [
      { file: 'dist/tinyconv-simd.mjs', format: 'es' },
      { file: 'dist/tinyconv-simd.min.mjs', format: 'es', plugins: [terse(2017)] },
    ],
  },
  {
    input: 'src/runtime/fast.ts',
    plugins: [ts('es5')],
    output: { file: `${out}/tinyconv-fast.es5.js`, format: 'iife', name: 'tinyconv', plugins: [terse(5)] },
  },
];
