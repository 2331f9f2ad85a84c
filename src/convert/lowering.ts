// The state shared by the op lowerings: the tensor table of the ModelSpec being built, each graph
// tensor's quantization (decided before any op is emitted) and the weights to read from.
import { TinyconvError } from '../format/errors.js';
import type { OpSpec, TensorSpec } from '../format/schema.js';
import type { FloatModel, GraphNode } from '../graph/types.js';
import type { ActivationQuant } from './quant-params.js';

export interface LoweringOptions {
  /** One weight scale per output channel (default) or one per tensor. */
  perChannel: boolean;
}

export class Lowering {
  readonly tensors: TensorSpec[] = [];
  readonly ops: OpSpec[] = [];
  private readonly index: Record<string, number> = Object.create(null);

  constructor(
    readonly model: FloatModel,
    readonly shapes: Record<string, number[]>,
    private readonly quant: Record<string, ActivationQuant>,
    readonly options: LoweringOptions,
  ) {}

  quantOf(name: string): ActivationQuant {
    const q = this.quant[name];
    if (!q) throw new TinyconvError('CALIBRATION_MISSING', `tensor '${name}' has no quantization (no calibrated range)`);
    return q;
  }

  shapeOf(name: string): number[] {
    return this.shapes[name];
  }

  /** Index of a graph tensor in the ModelSpec, created on first use. */
  tensor(name: string): number {
    const at = this.index[name];
    if (at !== undefined) return at;
    const q = this.quantOf(name);
    return this.addTensor(name, this.shapes[name], q);
  }

  /** A tensor the graph does not have (padding, a decomposition's intermediate). */
  synthetic(name: string, shape: number[], q: ActivationQuant): number {
    if (this.index[name] !== undefined) throw new TinyconvError('BAD_GRAPH', `tensor name '${name}' is already used`);
    this.quant[name] = q;
    this.shapes[name] = shape.slice();
    return this.addTensor(name, shape, q);
  }

  private addTensor(name: string, shape: number[], q: ActivationQuant): number {
    this.index[name] = this.tensors.length;
    this.tensors.push({ shape: shape.slice(), scale: q.scale, zeroPoint: q.zeroPoint, offset: 0, name });
    return this.tensors.length - 1;
  }

  emit(op: OpSpec): void {
    this.ops.push(op);
  }
}

export function unsupported(node: GraphNode, why: string): TinyconvError {
  return new TinyconvError('UNSUPPORTED_OP', `node '${node.name}' (${node.op}): ${why}`);
}
