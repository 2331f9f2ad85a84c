// The report as Markdown: the same numbers as the HTML page, as tables, for a PR comment, a model
// card or a terminal. Charts become tables; images are left to the HTML page.
import type { ReportData } from './types.js';
import { bytes, db, int, ms, pct, pctWithInterval, pointsDelta, shape } from './format.js';

/** Keeps user-supplied names (labels, titles, layer names) from being read as inline HTML. */
function mdText(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function table(head: string[], rows: string[][]): string {
  const cell = (s: string) => mdText(s).replace(/\|/g, '\\|');
  const align = head.map((_, i) => (i === 0 ? '---' : '---:'));
  return [head, align, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

export function renderMarkdown(d: ReportData, htmlName?: string): string {
  const a = d.accuracy;
  const label = (c: number) => d.models.labels[c] ?? String(c);
  const out: string[] = [];
  out.push(`# ${mdText(d.title)}`, '');
  out.push(`float \`${d.models.floatPath}\` vs int8 \`${d.models.int8Path}\`; input ${shape(d.models.inputShape)}; ` +
    `dataset **${d.dataset.name}** (${d.dataset.split}, ${int(d.dataset.count)} images); ${d.createdAt}.`);
  if (htmlName) out.push('', `Charts, confusion heatmaps, flipped images and feature maps: [${htmlName}](${htmlName}).`);
  out.push('', '## Accuracy', '');
  out.push(table(['', 'correct', 'N', 'top-1 (95% Wilson interval)'], [
    ['float', int(a.float.correct), int(a.float.total), pctWithInterval(a.float)],
    ['int8', int(a.int8.correct), int(a.int8.total), pctWithInterval(a.int8)],
    ['agreement (same class)', int(a.agreement.correct), int(a.agreement.total), pctWithInterval(a.agreement)],
  ]));
  out.push('', `int8 minus float: **${pointsDelta(a.float.value, a.int8.value)}**; ${int(d.flipped.total)} image(s) changed class.`);
  if (d.flipped.shown.length > 0) {
    out.push('', 'First flipped images (index: true, float → int8): ' +
      d.flipped.shown.map((f) => `#${f.index}: ${label(f.label)}, ${label(f.floatPredicted)} → ${label(f.int8Predicted)}`).join('; ') + '.');
  }
  out.push('', '## Per-class accuracy', '');
  out.push(table(['class', 'N', 'float', 'int8', 'change'],
    d.perClass.map((c) => [c.label, int(c.float.total), pct(c.float.value), pct(c.int8.value), pointsDelta(c.float.value, c.int8.value)])));
  out.push('', '## Per-layer SQNR', '');
  if (d.sqnr.layers.length === 0) out.push('No int8 tensor could be matched to a float tensor by name.');
  else {
    out.push(`Float activations vs dequantized int8 over ${d.sqnr.samples} sample(s); higher is better.`, '');
    out.push(table(['tensor', 'from layer', 'fused float ops', 'SQNR'], d.sqnr.layers.map((l) => [l.tensor, l.layer, l.op, db(l.db)])));
  }
  if (d.calibration) {
    out.push('', '## Calibration methods', '');
    out.push(`Calibrated on ${int(d.calibration.calibrationCount)} training images, evaluated on ${int(d.calibration.evaluated)} test images; float accuracy on them ${pct(d.calibration.float.value)}.`, '');
    out.push(table(['method', 'weights', 'int8 top-1', 'vs float', 'agreement'], d.calibration.rows.map((r) => [
      r.method + (r.isDefault ? ' (default)' : ''), r.perChannel ? 'per-channel' : 'per-tensor',
      pctWithInterval(r.int8), pointsDelta(d.calibration!.float.value, r.int8.value), pct(r.agreement.value),
    ])));
  }
  out.push('', '## Size and cost', '');
  out.push(table(['', 'value'], [
    ['int8 model file', bytes(d.size.modelBytes)],
    ['activation arena', bytes(d.size.arenaBytes)],
    ['parameters', int(d.size.params)],
    ['multiply-accumulates', int(d.size.macs)],
    ['float executor, per inference', ms(d.timing.floatMs)],
    ['int8 runtime (SIMD build), per inference', ms(d.timing.int8Ms)],
  ]));
  out.push('', table(['layer', 'op', 'output', 'params', 'MACs'], [
    ...d.size.layers.map((l) => [l.name, l.op, shape(l.outputShape), int(l.params), int(l.macs)]),
    ['**total**', '', '', `**${int(d.size.params)}**`, `**${int(d.size.macs)}**`],
  ]));
  out.push('');
  return out.join('\n');
}
