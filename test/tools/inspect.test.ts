// `tinyconv inspect` on the TFLM person_detect model (.tflite and the .tcm it converts to) and on a
// small float graph: the table's rows and totals, and --json.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/verbs/inspect.js';
import { importTflite } from '../../src/tflite/index.js';
import { writeModel } from '../../src/format/writer.js';
import { describeModel } from '../../src/format/describe.js';
import { countLayers, writeFloatModel } from '../../src/graph/index.js';
import { importOnnx } from '../../src/onnx/import.js';
import type { FloatModel } from '../../src/graph/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'tflm');
const PERSON = join(FIXTURES, 'person_detect.tflite');
const has = existsSync(PERSON);
if (!has) console.log(`skip: person_detect.tflite absent (${FIXTURES})`);

let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { printed.push(a.join(' ')); });
});
afterEach(() => vi.restoreAllMocks());

describe.skipIf(!has)('inspect int8 models', () => {
  it('describes person_detect: MobileNet v1 0.25 counts, arena and per-op rows', async () => {
    const spec = importTflite(new Uint8Array(readFileSync(PERSON)));
    const d = describeModel(spec);
    // Known figures for this model: 31 ops; conv/depthwise weights + biases.
    expect(d.layers).toHaveLength(31);
    expect(d.layers[0]).toMatchObject({ op: 'depthwise_conv2d', params: 3 * 3 * 8 + 8, macs: 48 * 48 * 8 * 9 });
    expect(d.layers[0].detail).toBe('3x3 /2 pad 0,0,1,1 dm 8 per-channel(8)');
    expect(d.layers[2]).toMatchObject({ op: 'conv2d', params: 16 * 8 + 16, macs: 48 * 48 * 16 * 8 });
    expect(d.layers[29]).toMatchObject({ op: 'reshape', detail: 'from [1,1,2] (in place)' });
    expect(d.totalMacs).toBe(d.layers.reduce((s, l) => s + l.macs, 0));
    expect(d.arenaBytes).toBe(spec.arenaBytes);

    await main([PERSON]);
    const text = printed.join('\n');
    expect(text).toMatch(/^person_detect: int8, 31 ops, input 96x96x1 \(s 0\.007843 zp -1/);
    expect(text).toMatch(/\n\s*0\s+depthwise_conv2d\s+48x48x8\s+80\s+165,888\s+s 0\.02353 zp -128 \[0, 6\]/);
    expect(text).toMatch(/\n\s*30\s+softmax\s+2\s+0\s+0\s+s 0\.003906 zp -128 \[0, 0\.9961\]/);
    expect(text).toContain(`arena ${spec.arenaBytes.toLocaleString('en-US')} bytes`);
    expect(text).toContain('source .tflite 300,568 bytes');
  });

  it('gives the same rows for the .tcm written from it, and --json parses', async () => {
    const spec = importTflite(new Uint8Array(readFileSync(PERSON)));
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const tcm = join(dir, 'person.tcm');
    const bytes = writeModel(spec);
    writeFileSync(tcm, bytes);
    await main([tcm, '--json']);
    const d = JSON.parse(printed.join('\n'));
    expect(d.kind).toBe('int8');
    expect(d.modelBytes).toBe(bytes.length);
    expect(d.layers.map((l: { macs: number }) => l.macs)).toEqual(describeModel(spec).layers.map((l) => l.macs));
    expect(d.arenaBytes).toBe(spec.arenaBytes);
  });
});

describe('inspect float models', () => {
  it('prints a float graph with params and MACs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const model: FloatModel = {
      graph: {
        format: 'tinyconv-float', version: 1, name: 'tiny', input: { name: 'x', shape: [4, 4, 1] },
        preprocess: { pixelScale: 1 / 255, mean: [0], std: [1] }, labels: [], weights: 'tiny.bin', output: 'y',
        nodes: [
          { name: 'c', op: 'conv2d', inputs: ['x'], output: 'h', attrs: { kernel: [3, 3], outChannels: 2 },
            params: { weight: { offset: 0, shape: [2, 3, 3, 1] }, bias: { offset: 18, shape: [2] } } },
          { name: 'f', op: 'flatten', inputs: ['h'], output: 'hf', attrs: {}, params: {} },
          { name: 'd', op: 'dense', inputs: ['hf'], output: 'y', attrs: { units: 3 },
            params: { weight: { offset: 20, shape: [3, 8] }, bias: { offset: 44, shape: [3] } } },
        ],
      },
      weights: new Float32Array(47),
    };
    writeFloatModel(join(dir, 'tiny.json'), model);
    await main([join(dir, 'tiny.json')]);
    const text = printed.join('\n');
    expect(text).toMatch(/tiny: float32, 3 nodes, input 4x4x1/);
    expect(text).toMatch(/\n\s*0\s+conv2d\s+c\s+2x2x2\s+20\s+72/);
    expect(text).toMatch(/\n\s*2\s+dense\s+d\s+3\s+27\s+24/);
    expect(text).toMatch(/params 47\s+MACs 96\s+model [\d,]+ bytes \(weights 188\)/);
  });

  const LENET = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'onnx', 'lenet5.onnx');
  it.skipIf(!existsSync(LENET))('prints an .onnx model through the importer, totals as countLayers gives them', async () => {
    const model = importOnnx(new Uint8Array(readFileSync(LENET)));
    const counts = countLayers(model.graph);
    await main([LENET]);
    const text = printed.join('\n');
    expect(text).toMatch(/float32, \d+ nodes, input 28x28x1|float32, \d+ nodes, input 32x32x1/);
    expect(text).toContain(`params ${counts.totalParams.toLocaleString('en-US')}   MACs ${counts.totalMacs.toLocaleString('en-US')}`);
    expect(text).toMatch(/\n\s*0\s+conv2d\s/);
  });

  it('names the file once in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inspect-'));
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    const err = await main([bad]).catch((e: Error) => e);
    expect((err as Error).message.split(bad).length).toBe(2);
  });

  it('refuses other extensions with a usage error', async () => {
    await expect(main(['model.pb'])).rejects.toThrow(/expected a \.tcm, \.tflite, \.json or \.onnx file/);
  });
});
