// Bundle bytes: what a page must download to run each engine, raw and gzip -9. For the peers, the
// minimal set of their shipped files that runs the benchmarked graph:
// - tfjs-cpu:  tfjs-core + tfjs-backend-cpu minified bundles (the graph uses tf ops only; the
//              all-in-one @tensorflow/tfjs bundle, with layers/converter/webgl, is larger);
// - tfjs-wasm: tfjs-core + tfjs-backend-wasm minified bundles + the SIMD .wasm;
// - ort-web:   onnxruntime-web's wasm-only build: ort.wasm.min.mjs + the Emscripten loader + .wasm;
// - ort-node:  the native addon and shared library (not shippable to a page; listed for scale).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageDir } from './peers.js';

export interface BundleSize {
  id: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
  note?: string;
}

/** gzip is skipped (NaN) for native libraries: nobody downloads them, and 45 MB takes seconds. */
function measure(id: string, files: string[], note?: string): BundleSize {
  let bytes = 0;
  let gzipBytes = note === 'native' ? NaN : 0;
  for (const file of files) {
    const data = readFileSync(file);
    bytes += data.length;
    if (note !== 'native') gzipBytes += gzipSync(data, { level: 9 }).length;
  }
  return { id, files: files.map((f) => path.basename(f)), bytes, gzipBytes, note };
}

export function peerBundleSizes(): BundleSize[] {
  const core = path.join(packageDir('@tensorflow/tfjs-core'), 'dist', 'tf-core.min.js');
  const cpu = path.join(packageDir('@tensorflow/tfjs-backend-cpu'), 'dist', 'tf-backend-cpu.min.js');
  const wasmDir = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  const ortWebDir = path.join(packageDir('onnxruntime-web'), 'dist');
  const ortNodeDir = path.join(packageDir('onnxruntime-node'), 'bin', 'napi-v6', process.platform, process.arch);
  const nativeFiles = existsSync(ortNodeDir) ? ['onnxruntime_binding.node', 'libonnxruntime.so.1'].map((f) => path.join(ortNodeDir, f)).filter(existsSync) : [];
  return [
    measure('tfjs-cpu', [core, cpu]),
    measure('tfjs-wasm', [core, path.join(wasmDir, 'tf-backend-wasm.min.js'), path.join(wasmDir, 'tfjs-backend-wasm-simd.wasm')]),
    measure('ort-web', ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'].map((f) => path.join(ortWebDir, f))),
    measure('ort-node', nativeFiles, 'native'),
  ];
}

/** Our runtime bundles as users get them, best first; the first one built is the reference row
 *  every ratio is taken against. */
export const RUNTIME_BUNDLES: { id: string; file: string; label: string }[] = [
  { id: 'tinyconv-simd', file: 'tinyconv-simd.min.mjs', label: 'tinyconv SIMD bundle (int8, WebAssembly SIMD kernels + JS)' },
  { id: 'tinyconv-js', file: 'tinyconv-fast.min.mjs', label: 'tinyconv fast bundle (int8, pure-JS fast kernels)' },
  { id: 'tinyconv-plain', file: 'tinyconv.min.mjs', label: 'tinyconv plain bundle (int8, generic TFLM-style kernels)' },
];

export function isOurs(id: string): boolean {
  return RUNTIME_BUNDLES.some((b) => b.id === id);
}

/** Our runtime bundles that have been built. */
export function ourBundleSizes(distDir: string): BundleSize[] {
  return RUNTIME_BUNDLES.filter((b) => existsSync(path.join(distDir, b.file))).map((b) => measure(b.id, [path.join(distDir, b.file)]));
}
