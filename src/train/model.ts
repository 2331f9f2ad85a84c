// A network as a small directed acyclic graph of layers over named tensors: enough for residual
// adds, Inception and DenseNet concatenations and squeeze-excite gates. Nodes are kept in the order
// they were added (which is a topological order: a node can only read tensors that exist).
//
// Once built, `finalize()` moves every parameter and gradient into one flat Float32Array each
// (optionally in SharedArrayBuffers for worker threads), so an optimiser step is one loop.
import type { FloatGraph, FloatModel, GraphNode, ParamRef } from '../graph/types.js';
import { Rng } from '../data/random.js';
import { TinyconvError } from '../format/errors.js';
import type { Context, Layer } from './layer.js';
import { SOLO } from './layer.js';
import { Scratch, sizeOf, type Param } from './tensor.js';

export interface ModelNode {
  name: string;
  layer: Layer;
  inputs: string[];
  output: string;
  shape: number[];
}

export const INPUT = 'input';

export class Model {
  readonly nodes: ModelNode[] = [];
  readonly shapes = new Map<string, number[]>([[INPUT, []]]);
  output = INPUT;
  flatParams: Float32Array = new Float32Array(0);
  flatGrads: Float32Array = new Float32Array(0);
  flatBuffers: Float32Array = new Float32Array(0);
  private rng: Rng;
  private finalized = false;
  private names = new Set<string>();
  private gradBuffers = new Map<string, Scratch>();

  constructor(readonly name: string, readonly inputShape: number[], seed = 1) {
    this.shapes.set(INPUT, inputShape.slice());
    this.rng = new Rng(seed);
  }

  /** Adds `layer` reading `inputs`; returns the name of its output tensor. */
  add(layer: Layer, inputs: string | string[], name?: string): string {
    if (this.finalized) throw new Error('model already finalized');
    const ins = typeof inputs === 'string' ? [inputs] : inputs;
    for (const t of ins) {
      if (!this.shapes.has(t)) throw new TinyconvError('TRAIN_BAD_GRAPH', `layer ${name ?? layer.kind} reads unknown tensor '${t}'`);
    }
    let n = name ?? `${layer.kind}${this.nodes.length}`;
    if (this.names.has(n)) n = `${n}_${this.nodes.length}`;
    this.names.add(n);
    const shape = layer.setup(ins.map((t) => this.shapes.get(t)!), this.rng);
    this.nodes.push({ name: n, layer, inputs: ins, output: n, shape });
    this.shapes.set(n, shape);
    this.output = n;
    return n;
  }

  shapeOf(tensor: string): number[] {
    return this.shapes.get(tensor)!.slice();
  }

  params(): Param[] {
    return this.nodes.flatMap((n) => n.layer.params);
  }

  paramCount(): number {
    return this.params().reduce((s, p) => s + p.data.length, 0);
  }

  /** Packs parameters, gradients and buffers into flat arrays (shared ones when `shared`). */
  finalize(shared = false): this {
    const params = this.params();
    const total = params.reduce((s, p) => s + p.data.length, 0);
    const buffers = this.nodes.flatMap((n) => n.layer.buffers);
    const bufTotal = buffers.reduce((s, b) => s + b.length, 0);
    const alloc = (n: number) => shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n);
    this.flatParams = alloc(total);
    this.flatGrads = alloc(total);
    let o = 0;
    for (const p of params) {
      const n = p.data.length;
      this.flatParams.set(p.data, o);
      p.data = this.flatParams.subarray(o, o + n);
      p.grad = this.flatGrads.subarray(o, o + n);
      o += n;
    }
    // Buffers are rebound by copying into the flat array and re-pointing the layers' fields through
    // their `buffers` list (batchnorm reads runningMean/runningVar through it).
    this.flatBuffers = alloc(bufTotal);
    o = 0;
    for (const node of this.nodes) {
      const bs = node.layer.buffers;
      for (let i = 0; i < bs.length; i++) {
        this.flatBuffers.set(bs[i], o);
        bs[i] = this.flatBuffers.subarray(o, o + bs[i].length);
        o += bs[i].length;
      }
      rebindBuffers(node.layer);
    }
    this.finalized = true;
    return this;
  }

  /** Forward pass over `ctx.batch` samples; returns the output tensor (the logits). */
  forward(x: Float32Array, ctx: Context): Float32Array {
    const values = new Map<string, Float32Array>([[INPUT, x]]);
    for (const node of this.nodes) {
      values.set(node.output, node.layer.forward(node.inputs.map((t) => values.get(t)!), ctx));
    }
    return values.get(this.output)!;
  }

  /** Backward pass from dLoss/dOutput, accumulating into the parameter gradients. */
  backward(gradOutput: Float32Array, ctx: Context): void {
    const grads = new Map<string, Float32Array>([[this.output, gradOutput]]);
    // A gradient array we did not allocate (a layer's own output, or the same array passed to two
    // inputs by `add`) must be copied before another contribution is summed into it.
    const owned = new Set<string>();
    const needs = new Map<string, boolean>();
    for (const node of this.nodes) needs.set(node.output, true);
    needs.set(INPUT, false);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i];
      const g = grads.get(node.output);
      if (!g) continue; // output does not reach the loss
      const need = node.inputs.map((t) => needs.get(t)!);
      const inGrads = node.layer.backward(g, need, ctx);
      node.inputs.forEach((t, k) => {
        const gi = inGrads[k];
        if (!gi || !need[k]) return;
        const prev = grads.get(t);
        if (!prev) {
          grads.set(t, gi);
          return;
        }
        let acc = prev;
        if (!owned.has(t)) {
          let s = this.gradBuffers.get(t);
          if (!s) this.gradBuffers.set(t, (s = new Scratch()));
          acc = s.get(prev.length);
          acc.set(prev);
          owned.add(t);
          grads.set(t, acc);
        }
        for (let j = 0; j < acc.length; j++) acc[j] += gi[j];
      });
    }
  }

  /** Eval-mode logits for `count` samples (in chunks of `chunk`), e.g. for test accuracy. */
  predict(x: Float32Array, count: number, chunk = 256): Float32Array {
    const outSize = sizeOf(this.shapeOf(this.output));
    const inSize = sizeOf(this.inputShape);
    const out = new Float32Array(count * outSize);
    for (let s = 0; s < count; s += chunk) {
      const n = Math.min(chunk, count - s);
      const ctx: Context = { training: false, batch: n, sampleOffset: s, stepSeed: 0, collective: SOLO };
      out.set(this.forward(x.subarray(s * inSize, (s + n) * inSize), ctx).subarray(0, n * outSize), s * outSize);
    }
    return out;
  }

  /** The float graph (NHWC, OHWI) of this network in eval mode, with a softmax appended so the
   *  exported model outputs class probabilities. */
  toFloatModel(info: { labels: string[]; preprocess: FloatGraph['preprocess']; meta?: Record<string, unknown>; weightsFile?: string }): FloatModel {
    const chunks: Float32Array[] = [];
    let offset = 0;
    const ex = {
      addParam(values: Float32Array, shape: number[]): ParamRef {
        const ref = { offset, shape: shape.slice() };
        chunks.push(Float32Array.from(values));
        offset += values.length;
        return ref;
      },
    };
    const nodes: GraphNode[] = [];
    for (const node of this.nodes) nodes.push(...node.layer.exportNodes(node.name, node.inputs, node.output, ex));
    const last = this.nodes[this.nodes.length - 1];
    let output = this.output;
    if (last.layer.kind !== 'logSoftmax') {
      nodes.push({ name: 'probabilities', op: 'softmax', inputs: [output], output: 'probabilities', attrs: {}, params: {} });
      output = 'probabilities';
    }
    const weights = new Float32Array(offset);
    let o = 0;
    for (const c of chunks) { weights.set(c, o); o += c.length; }
    const graph: FloatGraph = {
      format: 'tinyconv-float', version: 1, name: this.name,
      input: { name: INPUT, shape: this.inputShape.slice() },
      preprocess: info.preprocess, labels: info.labels, nodes, output,
      weights: info.weightsFile ?? `${this.name}.bin`,
      meta: info.meta,
    };
    return { graph, weights };
  }
}

/** Layers that keep buffers as named fields re-read them from `buffers` after finalize. */
function rebindBuffers(layer: Layer): void {
  const l = layer as unknown as { runningMean?: Float32Array; runningVar?: Float32Array };
  if (l.runningMean !== undefined && layer.buffers.length === 2) {
    l.runningMean = layer.buffers[0];
    l.runningVar = layer.buffers[1];
  }
}
