// Our three runtime bundles (SIMD, fast JS, plain) against tfjs-cpu and tfjs-wasm on person_detect,
// in one process, every engine called round-robin after a warm-up; prints median ms and GMAC/s.
// The main harness (run.ts) covers every peer and both models; this one is the quick check, and
// `--only` narrows the round-robin to some engines (ids matched by substring), e.g. our SIMD bundle
// against tfjs-wasm alone, without the heavy JS engines whose garbage slows every engine after them.
//
//   npm run build && node dist/bench/runtimes.js [runs=200] [--only simd,tfjs-wasm]
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadBenchModel } from './models.js';
import { createTfjsPeers } from './peers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.resolve(here, '..');
const repoRoot = path.resolve(distDir, '..');
const fixturesDir = process.env.TINYCONV_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures', 'tflm');
const MACS = 7.158e6;

interface Runner { id: string; call: () => unknown; before?: () => void | Promise<void>; times: number[] }

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1].split(',') : null;
  const wanted = (id: string): boolean => !only || only.some((o) => id.toLowerCase().includes(o.toLowerCase()));
  const runs = Number(args[0] ?? 200);
  const bench = loadBenchModel('mobilenet', fixturesDir, path.join(repoRoot, 'models'));
  const sample = bench.samples[0];
  const runners: Runner[] = [];
  for (const [id, file] of [['tinyconv SIMD', 'tinyconv-simd.min.mjs'], ['tinyconv fast JS', 'tinyconv-fast.min.mjs'], ['tinyconv plain', 'tinyconv.min.mjs']]) {
    if (!wanted(id)) continue;
    const runtime = await import(pathToFileURL(path.join(distDir, file)).href) as typeof import('../src/runtime/index.js');
    const model = runtime.loadModel(bench.tcm);
    runners.push({ id, call: () => { model.input.set(sample.data); model.run(); return model.output[0]; }, times: [] });
  }
  const input = bench.spec.tensors[bench.spec.input];
  const real = Float32Array.from(sample.data, (q) => input.scale * (q - input.zeroPoint));
  for (const peer of await createTfjsPeers(bench.net)) if (wanted(peer.id)) runners.push({ id: peer.id, call: () => peer.run(real), before: peer.before, times: [] });
  for (const r of runners) {
    if (r.before) await r.before();
    for (let i = 0; i < 20; i++) await r.call();
  }
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < runners.length; j++) {
      const r = runners[(i + j) % runners.length];
      if (r.before) await r.before();
      const t = performance.now();
      await r.call();
      r.times.push(performance.now() - t);
    }
  }
  for (const r of runners) {
    r.times.sort((a, b) => a - b);
    const median = r.times[r.times.length >> 1];
    console.log(`${r.id.padEnd(18)} ${median.toFixed(3).padStart(8)} ms  ${(MACS / median / 1e6).toFixed(2)} GMAC/s  p10-p90 ${r.times[Math.floor(runs * 0.1)].toFixed(3)}-${r.times[Math.floor(runs * 0.9)].toFixed(3)}`);
  }
}

await main();
