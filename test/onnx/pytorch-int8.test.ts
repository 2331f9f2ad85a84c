// End to end for imported models: PyTorch MobileNetV1 (BatchNorm, ReLU6, depthwise), LeNet-5 (dense
// after a flatten) and the op zoo (LUT activations, concat, PReLU, squeeze-excite) go ONNX -> float
// graph -> int8 .tcm -> runtime, and the int8 output
// tracks the float output. Guards the importer's output against the converter's expectations
// (affine batchnorms, relu6 clamps, the flattened dense permutation).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importOnnx } from '../../src/onnx/import.js';
import { createExecutor } from '../../src/graph/execute.js';
import { convertToInt8 } from '../../src/convert/index.js';
import { writeModel } from '../../src/format/writer.js';
import { loadModel } from '../../src/runtime/index.js';
import { chwToNhwc } from './harness.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/onnx');

function randomInputs(count: number, size: number, seed: number): Float32Array[] {
  let s = seed;
  const rand = () => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 8) / 16777216; };
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, rand));
}

describe('imported PyTorch models quantize and run in int8', () => {
  for (const name of ['lenet5', 'mobilenet_v1', 'opzoo']) {
    it(name, () => {
      const float = importOnnx(readFileSync(join(DIR, `${name}.onnx`)));
      const [h, w, c] = float.graph.input.shape;
      const size = h * w * c;
      const spec = convertToInt8(float, randomInputs(64, size, 1), { method: 'minmax' });
      const int8 = loadModel(writeModel(spec));
      const exec = createExecutor(float);
      const io = JSON.parse(readFileSync(join(DIR, `${name}.io.json`), 'utf8')) as { samples: { input: number[] }[] };
      let worst = 0;
      let range = 0;
      for (const s of io.samples) {
        const x = chwToNhwc(s.input, c, h, w);
        const want = exec(x);
        int8.setInput(x);
        int8.run();
        const got = int8.readOutput();
        for (let i = 0; i < want.length; i++) {
          worst = Math.max(worst, Math.abs(got[i] - want[i]));
          range = Math.max(range, Math.abs(want[i]));
        }
      }
      console.log(`${name}: int8 vs float max abs error ${worst.toExponential(2)} (output magnitude up to ${range.toFixed(3)}), arena ${int8.arenaBytes} bytes`);
      // A few output quantization steps: int8 tracks float closely on these tiny random networks.
      expect(worst).toBeLessThan(Math.max(0.05 * range, 4 * int8.outputScale));
    });
  }
});
