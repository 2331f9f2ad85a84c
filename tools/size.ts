// `npm run size`: raw and gzip bytes of the runtime bundles against their budgets (the fast and SIMD
// runtimes dist/tinyconv-{fast,simd}.* get 8 KB more), then the browser
// example's page payload (every file examples/browser/index.html loads) against 50 KB; exits 1 when
// anything is over (or missing). Run `npm run build` first.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pagePayload, PAGE_BUDGET_BYTES } from '../src/deploy/page-assets.js';

export const BUDGET_RAW = 16384;
export const BUDGET_GZIP = 6144;
export const BUNDLES = ['dist/tinyconv.min.mjs', 'dist/tinyconv.es5.js'];
/** The fast runtime (src/runtime/fast.ts) and the SIMD one (simd.ts): the plain budget plus 8 KB (issue 6). */
export const FAST_EXTRA = 8192;
export const FAST_BUNDLES = ['dist/tinyconv-fast.min.mjs', 'dist/tinyconv-fast.es5.js', 'dist/tinyconv-simd.min.mjs'];

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
  console.log(`budget: ${BUDGET_RAW} bytes raw, ${BUDGET_GZIP} bytes gzip (level 9); fast runtime: each + ${FAST_EXTRA}`);
  for (const rel of [...BUNDLES, ...FAST_BUNDLES]) {
    const extra = FAST_BUNDLES.includes(rel) ? FAST_EXTRA : 0;
    const path = join(root, rel);
    if (!existsSync(path)) {
      console.log(`  ${rel}: missing (run npm run build)`);
      over++;
      continue;
    }
    const s = measure(path);
    const ok = s.raw <= BUDGET_RAW + extra && s.gzip <= BUDGET_GZIP + extra;
    if (!ok) over++;
    console.log(`  ${relative(root, path).padEnd(28)} ${String(s.raw).padStart(6)} raw  ${String(s.gzip).padStart(5)} gzip  ${ok ? 'ok' : 'OVER BUDGET'}`);
  }
  return over + pageSize(root) ? 1 : 0;
}

/** Prints the example page's payload per file; returns 1 when over budget or incomplete. */
function pageSize(root: string): number {
  const page = pagePayload(join(root, 'examples', 'browser'));
  const ok = page.missing.length === 0 && page.total <= PAGE_BUDGET_BYTES;
  console.log(`page examples/browser/ (HTML + JS + model + samples): ${page.total} bytes, budget ${PAGE_BUDGET_BYTES}  ` +
    (page.missing.length ? `INCOMPLETE (missing ${page.missing.join(', ')}: run npm run build)` : ok ? 'ok' : 'OVER BUDGET'));
  for (const f of page.files) console.log(`  ${f.file.padEnd(24)} ${f.bytes === null ? 'missing' : String(f.bytes).padStart(6)}`);
  return ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
