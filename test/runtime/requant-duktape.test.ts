// The BigInt-free requantization must be exact on an ES5 engine too: requant.ts is transpiled to
// ES5 and run under Duktape (`duk`, Debian package) on 20,000 pairs (edges included), and every
// result is checked against the BigInt reference computed in Node.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { mbqmRef, rng, srdhmRef } from './reference.js';

const DUK = '/usr/bin/duk';
const hasDuk = existsSync(DUK);
if (!hasDuk) console.log('skip: requant on Duktape, /usr/bin/duk absent (Debian package duktape)');

const EDGES = [-2147483648, -2147483647, -1073741824, -65536, -32768, -1, 0, 1, 32767, 65535, 1073741824, 2147483647];

it.skipIf(!hasDuk)('saturatingRoundingDoublingHighMul and multiplyByQuantizedMultiplier are exact on Duktape', () => {
  const source = readFileSync(new URL('../../src/runtime/requant.ts', import.meta.url), 'utf8');
  // Strip the ES module syntax: the functions become globals of the Duktape script.
  const es5 = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.None } })
    .outputText.replace(/^export /gm, '').replace(/^Object\.defineProperty\(exports.*$/m, '').replace(/^exports\.\w+ = .*$/gm, '');
  const r = rng(4242);
  const cases: number[][] = [];
  for (let i = 0; i < 20000; i++) {
    const a = i < EDGES.length * EDGES.length ? EDGES[i % EDGES.length] : (Math.floor(r() * 4294967296) | 0) >> Math.floor(r() * 32);
    const b = i < EDGES.length * EDGES.length ? EDGES[Math.floor(i / EDGES.length)] : Math.floor(r() * 4294967296) | 0;
    const shift = -31 + (i % 62);
    cases.push([a, b, shift]);
  }
  const script = `${es5}
var cases = ${JSON.stringify(cases)};
var out = [];
for (var i = 0; i < cases.length; i++) {
  var c = cases[i];
  out.push(saturatingRoundingDoublingHighMul(c[0], c[1]) + ',' + multiplyByQuantizedMultiplier(c[0], c[1], c[2]));
}
print(out.join(';'));
`;
  const dir = mkdtempSync(join(tmpdir(), 'tinyconv-requant-duk-'));
  try {
    const file = join(dir, 'requant.js');
    writeFileSync(file, script);
    const lines = execFileSync(DUK, [file], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split(';');
    expect(lines.length).toBe(cases.length);
    let bad = '';
    for (let i = 0; i < cases.length && !bad; i++) {
      const [a, b, shift] = cases[i];
      const want = `${srdhmRef(a, b)},${mbqmRef(a, b, shift)}`;
      if (lines[i] !== want) bad = `(${a}, ${b}, ${shift}): duk ${lines[i]}, BigInt ${want}`;
    }
    expect(bad).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
