// PGM/BMP decoding for `tinyconv run --input`: hand-built files of each supported kind, and bad
// files refused with the file name and byte offset.
import { describe, expect, it } from 'vitest';
import { convertChannels, decodeBmp, decodeImage, decodePgm } from '../../src/data/image.js';
import { isTinyconvError } from '../../src/format/errors.js';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

function pgm(header: string, data: number[]): Uint8Array {
  return Uint8Array.from([...ascii(header), ...data]);
}

/** A BMP with a 40-byte info header; rows given top-down, stored bottom-up (or top-down if topDown). */
function bmp(width: number, rows: number[][], bpp: number, palette: number[][] = [], topDown = false): Uint8Array {
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  const dataAt = 54 + palette.length * 4;
  const out = new Uint8Array(dataAt + rowBytes * rows.length);
  const v = new DataView(out.buffer);
  out.set(ascii('BM'));
  v.setUint32(2, out.length, true);
  v.setUint32(10, dataAt, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, topDown ? -rows.length : rows.length, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, bpp, true);
  v.setUint32(46, palette.length, true);
  palette.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + 4 * i));
  rows.forEach((row, y) => out.set(row, dataAt + rowBytes * (topDown ? y : rows.length - 1 - y)));
  return out;
}

function expectBad(fn: () => unknown, message: RegExp): void {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(isTinyconvError(err), String(err)).toBe(true);
  expect((err as { code: string }).code).toBe('BAD_IMAGE');
  expect((err as Error).message).toMatch(message);
}

describe('decodePgm', () => {
  it('reads P5 with comments and rescales maxval', () => {
    const img = decodePgm(pgm('P5\n# a comment\n3 2\n255\n', [0, 1, 2, 253, 254, 255]), 'x.pgm');
    expect(img).toEqual({ width: 3, height: 2, channels: 1, pixels: Uint8Array.of(0, 1, 2, 253, 254, 255) });
    expect(Array.from(decodePgm(pgm('P5 2 1 15 ', [0, 15])).pixels)).toEqual([0, 255]);
  });
  it('refuses bad files naming file and byte', () => {
    expectBad(() => decodePgm(pgm('P2\n1 1\n255\n', [0]), 'a.pgm'), /a\.pgm: not a binary PGM.*byte 0/);
    expectBad(() => decodePgm(pgm('P5\n3 2\n255\n', [1, 2, 3]), 'b.pgm'), /b\.pgm: PGM data truncated: 3x2 needs 6 bytes from byte 11, the file ends at byte 14/);
    expectBad(() => decodePgm(pgm('P5\n3 x\n255\n', []), 'c.pgm'), /expected the PGM height at byte 5/);
    expectBad(() => decodePgm(pgm('P5\n1 1\n65535\n', [0, 0]), 'd.pgm'), /maxval 65535/);
  });
});

describe('decodeBmp', () => {
  it('reads 8-bit gray palettes as one channel, bottom-up and top-down', () => {
    const gray = Array.from({ length: 256 }, (_, i) => [i, i, i]);
    const rows = [[10, 20, 30], [40, 50, 60]];
    for (const topDown of [false, true]) {
      expect(decodeBmp(bmp(3, rows, 8, gray, topDown))).toEqual({ width: 3, height: 2, channels: 1, pixels: Uint8Array.of(10, 20, 30, 40, 50, 60) });
    }
  });
  it('reads colour palettes, 24-bit and 32-bit as RGB', () => {
    const pal = [[255, 0, 0], [0, 0, 255]];
    expect(Array.from(decodeBmp(bmp(2, [[0, 1]], 8, pal)).pixels)).toEqual([255, 0, 0, 0, 0, 255]);
    expect(Array.from(decodeBmp(bmp(1, [[3, 2, 1], [6, 5, 4]], 24)).pixels)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(decodeBmp(bmp(1, [[3, 2, 1, 9]], 32)).pixels)).toEqual([1, 2, 3]);
  });
  it('refuses truncated, compressed and unsupported files', () => {
    const good = bmp(3, [[1, 2, 3]], 24);
    expectBad(() => decodeBmp(good.subarray(0, 20), 'a.bmp'), /a\.bmp: BMP header truncated/);
    expectBad(() => decodeBmp(good.subarray(0, good.length - 1), 'b.bmp'), /b\.bmp: BMP pixel data \[54, \+12\) runs past.*at byte 10/);
    const c = good.slice(); new DataView(c.buffer).setUint32(30, 1, true);
    expectBad(() => decodeBmp(c), /compression 1.*byte 30/);
    const d = good.slice(); new DataView(d.buffer).setUint16(28, 16, true);
    expectBad(() => decodeBmp(d), /16 bits per pixel/);
  });
});

describe('decodeImage / convertChannels', () => {
  it('dispatches by magic and converts channels', () => {
    const img = decodeImage(pgm('P5 2 1 255 ', [0, 90]), 'g.pgm');
    expect(Array.from(convertChannels(img, 3))).toEqual([0, 0, 0, 90, 90, 90]);
    const rgb = decodeImage(bmp(1, [[30, 20, 10]], 24));
    expect(Array.from(convertChannels(rgb, 1))).toEqual([20]);
    expectBad(() => decodeImage(Uint8Array.of(1, 2, 3), 'z.raw'), /z\.raw: not a PGM \(P5\) or BMP image at byte 0/);
  });
});
