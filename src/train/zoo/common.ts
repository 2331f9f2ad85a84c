// What every zoo builder receives besides its own knobs.
import { Model } from '../model.js';
import { Builder } from './builder.js';

export interface ZooBase {
  /** Number of classes (dataset labels). */
  classes?: number;
  /** [H, W, C] input; 28x28x1 by default (Fashion-MNIST). */
  inputShape?: number[];
  /** Seeds the weight initialisation. */
  seed?: number;
}

export function start(name: string, o: ZooBase): { b: Builder; model: Model; classes: number } {
  const model = new Model(name, o.inputShape ?? [28, 28, 1], o.seed ?? 1);
  return { b: new Builder(model), model, classes: o.classes ?? 10 };
}
