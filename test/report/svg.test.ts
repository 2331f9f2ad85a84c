import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { barChart, groupedBarChart, heatmap, imageGrid } from '../../src/report/svg.js';
import { encodePng, normalizeToBytes } from '../../src/report/png.js';
import { checkWellFormed } from './xml-check.js';

function count(s: string, re: RegExp): number {
  return (s.match(re) ?? []).length;
}

describe('svg charts', () => {
  it('bar chart: one bar per value, escaped labels, infinity drawn full and labelled', () => {
    const svg = barChart({ title: 'a <b> & c', labels: ['x<y', 'z', 'w'], values: [1, Infinity, -3], format: (v) => String(v) });
    expect(checkWellFormed(svg)).toBeNull();
    expect(count(svg, /<rect class="bar"/g)).toBe(3);
    expect(svg).toContain('x&lt;y');
    expect(svg).toContain('>Infinity<');
    expect(svg).toMatch(/^<svg [^>]*data-chart="bar"/);
  });
  it('grouped bars: categories x series rectangles', () => {
    const svg = groupedBarChart({ title: 't', categories: ['a', 'b', 'c'], series: [{ name: 'f', values: [0.1, 0.5, 1] }, { name: 'q', values: [0, 0.4, 0.9] }], min: 0, max: 1 });
    expect(checkWellFormed(svg)).toBeNull();
    expect(count(svg, /<rect class="bar"/g)).toBe(6);
  });
  it('heatmap: rows x cols cells, counts written in non-zero cells only', () => {
    const svg = heatmap({ title: 't', rowLabels: ['a', 'b'], colLabels: ['a', 'b'], values: [[5, 0], [1, 7]], rowAxis: 'true', colAxis: 'pred' });
    expect(checkWellFormed(svg)).toBeNull();
    expect(count(svg, /<rect class="cell"/g)).toBe(4);
    expect(svg).toContain('>7</text>');
    expect(svg).not.toContain('>0</text>');
  });
  it('image grid: one inline PNG per tile', () => {
    const tile = { pixels: new Uint8Array(16).fill(200), width: 4, height: 4, channels: 1 as const, caption: ['a & b'] };
    const svg = imageGrid({ title: 'imgs', tiles: [tile, tile, tile], columns: 2 });
    expect(checkWellFormed(svg)).toBeNull();
    expect(count(svg, /<image class="tile"/g)).toBe(3);
    expect(svg).toContain('href="data:image/png;base64,');
  });
});

describe('png', () => {
  it('writes a valid signature, IHDR and zlib-compressed filtered rows', () => {
    const pixels = new Uint8Array([0, 64, 128, 255, 1, 2]);
    const png = encodePng(pixels, 3, 2, 1);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    expect(view.getUint32(16)).toBe(3);
    expect(view.getUint32(20)).toBe(2);
    // IHDR CRC over "IHDR" + 13 data bytes, for this exact header (computed independently with zlib.crc32 in Python).
    expect(view.getUint32(29)).toBe(0xb81f39c6);
    const idatLen = view.getUint32(33);
    expect(String.fromCharCode(...png.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw]).toEqual([0, 0, 64, 128, 0, 255, 1, 2]);
    expect(String.fromCharCode(...png.subarray(png.length - 8, png.length - 4))).toBe('IEND');
  });
  it('refuses a pixel count that does not match the size', () => {
    expect(() => encodePng(new Uint8Array(5), 3, 2, 1)).toThrow(RangeError);
  });
  it('normalizes a map to 0..255, dead channels black', () => {
    expect([...normalizeToBytes([-1, 0, 1])]).toEqual([0, 128, 255]);
    expect([...normalizeToBytes([0, 0])]).toEqual([0, 0]);
    expect([...normalizeToBytes([2, 2])]).toEqual([128, 128]);
  });
});
