// The demo's step cache: each step writes its outputs plus a `<step>.key` file holding a hash of
// everything the outputs depend on (input file contents, options, and the compiled code of the
// modules involved). A step re-runs only when its key changes or an output is missing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function hashParts(parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? `s${p.length}:` : `b${p.length}:`);
    h.update(p);
  }
  return h.digest('hex').slice(0, 24);
}

function listFiles(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else if (/\.(js|ts|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
}

/** A hash of every source file under `dirs` (paths and contents): the code version of a step. */
export function codeHash(dirs: string[]): string {
  const files: string[] = [];
  for (const d of dirs) listFiles(d, files);
  return hashParts(files.flatMap((f) => [f.slice(f.lastIndexOf('src')), readFileSync(f)]));
}

export function fileHash(path: string): string {
  return hashParts([readFileSync(path)]);
}

export interface StepResult {
  cached: boolean;
  seconds: number;
}

/** Runs `produce` unless `keyFile` already holds `key` and every output exists. */
export async function cachedStep(keyFile: string, key: string, outputs: string[], produce: () => Promise<void> | void): Promise<StepResult> {
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8').trim() === key && outputs.every((o) => existsSync(o))) {
    return { cached: true, seconds: 0 };
  }
  const t0 = Date.now();
  mkdirSync(dirname(keyFile), { recursive: true });
  await produce();
  const missing = outputs.filter((o) => !existsSync(o));
  if (missing.length) throw new Error(`demo step did not write ${missing.join(', ')}`);
  // The key is written last, so an interrupted step is redone next time.
  writeFileSync(keyFile, `${key}\n`);
  return { cached: false, seconds: (Date.now() - t0) / 1000 };
}
