// Fully connected layer: y[n][u] = sum_f W[u][f] x[n][f] + b[u], W as [units][in] where `in` runs
// over the NHWC-flattened input (the float graph's convention), so export is a copy.
import type { GraphNode } from '../../graph/types.js';
import type { Rng } from '../../data/random.js';
import { gemm, gemmNT } from '../gemm.js';
import type { Context, ExportContext, Layer } from '../layer.js';
import { initUniform, newParam, Scratch, type Param } from '../tensor.js';

export interface DenseOptions {
  units: number;
  bias?: boolean;
}

export class Dense implements Layer {
  readonly kind = 'dense';
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  weight!: Param;
  bias: Param | null = null;
  readonly units: number;
  private F = 0;
  private x: Float32Array = new Float32Array(0);
  private out = new Scratch();
  private dX = new Scratch();

  constructor(private readonly opt: DenseOptions) {
    this.units = opt.units;
  }

  setup(shapes: number[][], rng: Rng): number[] {
    this.F = shapes[0].reduce((a, b) => a * b, 1);
    this.weight = newParam('weight', [this.units, this.F]);
    initUniform(this.weight, this.F, rng);
    this.params.push(this.weight);
    if (this.opt.bias !== false) {
      this.bias = newParam('bias', [this.units]);
      initUniform(this.bias, this.F, rng);
      this.params.push(this.bias);
    }
    return [this.units];
  }

  forward(inputs: Float32Array[], ctx: Context): Float32Array {
    const x = (this.x = inputs[0]);
    const n = ctx.batch, U = this.units;
    const y = this.out.get(n * U);
    gemmNT(n, U, this.F, x, 0, this.weight.data, 0, y, 0, U, false);
    if (this.bias) {
      const b = this.bias.data;
      for (let i = 0; i < n; i++) for (let u = 0; u < U; u++) y[i * U + u] += b[u];
    }
    return y;
  }

  backward(dY: Float32Array, need: boolean[], ctx: Context): (Float32Array | null)[] {
    const n = ctx.batch, U = this.units, F = this.F;
    if (this.bias) {
      const gb = this.bias.grad;
      for (let i = 0; i < n; i++) for (let u = 0; u < U; u++) gb[u] += dY[i * U + u];
    }
    // dW[u][f] += sum_n dY[n][u] x[n][f]
    gemm(U, F, n, dY, 0, 1, U, this.x, 0, 1, F, this.weight.grad, 0, F, true);
    if (!need[0]) return [null];
    // dX[n][f] = sum_u dY[n][u] W[u][f]
    const dX = this.dX.get(n * F);
    gemm(n, F, U, dY, 0, U, 1, this.weight.data, 0, 1, F, dX, 0, F, false);
    return [dX];
  }

  exportNodes(name: string, inputs: string[], output: string, ex: ExportContext): GraphNode[] {
    const params: GraphNode['params'] = { weight: ex.addParam(this.weight.data, this.weight.shape) };
    if (this.bias) params.bias = ex.addParam(this.bias.data, this.bias.shape);
    return [{ name, op: 'dense', inputs, output, attrs: { units: this.units }, params }];
  }
}
