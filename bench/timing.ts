// Round-robin timing: every round calls each runner once (in an order rotated each round, so no
// runner always follows the same neighbour), so drift in machine load hits all runners alike.
// Only the inference call is timed; per-runner setup (e.g. switching the tfjs backend) is not.

export interface TimedRunner {
  id: string;
  /** One inference on a fixed input, including writing the input and reading the output. */
  call(): unknown | Promise<unknown>;
  before?(): Promise<void> | void;
}

export interface Timing {
  id: string;
  runs: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

async function timeOnce(runner: TimedRunner): Promise<number> {
  if (runner.before) await runner.before();
  const start = performance.now();
  const result = runner.call();
  if (result instanceof Promise) await result;
  return performance.now() - start;
}

/** Warm every runner up (`warmup` rounds), then time `runs` rounds. */
export async function timeRoundRobin(runners: TimedRunner[], warmup: number, runs: number): Promise<Timing[]> {
  for (let i = 0; i < warmup; i++) for (const r of runners) await timeOnce(r);
  const samples: number[][] = runners.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < runners.length; k++) {
      const index = (round + k) % runners.length;
      samples[index].push(await timeOnce(runners[index]));
    }
  }
  return runners.map((r, i) => {
    const sorted = samples[i].slice().sort((a, b) => a - b);
    return { id: r.id, runs: sorted.length, medianMs: percentile(sorted, 0.5), p10Ms: percentile(sorted, 0.1), p90Ms: percentile(sorted, 0.9) };
  });
}
