import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx, readIdx } from '../../src/data/idx.js';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('IDX reader', () => {
  const data = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const good = encodeIdx([2, 3], data);

  it('round-trips plain and gzipped files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    writeFileSync(join(dir, 'a'), good);
    writeFileSync(join(dir, 'a.gz'), gzipSync(good));
    for (const p of ['a', 'a.gz']) {
      const r = readIdx(join(dir, p));
      expect(r.dims).toEqual([2, 3]);
      expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('rejects a bad magic, an unsupported type and a bad rank, naming the byte offset', () => {
    const badMagic = good.slice(); badMagic[0] = 1;
    expect(codeOf(() => parseIdx(badMagic, 'f.idx'))).toMatch(/^IDX_BAD_MAGIC: f\.idx: .*byte offset 0/);
    const floatType = good.slice(); floatType[2] = 0x0d;
    expect(codeOf(() => parseIdx(floatType, 'f.idx'))).toMatch(/^IDX_UNSUPPORTED_TYPE: .*byte offset 2/);
    const rank0 = good.slice(); rank0[3] = 0;
    expect(codeOf(() => parseIdx(rank0, 'f.idx'))).toMatch(/^IDX_BAD_DIMS: .*byte offset 3/);
  });

  it('rejects truncated headers, truncated data and trailing bytes', () => {
    expect(codeOf(() => parseIdx(good.subarray(0, 2), 'f'))).toMatch(/^IDX_TRUNCATED/);
    expect(codeOf(() => parseIdx(good.subarray(0, 9), 'f'))).toMatch(/^IDX_TRUNCATED: f: truncated IDX header.*byte offset 9/);
    expect(codeOf(() => parseIdx(good.subarray(0, good.length - 1), 'f'))).toMatch(/^IDX_TRUNCATED: .*needs 18 bytes, data ends at byte offset 17/);
    const longer = new Uint8Array(good.length + 2); longer.set(good);
    expect(codeOf(() => parseIdx(longer, 'f'))).toMatch(/^IDX_TRAILING_BYTES: .*byte offset 18/);
  });

  it('rejects a truncated gzip stream and a missing file, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    const gz = gzipSync(encodeIdx([100], new Uint8Array(100).fill(7)));
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 6));
    expect(codeOf(() => readIdx(join(dir, 'cut.gz')))).toMatch(/^IDX_(BAD_GZIP|TRUNCATED): .*cut\.gz/);
    expect(codeOf(() => readIdx(join(dir, 'nope')))).toMatch(/^IDX_UNREADABLE: .*nope/);
  });
});
