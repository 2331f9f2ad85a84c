// The CLI tests spawn the real `tinyconv` as a child process. Node 20 cannot run TypeScript, and
// dist/ may be stale or half-built by someone else, so this transpiles every .ts under src/ and
// tools/ (no type check: `tsc --noEmit` does that) into a private folder inside the repo,
// node_modules/.cache/tinyconv-cli-test, where the CLI's upward searches (data/, dist/) still
// find the repo. Rebuilt when any source is newer than the last build; a lock directory keeps
// test files running in parallel from building at the same time.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BUILD = join(ROOT, 'node_modules', '.cache', 'tinyconv-cli-test');
export const CLI = join(BUILD, 'tools', 'cli.js');
const STAMP = join(BUILD, '.built');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function fresh(files: string[]): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  return files.every((f) => statSync(f).mtimeMs <= built);
}

function transpileAll(files: string[]): void {
  for (const file of files) {
    const out = join(BUILD, relative(ROOT, file)).replace(/\.ts$/, '.js');
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: false },
    }).outputText;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
  writeFileSync(join(BUILD, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(STAMP, new Date().toISOString());
}

/** Returns the path of the built cli.js, building it first when needed. */
export async function ensureCli(): Promise<string> {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'tools'))];
  if (fresh(files)) return CLI;
  mkdirSync(dirname(BUILD), { recursive: true });
  const lock = `${BUILD}.lock`;
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      let age = 0;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { continue; }
      if (waited > 60_000 || age > 60_000) { rmSync(lock, { recursive: true, force: true }); continue; }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (!fresh(files)) transpileAll(files);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return CLI;
}
