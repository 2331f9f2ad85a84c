// The demo's step cache: a step is skipped only when its key matches and every output exists.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedStep, codeHash, hashParts } from '../../tools/demo-cache.js';

describe('demo step cache', () => {
  it('runs, then reuses, then re-runs on a new key or a missing output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyconv-cache-'));
    const out = join(dir, 'out.txt');
    let runs = 0;
    const produce = () => { runs++; writeFileSync(out, 'x'); };
    const keyFile = join(dir, 'step.key');
    expect((await cachedStep(keyFile, 'k1', [out], produce)).cached).toBe(false);
    expect((await cachedStep(keyFile, 'k1', [out], produce)).cached).toBe(true);
    expect((await cachedStep(keyFile, 'k2', [out], produce)).cached).toBe(false);
    rmSync(out);
    expect((await cachedStep(keyFile, 'k2', [out], produce)).cached).toBe(false);
    expect(runs).toBe(3);
  });

  it('does not record a key when the step fails or forgets an output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyconv-cache-'));
    const keyFile = join(dir, 'step.key');
    await expect(cachedStep(keyFile, 'k', [join(dir, 'never')], () => {})).rejects.toThrow(/did not write/);
    await expect(cachedStep(keyFile, 'k', [], () => { throw new Error('boom'); })).rejects.toThrow('boom');
    let ran = false;
    await cachedStep(keyFile, 'k', [], () => { ran = true; });
    expect(ran).toBe(true);
  });

  it('hashes code by file contents and distinguishes part boundaries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tinyconv-code-'));
    mkdirSync(join(dir, 'src', 'a'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a', 'x.js'), 'one');
    const h1 = codeHash([join(dir, 'src', 'a')]);
    writeFileSync(join(dir, 'src', 'a', 'x.js'), 'two');
    expect(codeHash([join(dir, 'src', 'a')])).not.toBe(h1);
    expect(hashParts(['ab', 'c'])).not.toBe(hashParts(['a', 'bc']));
  });
});
