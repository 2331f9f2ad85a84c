// Training speed, tinyconv against PyTorch on this machine, in one run: seconds per epoch of
// Fashion-MNIST for LeNet-5 (ReLU/max-pool) and MobileNetV1-tiny alpha 0.5 at 28x28, batch 128, Adam,
// 2 threads each. PyTorch runs through bench/train_torch.py when /usr/bin/python3 has torch.
//
//   npm run build && node dist/bench/train.bench.js [--samples 60000] [--epochs 1] [--workers 2] [--seed 1]
//     [--models lenet5,mobilenet-v1:0.5,mobilenet-v1:1|all]
//
// --samples below 60000 times a partial epoch and scales it to 60,000 samples (both sides alike).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEBIAN_FASHION_MNIST_DIR, hasDebianFashionMnist } from '../src/data/datasets.js';
import { trainModel } from '../src/train/trainer.js';

interface Row { model: string; ours: number; torch: number | null; oursAccuracy: number; torchAccuracy: number | null }

const FULL_EPOCH = 60000;
const MODELS: Array<{ label: string; zoo: string; options: Record<string, unknown>; torch: string }> = [
  { label: 'LeNet-5', zoo: 'lenet5', options: {}, torch: 'lenet5' },
  { label: 'MobileNetV1-tiny a=0.5', zoo: 'mobilenet-v1', options: { alpha: 0.5 }, torch: 'mobilenet-v1:0.5' },
  { label: 'MobileNetV1-tiny a=1.0', zoo: 'mobilenet-v1', options: { alpha: 1 }, torch: 'mobilenet-v1:1' },
];
/** The default run times the first two; `--models all` adds alpha 1.0 (the accuracy recipe). */
const DEFAULT_MODELS = ['lenet5', 'mobilenet-v1:0.5'];

function torchAvailable(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

export async function runTrainBench(samples: number, epochs: number, workers: number, seed = 1, models = DEFAULT_MODELS): Promise<Row[]> {
  const data = hasDebianFashionMnist() ? 'fashion-mnist' : 'fashion-mnist-subset';
  const rows: Row[] = [];
  const hasTorch = torchAvailable();
  if (!hasTorch) console.log('PyTorch: skipped (/usr/bin/python3 without torch)');
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'train_torch.py');
  for (const m of MODELS.filter((x) => models.includes(x.torch))) {
    const r = await trainModel({
      model: m.zoo, modelOptions: m.options, data, epochs, batch: 128, optimizer: 'adam', lr: 1e-3, seed,
      trainLimit: samples, workers, log: () => {},
    });
    const perEpoch = r.history.reduce((s, h) => s + h.seconds, 0) / epochs * (FULL_EPOCH / Math.min(samples, FULL_EPOCH));
    let torch: number | null = null, torchAccuracy: number | null = null;
    if (hasTorch) {
      const dir = data === 'fashion-mnist' ? DEBIAN_FASHION_MNIST_DIR : join(dirname(script), '..', 'data', 'fashion-mnist-subset');
      const out = execFileSync('/usr/bin/python3', [script, '--data', dir, '--samples', String(samples), '--epochs', String(epochs),
        '--threads', String(workers), '--seed', String(seed), '--models', m.torch], { encoding: 'utf8' });
      const j = JSON.parse(out.trim().split('\n').pop()!) as { seconds_per_epoch: number; samples: number; accuracy: number };
      torch = j.seconds_per_epoch * (FULL_EPOCH / j.samples);
      torchAccuracy = j.accuracy;
    }
    rows.push({ model: m.label, ours: perEpoch, torch, oursAccuracy: r.history[r.history.length - 1].testAccuracy, torchAccuracy });
    console.log(formatRow(rows[rows.length - 1]));
  }
  return rows;
}

function formatRow(r: Row): string {
  const ratio = r.torch ? `${(r.ours / r.torch).toFixed(2)}x` : 'n/a';
  const acc = (a: number | null) => (a === null ? 'n/a' : `${(100 * a).toFixed(2)}%`);
  return `${r.model.padEnd(24)} tinyconv ${r.ours.toFixed(1).padStart(7)} s/epoch   PyTorch ${r.torch === null ? '    n/a' : r.torch.toFixed(1).padStart(7)} s/epoch   ` +
    `ratio ${ratio.padStart(6)}   test acc ${acc(r.oursAccuracy)} vs ${acc(r.torchAccuracy)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: {
    samples: { type: 'string', default: '60000' }, epochs: { type: 'string', default: '1' }, workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' }, models: { type: 'string', default: DEFAULT_MODELS.join(',') },
  } });
  const samples = Number(values.samples), epochs = Number(values.epochs), workers = Number(values.workers), seed = Number(values.seed);
  const models = values.models === 'all' ? MODELS.map((m) => m.torch) : values.models!.split(',');
  const unknown = models.filter((m) => !MODELS.some((x) => x.torch === m));
  if (unknown.length) throw new Error(`unknown --models ${unknown.join(',')}; choose from ${MODELS.map((m) => m.torch).join(',')} or all`);
  console.log(`training speed: Fashion-MNIST, batch 128, Adam 1e-3, seed ${seed}, ${workers} thread(s), ${samples} samples x ${epochs} epoch(s), scaled to 60,000 samples/epoch`);
  await runTrainBench(samples, epochs, workers, seed, models);
}
