import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFloatModel, writeFloatModel, parseFloatModel } from '../../src/graph/io.js';
import { buildModel } from './build.js';

const model = () => buildModel([2, 2, 1], [
  { name: 'conv', op: 'conv2d', params: { weight: { shape: [2, 1, 1, 1], data: [0.5, -2] }, bias: { shape: [2], data: [1, 2] } } },
  { op: 'relu' }, { op: 'flatten' },
]);

describe('float model files', () => {
  it('round-trips json + bin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-io-'));
    const m = model();
    writeFloatModel(join(dir, 'net.json'), m);
    const back = readFloatModel(join(dir, 'net.json'));
    expect(back.graph).toEqual({ ...m.graph, weights: 'net.bin' });
    expect(Array.from(back.weights)).toEqual([0.5, -2, 1, 2]);
    expect(readFileSync(join(dir, 'net.bin')).length).toBe(16);
  });
  it('refuses NaN and infinite weights naming node and param', () => {
    const m = model();
    m.weights[3] = NaN;
    expect(() => parseFloatModel(JSON.stringify(m.graph), m.weights)).toThrow(/node 'conv' param 'bias' element 1 is NaN/);
    m.weights[3] = 2;
    m.weights[0] = -Infinity;
    expect(() => parseFloatModel(m.graph, m.weights)).toThrow(/node 'conv' param 'weight' element 0 is -Infinity/);
  });
  it('refuses a weight blob shorter than a param', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc-io-'));
    writeFloatModel(join(dir, 'net.json'), model());
    writeFileSync(join(dir, 'net.bin'), new Uint8Array(12));
    expect(() => readFloatModel(join(dir, 'net.json'))).toThrow(/net.json: node 'conv' param 'bias' needs floats \[2, 4\) but the weight blob holds 3 floats/);
    writeFileSync(join(dir, 'net.bin'), new Uint8Array(13));
    expect(() => readFloatModel(join(dir, 'net.json'))).toThrow(/13 bytes, not a multiple of 4/);
  });
  it('refuses wrong format, version and unknown ops', () => {
    const m = model();
    expect(() => parseFloatModel({ ...m.graph, format: 'other' }, m.weights)).toThrow(/format is "other"/);
    expect(() => parseFloatModel({ ...m.graph, version: 2 }, m.weights)).toThrow(/version 2 is not supported/);
    expect(() => parseFloatModel('{', m.weights)).toThrow(/invalid JSON/);
    const g = JSON.parse(JSON.stringify(m.graph));
    g.nodes[1].op = 'swish';
    expect(() => parseFloatModel(g, m.weights)).toThrow(/unknown op 'swish'/);
  });
  it('refuses preprocess lists that match neither one value nor the input channels', () => {
    const m = model();
    expect(() => parseFloatModel({ ...m.graph, preprocess: { pixelScale: 1, mean: [0, 0], std: [1] } }, m.weights))
      .toThrow(/preprocess\.mean has 2 entries; expected 1 or one per input channel \(1\)/);
    expect(() => parseFloatModel({ ...m.graph, preprocess: { pixelScale: 1, mean: [0], std: [0] } }, m.weights)).toThrow(/std entries must be non-zero/);
  });
  it('validates shapes on load', () => {
    const m = model();
    const g = JSON.parse(JSON.stringify(m.graph));
    g.nodes[0].params.bias.shape = [1];
    expect(() => parseFloatModel(g, m.weights)).toThrow(/node 'conv' \(conv2d\): bias has shape \[1\], expected \[2\]/);
  });
});
