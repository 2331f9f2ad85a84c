// No lost work (issue 8): `tinyconv train` is killed with SIGKILL in the middle of its second epoch,
// after the first checkpoint; the checkpoint on disk is still complete (it is written to a temp file
// and renamed), and `--resume` continues from it to the end. Because each epoch's shuffle derives
// from the seed, the resumed run must end with exactly the weights of an uninterrupted run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { ensureCli } from './build.js';

const dir = mkdtempSync(join(tmpdir(), 'tinyconv-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny seeded 10-class IDX dataset: each class is a bright square at its own position, plus noise. */
function writeData(at: string, n: number, seed: number): void {
  mkdirSync(at, { recursive: true });
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (const [stem, count] of [['train', n], ['t10k', 100]] as const) {
    const images = new Uint8Array(count * 28 * 28);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = Math.floor(rand() * 10);
      labels[i] = c;
      for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(rand() * 60);
      const y0 = 2 + 8 * Math.floor(c / 3), x0 = 2 + 8 * (c % 3);
      for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) images[i * 784 + (y0 + y) * 28 + x0 + x] = 255;
    }
    writeFileSync(join(at, `${stem}-images-idx3-ubyte`), encodeIdx([count, 28, 28], images));
    writeFileSync(join(at, `${stem}-labels-idx1-ubyte`), encodeIdx([count], labels));
  }
}

let cli = '';
const data = join(dir, 'data');
beforeAll(async () => {
  cli = await ensureCli();
  writeData(data, 1200, 7);
}, 120_000);

const trainArgs = (out: string) => ['train', '--model', 'lenet5', '--data', data, '--epochs', '3', '--batch', '16', '--seed', '3', '--quiet', '--out', out];

describe('tinyconv train: kill -9 mid-epoch, then --resume', () => {
  it('continues from the last complete checkpoint and ends where an uninterrupted run ends', async () => {
    const out = join(dir, 'killed', 'm.json');
    mkdirSync(join(dir, 'killed'));
    const ckpt = join(dir, 'killed', 'm.ckpt.json');
    const child = spawn(process.execPath, [cli, ...trainArgs(out)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));

    // Wait for the first epoch's line (its checkpoint is renamed into place just before), then kill
    // a third of an epoch later: in the middle of epoch 2.
    const started = Date.now();
    while (!/epoch 1\/3/.test(stderr)) {
      if (Date.now() - started > 120_000) throw new Error(`no epoch finished in 2 minutes; stderr:\n${stderr}`);
      if (child.exitCode !== null) throw new Error(`training ended early (${child.exitCode}):\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const epochSeconds = Number(/\| ([\d.]+) s\/epoch/.exec(stderr)?.[1] ?? 1);
    await new Promise((r) => setTimeout(r, Math.max(50, epochSeconds * 1000 / 3)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // What the kill left: a complete checkpoint of epoch 1 and no model yet.
    expect(stderr, 'killed after epoch 2 had already finished: make the epochs longer').not.toMatch(/epoch 2\/3/);
    const killed = readCheckpoint(ckpt);
    expect(killed.epochsDone).toBe(1);
    expect(killed.history).toHaveLength(1);
    expect(existsSync(out)).toBe(false);

    const resumed = spawnSync(process.execPath, [cli, ...trainArgs(out), '--resume'], { encoding: 'utf8', timeout: 300_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/epoch 1\/3/); // epoch 1 is not trained again
    expect(resumed.stderr).toMatch(/epoch 2\/3[^]*epoch 3\/3/);
    const done = readCheckpoint(ckpt);
    expect(done.epochsDone).toBe(3);
    expect(done.history[0]).toEqual(killed.history[0]);
    expect(readdirSync(join(dir, 'killed')).sort()).toEqual(expect.arrayContaining(['m.bin', 'm.ckpt.json', 'm.json']));

    // The same three epochs without interruption.
    const straightOut = join(dir, 'straight', 'm.json');
    mkdirSync(join(dir, 'straight'));
    const straight = spawnSync(process.execPath, [cli, ...trainArgs(straightOut)], { encoding: 'utf8', timeout: 300_000 });
    expect(straight.status, straight.stderr).toBe(0);
    const weights = (json: string) => readFileSync(json.replace(/\.json$/, '.bin'));
    expect(Buffer.compare(weights(out), weights(straightOut)), 'resumed weights differ from an uninterrupted run').toBe(0);
    expect(readCheckpoint(join(dir, 'straight', 'm.ckpt.json')).history.map((h) => h.testAccuracy)).toEqual(done.history.map((h) => h.testAccuracy));
  }, 600_000);
});
