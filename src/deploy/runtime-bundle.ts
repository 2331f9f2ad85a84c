// The runtime every exported file embeds: dist/tinyconv.es5.js, the ES5 IIFE that defines the global
// `tinyconv` (rollup.config.mjs). One bundle for every target keeps the generated code identical
// across engines; the ES2017 minified bundle is not smaller (both are about 16.5 KB) and its
// `export` statements would have to be rewritten to be embedded.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TinyconvError } from '../format/errors.js';

export const RUNTIME_BUNDLE = 'dist/tinyconv.es5.js';

/** The repository (or installed package) root: the nearest folder above this file with a
 *  package.json, whether it runs from src/deploy (vitest) or dist/src/deploy (the built CLI). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function runtimeBundlePath(): string {
  return join(packageRoot(), RUNTIME_BUNDLE);
}

export function readRuntimeBundle(): string {
  const path = runtimeBundlePath();
  if (!existsSync(path)) {
    throw new TinyconvError('DEPLOY_NO_RUNTIME', `the runtime bundle ${path} is missing: run 'npm run build' first`);
  }
  return readFileSync(path, 'utf8').trim();
}
