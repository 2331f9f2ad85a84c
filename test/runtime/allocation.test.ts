// run() allocates nothing: no typed arrays, arrays, objects, closures or strings per call.
// Two independent proofs (docs/runtime.md explains them):
// 1. Dynamic: a child `node --expose-gc` with a young generation large enough that no scavenge
//    happens during the measurement runs 10,000 run() calls after warm-up and compares the used
//    bytes of V8's object spaces (young and old) before and after; any per-run allocation would add
//    up to tens of KB at least.
//    The same harness with a hook that allocates one small array per run must show the growth,
//    so the measurement is known to see allocations.
// 2. Static: the TypeScript AST of every function on the run path (all kernels, requant.ts, and
//    the `run` function in model.ts) holds no `new`, array/object literal, nested function,
//    template literal or allocating method call, except in a `throw` statement.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModel } from '../../src/format/writer.js';
import { ESM_BUNDLE, FAST_ESM_BUNDLE, FAST_MIN_BUNDLE, MIN_BUNDLE, ROOT, SIMD_ESM_BUNDLE, SIMD_MIN_BUNDLE, ensureBundles } from './fixtures/bundles.js';
import { buildMultiOpModel } from './fixtures/multi-op-model.js';

const CHILD = `
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
const [bundle, modelPath, mode] = process.argv.slice(2);
const { loadModel } = await import(bundle);
const model = loadModel(readFileSync(modelPath));
const pixels = new Uint8Array(model.input.length);
for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) & 255;
model.setInput(pixels);
let sink = null;
const hook = mode === 'allocating' ? function (i, t) { if (i === 0) sink = [i, t]; } : undefined;
for (let i = 0; i < 10000; i++) model.run(hook); // warm-up: let V8 optimise the kernels (the fast and SIMD
// bundles keep compiling into old space for a few thousand runs)
// Objects are born in the young generation (new space); JIT code and feedback live elsewhere.
// Objects that survive a scavenge, and large ones, go to the old and large-object spaces.
const used = (names) => v8.getHeapSpaceStatistics().filter((s) => names.includes(s.space_name)).reduce((n, s) => n + s.space_used_size, 0);
const YOUNG = ['new_space', 'new_large_object_space'];
const OLD = ['old_space', 'large_object_space'];
// Two windows of 10,000 runs, keeping the smaller growth: an allocation per run shows in both, a
// one-time engine event (a late tier-up allocating its metadata, seen as 67,280 bytes once in a
// while on any bundle) in at most one.
function window() {
  globalThis.gc(); globalThis.gc();
  const youngBefore = used(YOUNG);
  const oldBefore = used(OLD);
  for (let i = 0; i < 10000; i++) model.run(hook);
  const youngGrew = used(YOUNG) - youngBefore;
  return { youngGrew, grew: used(OLD) - oldBefore + youngGrew };
}
const a = window();
const b = window();
const youngGrew = Math.min(a.youngGrew, b.youngGrew);
const grew = Math.min(a.grew, b.grew);
console.log(JSON.stringify({ grew, youngGrew, sink: sink !== null }));
`;

describe('run() allocates nothing (heap statistics over 10,000 runs)', () => {
  let dir = '';
  const measure = (mode: string, bundle = ESM_BUNDLE): { grew: number; youngGrew: number } => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16', join(dir, 'child.mjs'),
      pathToFileURL(bundle).href, join(dir, 'model.tcm'), mode], { encoding: 'utf8', timeout: 120_000 });
    return JSON.parse(out);
  };
  beforeAll(async () => {
    await ensureBundles();
    dir = mkdtempSync(join(tmpdir(), 'tinyconv-alloc-'));
    writeFileSync(join(dir, 'child.mjs'), CHILD);
    writeFileSync(join(dir, 'model.tcm'), writeModel(buildMultiOpModel(1)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the harness sees one small array per run (control)', () => {
    const { grew, youngGrew } = measure('allocating');
    console.log(`allocating control: heap grew ${grew} bytes (young generation ${youngGrew}) over 10,000 runs`);
    expect(youngGrew).toBeGreaterThan(10000 * 16); // 10,000 two-element arrays of at least 16 bytes each
  });

  // The minified bundles too: they are what ships, and the minifier can add allocations the source
  // does not have (terser's single-use function substitution made closures per call, ~1.6 KB a run).
  for (const [name, bundle] of [['plain', ESM_BUNDLE], ['plain minified', MIN_BUNDLE], ['fast', FAST_ESM_BUNDLE],
    ['fast minified', FAST_MIN_BUNDLE], ['SIMD', SIMD_ESM_BUNDLE], ['SIMD minified', SIMD_MIN_BUNDLE]]) {
    it(`${name} runtime: run() leaves the heap where it was`, () => {
      const { grew, youngGrew } = measure('plain', bundle);
      console.log(`run(): heap grew ${grew} bytes (young generation ${youngGrew}) over 10,000 runs`);
      // One 16-byte object per run would be 160,000 bytes; allow a little engine-internal noise.
      // A failure with the static check passing usually means boxed doubles: V8 allocates a HeapNumber
      // for a non-integer value kept in a variable, property or array slot that is not a Float64Array.
      const perRun = `${(youngGrew / 10000).toFixed(1)} bytes per run`;
      // Under load (the full suite on 2 cores) V8 sometimes shows a 67 KB young-generation event in
      // both windows with any bundle (same size every time, not per run); 100 KB stays below a
      // single 16-byte object per run.
      expect(youngGrew, `run() allocated ${perRun} in the young generation`).toBeLessThan(100 * 1024);
      // Young plus old object spaces: V8's total used_heap_size also counts engine-internal
      // memory (seen: +150 KB for the SIMD runtime with every object space flat), so it is not used.
      expect(grew, `object spaces grew ${(grew / 10000).toFixed(1)} bytes per run`).toBeLessThan(128 * 1024);
    });
  }
});

/** Allocation sites inside the bodies of functions in `roots`, outside `throw` statements.
 *  Code outside any function (module constants, tables) runs once at load time and is allowed. */
function allocations(file: ts.SourceFile, roots: readonly ts.Node[]): string[] {
  const found: string[] = [];
  const allocatingMethods = new Set(['slice', 'subarray', 'map', 'filter', 'concat', 'split', 'join', 'fill', 'from', 'of', 'bind', 'apply', 'toString', 'toFixed']);
  const where = (n: ts.Node) => `${file.fileName.replace(ROOT + '/', '')}:${file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1}`;
  const visit = (n: ts.Node, depth: number): void => {
    if (ts.isThrowStatement(n)) return; // the error path may build its message and error object
    const isFn = ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n);
    if (isFn && depth > 0) found.push(`${where(n)} nested function (closure)`);
    if (depth > 0 || isFn) {
      if (ts.isNewExpression(n)) found.push(`${where(n)} new ${n.expression.getText(file)}`);
      if (ts.isArrayLiteralExpression(n)) found.push(`${where(n)} array literal`);
      if (ts.isObjectLiteralExpression(n)) found.push(`${where(n)} object literal`);
      if (ts.isTemplateExpression(n)) found.push(`${where(n)} template literal`);
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && allocatingMethods.has(n.expression.name.text)) {
        found.push(`${where(n)} .${n.expression.name.text}()`);
      }
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && /^(Array|Object|String)$/.test(n.expression.text)) found.push(`${where(n)} ${n.expression.text}()`);
    }
    ts.forEachChild(n, (c) => visit(c, depth + (isFn ? 1 : 0)));
  };
  for (const r of roots) visit(r, 0);
  return found;
}

function parseFile(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2020, true);
}

describe('run() path holds no allocation (static check)', () => {
  it('the checker flags allocations in a function and ignores load-time and throw code', () => {
    const file = ts.createSourceFile('/x.ts', `
      const table = new Int8Array(256); const names = ['a'];
      export function k(a: Int8Array) { const o = { x: 1 }; const b = [1]; const c = new Int32Array(2); const d = a.subarray(1);
        const f = () => 1; const s = \`\${a[0]}\`; if (a[0] > 1) throw new Error('bad ' + [a[0]]); }`, ts.ScriptTarget.ES2020, true);
    const found = allocations(file, file.statements).map((f) => f.replace(/^\S+ /, ''));
    expect(found.sort()).toEqual(['.subarray()', 'array literal', 'nested function (closure)', 'new Int32Array', 'object literal', 'template literal'].sort());
  });

  it('kernels and requant.ts allocate only at module load', () => {
    const dir = join(ROOT, 'src/runtime/kernels');
    const files = [...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)), join(ROOT, 'src/runtime/requant.ts')];
    expect(files.some((f) => f.endsWith('pointwise-simd.ts'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(12);
    const found = files.flatMap((f) => { const sf = parseFile(f); return allocations(sf, sf.statements); });
    expect(found).toEqual([]);
  });

  it('the interpreter loop (model.ts run) allocates nothing', () => {
    const sf = parseFile(join(ROOT, 'src/runtime/model.ts'));
    let run: ts.FunctionDeclaration | undefined;
    const find = (n: ts.Node): void => {
      if (ts.isFunctionDeclaration(n) && n.name?.text === 'run') run = n;
      ts.forEachChild(n, find);
    };
    find(sf);
    expect(run, 'model.ts declares function run').toBeDefined();
    expect(run!.body!.getText(sf)).toMatch(/switch \(op\.type\)/);
    expect(allocations(sf, [run!])).toEqual([]);
  });
});
