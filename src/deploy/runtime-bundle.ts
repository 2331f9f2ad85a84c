// The runtime every exported file embeds: an ES5 IIFE that defines the global `tinyconv`
// (rollup.config.mjs): dist/tinyconv.es5.js (plain kernels, the smallest) or dist/tinyconv-fast.es5.js
// (load-time plans and fast kernels; on Espruino its dot products go to the native E.convolve).
// ES5 for every target keeps the generated code identical across engines; the ES2017 minified
// bundle is about as large and its `export` statements would have to be rewritten to be embedded.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TinyconvError } from '../format/errors.js';

export const RUNTIME_BUNDLES = { plain: 'dist/tinyconv.es5.js', fast: 'dist/tinyconv-fast.es5.js' } as const;
export type RuntimeFlavor = keyof typeof RUNTIME_BUNDLES;
export const RUNTIME_BUNDLE = RUNTIME_BUNDLES.plain;

/** The repository (or installed package) root: the nearest folder above this file with a
 *  package.json, whether it runs from src/deploy (vitest) or dist/src/deploy (the built CLI). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function runtimeBundlePath(flavor: RuntimeFlavor = 'plain'): string {
  return join(packageRoot(), RUNTIME_BUNDLES[flavor]);
}

export function hasRuntimeBundle(flavor: RuntimeFlavor): boolean {
  return existsSync(runtimeBundlePath(flavor));
}

export function readRuntimeBundle(flavor: RuntimeFlavor = 'plain'): string {
  const path = runtimeBundlePath(flavor);
  if (!existsSync(path)) {
    throw new TinyconvError('DEPLOY_NO_RUNTIME', `the runtime bundle ${path} is missing: run 'npm run build' first`);
  }
  return readFileSync(path, 'utf8').trim();
}
