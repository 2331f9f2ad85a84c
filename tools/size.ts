// `npm run size`: raw and gzip bytes of the runtime bundles against their budgets; exits 1 when a
// bundle is over (or missing). Run `npm run build` first.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_RAW = 16384;
export const BUDGET_GZIP = 6144;
export const BUNDLES = ['dist/tinyconv.min.mjs', 'dist/tinyconv.es5.js'];

export interface BundleSize {
  file: string;
  raw: number;
  gzip: number;
}

export function measure(path: string): BundleSize {
  const bytes = readFileSync(path);
  return { file: path, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** The repository root: this file runs from tools/ (tsx) or dist/tools/ (built). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function main(): number {
  const root = repoRoot();
  let over = 0;
  console.log(`budget: ${BUDGET_RAW} bytes raw, ${BUDGET_GZIP} bytes gzip (level 9)`);
  for (const rel of BUNDLES) {
    const path = join(root, rel);
    if (!existsSync(path)) {
      console.log(`  ${rel}: missing (run npm run build)`);
      over++;
      continue;
    }
    const s = measure(path);
    const ok = s.raw <= BUDGET_RAW && s.gzip <= BUDGET_GZIP;
    if (!ok) over++;
    console.log(`  ${relative(root, path).padEnd(24)} ${String(s.raw).padStart(6)} raw  ${String(s.gzip).padStart(5)} gzip  ${ok ? 'ok' : 'OVER BUDGET'}`);
  }
  return over ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
