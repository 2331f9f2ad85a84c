// docs/format.md's op table must say exactly what src/format/layout.ts reads and writes: every
// opcode's number, name, and parameter block field by field (name and array type, in order).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OP_FIELDS, OP_NAMES } from '../../src/format/layout.js';

const doc = readFileSync(new URL('../../docs/format.md', import.meta.url), 'utf8');
const WINDOW = ['kernelH', 'kernelW', 'strideH', 'strideW', 'padTop', 'padLeft', 'padBottom', 'padRight'];

/** "window, dilationH, weights: i8[..] (OHWI), requant" -> ['kernelH', ..., 'dilationH', '#weights', '*multiplier', '*shift']. */
function fieldsOf(block: string): string[] {
  if (block.trim() === '(none)') return [];
  return block.split(', ').flatMap((item): string[] => {
    const text = item.trim();
    if (text === 'window') return WINDOW;
    if (text === 'requant') return ['*multiplier', '*shift'];
    const m = /^(\w+)(?::\s*(i8|i32)\[)?/.exec(text);
    if (!m) throw new Error(`cannot read field '${text}'`);
    return [(m[2] === 'i8' ? '#' : m[2] === 'i32' ? '*' : '') + m[1]];
  });
}

describe('docs/format.md op table', () => {
  const table = doc.slice(doc.indexOf('| opcode | op |')).split('\n\n')[0];
  const rows = [...table.matchAll(/^\| (\d+) \| (\w+) \| [^|]+ \| ([^|]+) \|$/gm)];

  it('lists every opcode once, with its name', () => {
    expect(rows.map((r) => Number(r[1]))).toEqual(OP_FIELDS.map((_, i) => i).filter((i) => i > 0));
    for (const r of rows) expect(r[2]).toBe(OP_NAMES[Number(r[1])]);
  });

  it('gives each parameter block field by field as the reader reads it', () => {
    for (const r of rows) expect(fieldsOf(r[3]), `opcode ${r[1]} ${r[2]}`).toEqual(OP_FIELDS[Number(r[1])]);
  });
});
