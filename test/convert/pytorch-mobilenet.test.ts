// The PyTorch-exported MobileNetV1 fixture (conv+BatchNorm+ReLU6, depthwise separable blocks, global
// pool, linear; test/fixtures/onnx) imported, quantized and run in int8, against PyTorch's own saved
// outputs and our float executor.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertToInt8 } from '../../src/convert/index.js';
import { writeModel } from '../../src/format/writer.js';
import { OP_DEPTHWISE_CONV2D } from '../../src/format/schema.js';
import { createExecutor } from '../../src/graph/execute.js';
import { importOnnx } from '../../src/onnx/import.js';
import { loadModel } from '../../src/runtime/model.js';
import { rng } from './graph-builder.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'onnx');
const ONNX = join(DIR, 'mobilenet_v1.onnx');
const IO = join(DIR, 'mobilenet_v1.io.json');
const has = existsSync(ONNX) && existsSync(IO);
if (!has) console.log(`skip: ${ONNX} absent`);

/** NCHW [1, C, H, W] -> NHWC [H, W, C]. */
function toNhwc(x: number[], c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) out[i * c + k] = x[k * h * w + i];
  return out;
}

describe.skipIf(!has)('PyTorch MobileNetV1 (ONNX) to int8', () => {
  it('folds every BatchNorm, and the int8 logits track PyTorch\'s', () => {
    const model = importOnnx(new Uint8Array(readFileSync(ONNX)), { source: ONNX });
    const io = JSON.parse(readFileSync(IO, 'utf8')) as { samples: { input: number[]; output: number[] }[] };
    const random = rng(2024);
    // The fixture's inputs are torch.rand: uniform [0, 1) per element. Calibrate on the same kind.
    const size = 32 * 32 * 3;
    const spec = convertToInt8(model, (i) => Float32Array.from({ length: size }, () => random()), { calibrationCount: 200 });
    expect(spec.ops.some((o) => o.type === OP_DEPTHWISE_CONV2D)).toBe(true);
    const int8 = loadModel(writeModel(spec));
    const float = createExecutor(model);
    let worst = 0;
    let range = 0;
    for (const s of io.samples) {
      const x = toNhwc(s.input, 3, 32, 32);
      const want = s.output;
      const ours = float(x);
      int8.setInput(x);
      int8.run();
      const got = int8.readOutput();
      for (let k = 0; k < want.length; k++) {
        expect(Math.abs(ours[k] - want[k])).toBeLessThan(1e-4);
        worst = Math.max(worst, Math.abs(got[k] - want[k]));
        range = Math.max(range, Math.abs(want[k]));
      }
    }
    console.log(`MobileNetV1 int8 vs PyTorch: max logit error ${worst.toFixed(4)} (logits up to ${range.toFixed(3)}), ` +
      `${spec.ops.length} ops, arena ${spec.arenaBytes} bytes, model ${writeModel(spec).length} bytes`);
    expect(worst).toBeLessThan(0.1 * range);
  });
});
