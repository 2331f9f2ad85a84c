// The report as one self-contained HTML page: inline CSS and SVG, images as data: URLs, no script,
// so it can be mailed, attached to CI, or opened from disk with JavaScript off.
import type { ReportData } from './types.js';
import { barChart, escapeXml as esc, groupedBarChart, heatmap, imageGrid, PALETTE } from './svg.js';
import { bytes, db, int, ms, pct, pctWithInterval, pointsDelta, shape, sqnrColor } from './format.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:14px 0 4px}
.sub{color:#666;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:150px}
.card b{display:block;font-size:19px}.card span{color:#666;font-size:12px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}
.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.note{color:#666;font-size:12px;max-width:800px}
.bad,.card .bad{color:#b8474a}.good,.card .good{color:#4e9a57}
svg.chart{display:block;max-width:100%;height:auto}
.fm{margin:6px 0 14px}
`;

function table(head: string[], rows: string[][], id?: string): string {
  const th = head.map((h) => `<th>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${id ? ` id="${id}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function card(value: string, label: string): string {
  return `<div class="card"><b>${value}</b><span>${label}</span></div>`;
}

function labelOf(d: ReportData, c: number): string {
  return d.models.labels[c] ?? String(c);
}

function summary(d: ReportData): string {
  const a = d.accuracy;
  const drop = a.int8.value - a.float.value;
  return `<div class="cards" id="summary">
${card(pct(a.float.value), `float top-1, 95% CI ${pct(a.float.low, 1)}–${pct(a.float.high, 1)}`)}
${card(pct(a.int8.value), `int8 top-1, 95% CI ${pct(a.int8.low, 1)}–${pct(a.int8.high, 1)}`)}
${card(`<span class="${drop < -0.005 ? 'bad' : 'good'}" style="font-size:19px">${pointsDelta(a.float.value, a.int8.value)}</span>`, 'int8 minus float')}
${card(pct(a.agreement.value), `agreement (${int(d.flipped.total)} of ${int(a.agreement.total)} flipped)`)}
${card(int(d.size.modelBytes), 'int8 model bytes')}
${card(int(d.size.arenaBytes), 'arena bytes')}
${card(ms(d.timing.int8Ms), `int8 per inference (float ${ms(d.timing.floatMs)})`)}
</div>`;
}

function accuracySection(d: ReportData): string {
  const a = d.accuracy;
  const rows = [
    ['float', int(a.float.correct), int(a.float.total), pctWithInterval(a.float)],
    ['int8', int(a.int8.correct), int(a.int8.total), pctWithInterval(a.int8)],
    ['agreement (same class)', int(a.agreement.correct), int(a.agreement.total), pctWithInterval(a.agreement)],
  ];
  let flipped = `<p class="note">No image changed its predicted class.</p>`;
  const shown = d.flipped.shown.filter((f) => f.image);
  if (shown.length > 0) {
    const grid = imageGrid({
      title: `First ${shown.length} of ${d.flipped.total} images whose predicted class changed`,
      kind: 'flipped',
      scale: Math.max(1, Math.round(56 / d.dataset.width)),
      columns: 8,
      tiles: shown.map((f) => ({
        ...f.image!,
        caption: [`#${f.index} true ${labelOf(d, f.label)}`, `${labelOf(d, f.floatPredicted)} → ${labelOf(d, f.int8Predicted)}`],
        tooltip: `image ${f.index}: true ${labelOf(d, f.label)}, float ${labelOf(d, f.floatPredicted)}, int8 ${labelOf(d, f.int8Predicted)}`,
      })),
    });
    flipped = `<h3>Flipped images (first ${shown.length} of ${int(d.flipped.total)})</h3>
<p class="note">Caption: dataset index and true class, then float prediction → int8 prediction.</p>${grid}`;
  }
  return `<h2 id="accuracy">Accuracy: float vs int8</h2>
${table(['', 'correct', 'N', 'top-1 (95% Wilson interval)'], rows, 'accuracy-table')}
${flipped}`;
}

function perClassSection(d: ReportData): string {
  const chart = groupedBarChart({
    title: 'Per-class accuracy, float and int8',
    categories: d.perClass.map((c) => c.label),
    series: [
      { name: 'float', values: d.perClass.map((c) => c.float.value), color: PALETTE[0] },
      { name: 'int8', values: d.perClass.map((c) => c.int8.value), color: PALETTE[1] },
    ],
    min: 0,
    max: 1,
    format: (v) => pct(v, 0),
  });
  const rows = d.perClass.map((c) => [esc(c.label), int(c.float.total), pct(c.float.value), pct(c.int8.value), pointsDelta(c.float.value, c.int8.value)]);
  return `<h2 id="per-class">Per-class accuracy</h2>
<div class="row">${chart}${table(['class', 'N', 'float', 'int8', 'change'], rows, 'per-class-table')}</div>`;
}

function confusionSection(d: ReportData): string {
  const labels = d.models.labels.length ? d.models.labels : d.confusion.float.map((_, i) => String(i));
  const map = (title: string, values: number[][], color: [number, number, number]) =>
    heatmap({ title, rowLabels: labels, colLabels: labels, values, rowAxis: 'true class', colAxis: 'predicted class', color, cell: labels.length > 12 ? 20 : 30 });
  return `<h2 id="confusion">Confusion matrices</h2>
<p class="note">Rows: true class; columns: predicted class; the number in a cell counts images.</p>
<div class="row"><div><h3>float</h3>${map('Confusion matrix, float model', d.confusion.float, [59, 111, 182])}</div>
<div><h3>int8</h3>${map('Confusion matrix, int8 model', d.confusion.int8, [224, 138, 44])}</div></div>`;
}

function sqnrSection(d: ReportData): string {
  if (d.sqnr.layers.length === 0) return `<h2 id="sqnr">Per-layer SQNR</h2><p class="note">No int8 tensor could be matched to a float tensor by name.</p>`;
  const finite = d.sqnr.layers.map((l) => l.db).filter(Number.isFinite);
  const chart = barChart({
    title: 'Signal-to-quantization-noise ratio per layer (dB)',
    labels: d.sqnr.layers.map((l) => (l.layer === l.tensor ? `${l.tensor} (${l.op})` : `${l.layer}→${l.tensor} (${l.op})`)),
    values: d.sqnr.layers.map((l) => l.db),
    colors: d.sqnr.layers.map((l) => sqnrColor(l.db)),
    max: Math.max(10, ...finite) * 1.05,
    format: db,
    width: 760,
    axisLabel: `SQNR = 10·log10(Σx² / Σ(x − dequant(q))²) over ${d.sqnr.samples} sample(s); higher is better`,
  });
  const worst = d.sqnr.layers.reduce((w, l) => (l.db < w.db ? l : w));
  return `<h2 id="sqnr">Per-layer SQNR (float activations vs dequantized int8)</h2>
<p class="note">Each int8 tensor is compared with the float tensor of the same name. Red below 15 dB, orange below 25 dB.
Lowest: <b>${esc(worst.layer === worst.tensor ? worst.tensor : `${worst.layer}→${worst.tensor}`)}</b> at ${db(worst.db)}. A sharp drop from one layer to the next points at the layer that loses accuracy.</p>
${chart}`;
}

function calibrationSection(d: ReportData): string {
  if (!d.calibration) {
    return `<h2 id="calibration">Calibration methods</h2><p class="note">Not run (pass <code>--compare-calibration</code>).</p>`;
  }
  const rows = d.calibration.rows.map((r) => [
    esc(r.method) + (r.isDefault ? ' (default)' : ''),
    r.perChannel ? 'per-channel' : 'per-tensor',
    pctWithInterval(r.int8),
    pointsDelta(d.calibration!.float.value, r.int8.value),
    pct(r.agreement.value),
  ]);
  const chart = barChart({
    title: 'int8 accuracy by calibration method',
    labels: d.calibration.rows.map((r) => `${r.method} ${r.perChannel ? 'per-channel' : 'per-tensor'}`),
    values: d.calibration.rows.map((r) => r.int8.value),
    max: 1,
    format: (v) => pct(v),
    colors: d.calibration.rows.map((r) => (r.perChannel ? PALETTE[0] : PALETTE[1])),
  });
  return `<h2 id="calibration">Calibration methods</h2>
<p class="note">The same float model quantized again with each activation-range method and weight granularity,
calibrated on ${int(d.calibration.calibrationCount)} training images, evaluated on the first ${int(d.calibration.evaluated)} of the same images.
Float accuracy on them: ${pct(d.calibration.float.value)}.</p>
<div class="row">${table(['method', 'weights', 'int8 top-1', 'vs float', 'agreement'], rows, 'calibration-table')}${chart}</div>`;
}

function sizeSection(d: ReportData): string {
  const s = d.size;
  const rows = s.layers.map((l) => [esc(l.name), esc(l.op), shape(l.outputShape), int(l.params), int(l.macs)]);
  rows.push(['<b>total</b>', '', '', `<b>${int(s.params)}</b>`, `<b>${int(s.macs)}</b>`]);
  const facts = table(['', 'value'], [
    ['int8 model file', bytes(s.modelBytes)],
    ['activation arena', bytes(s.arenaBytes)],
    ['parameters', int(s.params)],
    ['multiply-accumulates', int(s.macs)],
    ['float executor, per inference', ms(d.timing.floatMs)],
    ['int8 runtime (SIMD build), per inference', ms(d.timing.int8Ms)],
  ], 'size-table');
  return `<h2 id="size">Size and cost</h2>
<p class="note">Times are medians over ${int(d.timing.runs)} single-image runs in this process (Node; int8 on the SIMD runtime build, float on the reference float executor); parameters and MACs are the float graph's.</p>
${facts}
<h3>Per layer</h3>${table(['layer', 'op', 'output', 'params', 'MACs'], rows, 'layers-table')}`;
}

function featureMapSection(d: ReportData): string {
  const f = d.featureMaps;
  if (!f || f.layers.length === 0) return '';
  const input = imageGrid({ title: 'Input image', kind: 'input', scale: Math.max(1, Math.round(84 / f.image.width)), tiles: [f.image] });
  const layers = f.layers.map((l) => {
    const side = Math.max(...l.channels.map((c) => c.width));
    const scale = Math.max(1, Math.ceil(40 / side));
    const grid = imageGrid({
      title: `Feature maps of ${l.name}`,
      kind: 'featuremap',
      scale,
      columns: Math.max(1, Math.min(16, Math.floor(960 / (side * scale + 8)))),
      tiles: l.channels.map((c, i) => ({ ...c, tooltip: `${l.name} channel ${i}` })),
    });
    const note = l.channels.length < l.channelCount ? `, first ${l.channels.length} of ${l.channelCount} channels` : '';
    return `<div class="fm"><h3>${esc(l.name)} <span class="note">(${esc(l.op)}, ${shape(l.shape)}${note})</span></h3>${grid}</div>`;
  });
  return `<h2 id="feature-maps">Feature maps</h2>
<p class="note">Float activations for image #${f.sampleIndex} (true ${esc(labelOf(d, f.label))}, float prediction ${esc(labelOf(d, f.floatPredicted))}),
each channel scaled to its own min (black) and max (white).</p>
${input}${layers.join('\n')}`;
}

export function renderHtml(d: ReportData): string {
  const m = d.models;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(d.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(d.title)}</h1>
<p class="sub">float <code>${esc(m.floatPath)}</code> vs int8 <code>${esc(m.int8Path)}</code> ·
input ${shape(m.inputShape)} · dataset <b>${esc(d.dataset.name)}</b> (${esc(d.dataset.split)}, ${int(d.dataset.count)} images) · ${esc(d.createdAt)}</p>
${summary(d)}
${accuracySection(d)}
${perClassSection(d)}
${confusionSection(d)}
${sqnrSection(d)}
${calibrationSection(d)}
${sizeSection(d)}
${featureMapSection(d)}
</body></html>
`;
}
