// Learning-rate schedules, evaluated per optimisation step (so cosine decays smoothly within epochs).
import { TinyconvError } from '../format/errors.js';

export type ScheduleName = 'constant' | 'step' | 'cosine';
export const SCHEDULES: ScheduleName[] = ['constant', 'step', 'cosine'];

export interface ScheduleOptions {
  name: ScheduleName;
  /** step: multiply by `gamma` every `stepEpochs` epochs (torch StepLR). */
  stepEpochs?: number;
  gamma?: number;
  /** cosine: anneal from lr to `minLr` over the whole run (torch CosineAnnealingLR, per step). */
  minLr?: number;
  /** Linear warm-up from lr / 10 over this many epochs (any schedule). */
  warmupEpochs?: number;
}

/** lr at a fractional epoch position `epoch + batch / batchesPerEpoch` (epochs counted from 0). */
export function learningRate(s: ScheduleOptions, baseLr: number, totalEpochs: number, epoch: number, batch: number, batchesPerEpoch: number): number {
  const pos = epoch + batch / batchesPerEpoch;
  let lr: number;
  switch (s.name) {
    case 'constant': lr = baseLr; break;
    case 'step': lr = baseLr * Math.pow(s.gamma ?? 0.1, Math.floor(epoch / (s.stepEpochs ?? 30))); break;
    case 'cosine': {
      const min = s.minLr ?? 0;
      lr = min + (baseLr - min) * 0.5 * (1 + Math.cos(Math.PI * Math.min(pos / totalEpochs, 1)));
      break;
    }
    default: throw new TinyconvError('TRAIN_UNKNOWN_SCHEDULE', `unknown schedule '${String(s.name)}' (expected ${SCHEDULES.join(', ')})`);
  }
  const w = s.warmupEpochs ?? 0;
  if (w > 0 && pos < w) lr *= 0.1 + 0.9 * pos / w;
  return lr;
}
