// dist/tinyconv.es5.js must be ES5 only (Duktape, old browsers, Espruino-class engines): acorn
// parses it with ecmaVersion 5, and an AST walk rejects every construct and API those engines lack,
// listed in FORBIDDEN below. The walker itself is tested on snippets of each construct, so this
// test can fail.
import { readFileSync } from 'node:fs';
import { parse, type Node } from 'acorn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ES5_BUNDLE, FAST_ES5_BUNDLE, ensureBundles } from './fixtures/bundles.js';

const GLOBALS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Promise', 'Proxy', 'Reflect', 'BigInt']);
const STATICS: Record<string, string[]> = {
  Math: ['imul', 'fround', 'clz32', 'trunc', 'sign', 'log2', 'log10', 'hypot', 'cbrt', 'expm1', 'log1p'],
  Array: ['from', 'of'],
  Number: ['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'EPSILON', 'MAX_SAFE_INTEGER', 'parseFloat'],
  Object: ['assign', 'entries', 'values', 'is'],
};
/** Duktape lacks TypedArray fill/slice; the runtime avoids these names on any object. */
const METHODS = new Set(['fill', 'slice', 'includes', 'find', 'findIndex', 'startsWith', 'endsWith', 'padStart', 'padEnd', 'repeat', 'copyWithin']);

type AnyNode = Node & Record<string, unknown>;

/** Every ES5-incompatible construct in an AST (parsed with any ecmaVersion), as readable strings. */
export function es5Violations(ast: Node): string[] {
  const found: string[] = [];
  const at = (n: AnyNode) => `@${n.start}`;
  const visit = (n: AnyNode): void => {
    switch (n.type) {
      case 'VariableDeclaration': if (n.kind !== 'var') found.push(`${n.kind} ${at(n)}`); break;
      case 'ArrowFunctionExpression': found.push(`arrow function ${at(n)}`); break;
      case 'ClassDeclaration': case 'ClassExpression': found.push(`class ${at(n)}`); break;
      case 'TemplateLiteral': found.push(`template literal ${at(n)}`); break;
      case 'ObjectPattern': case 'ArrayPattern': found.push(`destructuring ${at(n)}`); break;
      case 'SpreadElement': found.push(`spread ${at(n)}`); break;
      case 'RestElement': found.push(`rest parameter ${at(n)}`); break;
      case 'AssignmentPattern': found.push(`default parameter ${at(n)}`); break;
      case 'ChainExpression': found.push(`optional chaining ${at(n)}`); break;
      case 'ForOfStatement': found.push(`for-of ${at(n)}`); break;
      case 'LabeledStatement': found.push(`label ${at(n)}`); break;
      case 'BreakStatement': case 'ContinueStatement': if (n.label) found.push(`labelled ${n.type} ${at(n)}`); break;
      case 'BinaryExpression': case 'AssignmentExpression': if (n.operator === '**' || n.operator === '**=') found.push(`** ${at(n)}`); break;
      case 'FunctionDeclaration': case 'FunctionExpression': if (n.generator || n.async) found.push(`generator/async ${at(n)}`); break;
      case 'Identifier': if (GLOBALS.has(n.name as string)) found.push(`${n.name} ${at(n)}`); break;
      case 'MemberExpression': {
        const obj = n.object as AnyNode;
        const prop = n.property as AnyNode;
        const name = n.computed ? (prop.type === 'Literal' ? String(prop.value) : '') : (prop.name as string);
        if (obj.type === 'Identifier' && STATICS[obj.name as string]?.includes(name)) found.push(`${obj.name}.${name} ${at(n)}`);
        else if (METHODS.has(name)) found.push(`.${name} ${at(n)}`);
        break;
      }
    }
    for (const key of Object.keys(n)) {
      if (key === 'property' && n.type === 'MemberExpression' && !n.computed) continue; // a.Map is fine
      if (key === 'key' && n.type === 'Property' && !n.computed) continue; // {Set: 1} is fine
      const v = n[key];
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === 'string') visit(c); }
      else if (v && typeof (v as AnyNode).type === 'string') visit(v as AnyNode);
    }
  };
  visit(ast as AnyNode);
  return found;
}

describe('es5Violations (the checker itself)', () => {
  const snippets: Record<string, string> = {
    'let': 'let a = 1;', 'const': 'const a = 1;', 'arrow function': 'var f = () => 1;', 'class': 'class A {}',
    'template literal': 'var s = `x`;', 'destructuring': 'var { a } = o;', 'spread': 'f(...a);',
    'rest parameter': 'function f(...a) {}', 'default parameter': 'function f(a = 1) {}', '**': 'var x = 2 ** 3;',
    'optional chaining': 'var x = a?.b;', 'label': 'l: for (;;) { break l; }', 'labelled BreakStatement': 'l: for (;;) { break l; }',
    'for-of': 'for (var x of a) {}', 'Map': 'var m = new Map();', 'Set': 'var s = new Set();', 'Symbol': 'var s = Symbol();',
    'Math.imul': 'Math.imul(a, b);', 'Math.fround': 'Math.fround(a);', 'Math.clz32': 'Math.clz32(a);', 'Math.trunc': 'Math.trunc(a);',
    'Array.from': 'Array.from(a);', 'Number.isInteger': 'Number.isInteger(a);', '.fill': 'a.fill(0);', '.slice': 'a.slice(1);',
    'generator/async': 'function* g() {}',
  };
  for (const [what, code] of Object.entries(snippets)) {
    it(`flags ${what}`, () => {
      const found = es5Violations(parse(code, { ecmaVersion: 'latest', sourceType: 'script' }));
      expect(found.some((f) => f.startsWith(what)), `${code} -> ${found}`).toBe(true);
    });
  }
  it('accepts plain ES5 with look-alike names', () => {
    const code = 'var o = { Map: 1, fill: 2 }; o.Map = o.Set; var x = Math.floor(1); var a = [1].concat([2]); for (var i = 0; i < 2; i++) { if (i) break; }';
    expect(es5Violations(parse(code, { ecmaVersion: 5 }))).toEqual([]);
  });
});

for (const bundle of [ES5_BUNDLE, FAST_ES5_BUNDLE]) describe(bundle.replace(/.*\/dist\//, 'dist/'), () => {
  let source = '';
  beforeAll(async () => {
    await ensureBundles();
    source = readFileSync(bundle, 'utf8');
  });

  it('parses as ECMAScript 5', () => {
    expect(() => parse(source, { ecmaVersion: 5, sourceType: 'script' })).not.toThrow();
  });

  it('uses no construct or API outside ES5', () => {
    expect(es5Violations(parse(source, { ecmaVersion: 5, sourceType: 'script' }))).toEqual([]);
  });

  it('is an IIFE that defines the global tinyconv with loadModel', () => {
    const g: Record<string, unknown> = {};
    new Function('self', `${source}\nself.tinyconv = tinyconv;`)(g);
    const api = g.tinyconv as Record<string, unknown>;
    expect(typeof api.loadModel).toBe('function');
    expect(typeof api.TinyconvError).toBe('function');
    expect(api.OP_CONV2D).toBe(1);
  });
});
