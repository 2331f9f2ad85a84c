// A model card (Markdown) from a trained float model's recorded meta: what it is, the data, the
// exact command that made it and how it did, epoch by epoch. `tinyconv train --out x.json` writes
// it as x.md beside the model.
import type { FloatModel } from '../graph/types.js';
import type { EpochRecord } from './checkpoint.js';

function pct(x: unknown): string {
  return typeof x === 'number' ? `${(100 * x).toFixed(2)}%` : 'n/a';
}

export function modelCard(m: FloatModel, extra: { seconds?: number } = {}): string {
  const g = m.graph;
  const meta = (g.meta ?? {}) as Record<string, unknown>;
  const dataset = (meta.dataset ?? {}) as Record<string, unknown>;
  const recipe = (meta.recipe ?? {}) as Record<string, unknown>;
  const history = (meta.history ?? []) as EpochRecord[];
  const ops = new Map<string, number>();
  for (const n of g.nodes) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
  const lines = [
    `# ${g.name}`,
    '',
    `Float model trained with tinyconv (\`${g.weights}\` holds the weights, \`docs/float-format.md\` the format).`,
    '',
    '| | |',
    '|---|---|',
    `| architecture | \`${String(meta.model ?? g.name)}\` ${JSON.stringify(meta.modelOptions ?? {})} |`,
    `| parameters | ${String(meta.parameters ?? m.weights.length)} (${(4 * m.weights.length / 1024).toFixed(1)} KB as float32) |`,
    `| input | [${g.input.shape.join(', ')}], real = (pixel * ${g.preprocess.pixelScale.toPrecision(6)} - mean) / std, mean ${JSON.stringify(g.preprocess.mean)}, std ${JSON.stringify(g.preprocess.std)} |`,
    `| output | ${g.labels.length} class probabilities (softmax): ${g.labels.join(', ')} |`,
    `| layers | ${[...ops.entries()].map(([op, n]) => `${op} x${n}`).join(', ')} |`,
    `| data | ${String(dataset.name ?? '?')} from ${String(dataset.source ?? '?')}: ${String(dataset.train ?? '?')} training images, evaluated on ${String(dataset.evaluation ?? '?')} ${String(dataset.evaluationSplit ?? '')} images |`,
    `| recipe | ${Object.entries(recipe).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')} |`,
    `| final accuracy | train ${pct(meta.trainAccuracy)}, ${String(dataset.evaluationSplit ?? 'test')} ${pct(meta.testAccuracy)} |`,
    '',
    'Reproduce:',
    '',
    '    ' + String(meta.command ?? '(command not recorded)'),
    '',
    '| epoch | train loss | train acc | eval loss | eval acc | lr | seconds |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...history.map((h) => `| ${h.epoch} | ${h.trainLoss.toFixed(4)} | ${pct(h.trainAccuracy)} | ${h.testLoss.toFixed(4)} | ${pct(h.testAccuracy)} | ${h.learningRate.toPrecision(3)} | ${h.seconds.toFixed(1)} |`),
    '',
    'Fashion-MNIST is (c) 2017 Zalando SE, MIT license.',
    '',
  ];
  if (extra.seconds !== undefined) lines.splice(lines.length - 2, 0, `Total training time: ${extra.seconds.toFixed(0)} s.`, '');
  return lines.join('\n');
}
