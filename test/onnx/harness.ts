// Runs an ONNX model through our importer and float executor on ONNX-layout (NCHW) data, one
// batch item at a time, and returns the output in ONNX layout for comparison.
import type { FloatModel } from '../../src/graph/types.js';
import { createExecutor } from '../../src/graph/execute.js';

/** [C, H, W] (one batch item, NCHW) -> [H, W, C] */
export function chwToNhwc(x: ArrayLike<number>, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let ci = 0; ci < c; ci++) for (let p = 0; p < h * w; p++) out[p * c + ci] = x[ci * h * w + p];
  return out;
}

/** [H, W, C] -> [C, H, W] */
export function nhwcToChw(x: ArrayLike<number>, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let ci = 0; ci < c; ci++) for (let p = 0; p < h * w; p++) out[ci * h * w + p] = x[p * c + ci];
  return out;
}

interface OnnxMeta {
  onnxInput: { shape: number[] };
  onnxOutput: { shape: number[]; flattenedHwcOf?: [number, number, number] };
}

/** Returns a function mapping one ONNX-layout input item to one ONNX-layout output item. */
export function onnxLayoutRunner(model: FloatModel): (item: ArrayLike<number>) => Float32Array {
  const exec = createExecutor(model);
  const meta = model.graph.meta as unknown as OnnxMeta;
  const inShape = meta.onnxInput.shape;
  const outShape = meta.onnxOutput.shape;
  return (item) => {
    const x = inShape.length === 4 ? chwToNhwc(item, inShape[1], inShape[2], inShape[3])
      : inShape.length === 3 ? chwToNhwc(item, inShape[1], 1, inShape[2]) : Float32Array.from(item);
    const y = exec(x);
    if (outShape.length === 4) return nhwcToChw(y, outShape[1], outShape[2], outShape[3]);
    if (outShape.length === 3) return nhwcToChw(y, outShape[1], 1, outShape[2]);
    const chw = meta.onnxOutput.flattenedHwcOf;
    return chw ? nhwcToChw(y, chw[0], chw[1], chw[2]) : y;
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
