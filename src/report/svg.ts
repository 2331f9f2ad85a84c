// Small, dependency-free SVG charts for the report: each function returns one self-contained
// <svg> string (explicit width/height plus a viewBox, a <title> for screen readers, no scripts),
// so the page renders in any browser, with JavaScript off, and from a file:// URL.
// Every chart carries `class="chart"` and `data-chart="<kind>"` so tests can find and count them.
import { pngDataUrl } from './png.js';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const FONT = 12;
/** Rough advance width of one character of the chart font, for laying out label columns. */
const CHAR_W = FONT * 0.62;
export const PALETTE = ['#3b6fb6', '#e08a2c', '#4e9a57', '#b8474a', '#7d5ba6'];

function n(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function textWidth(s: string): number {
  return s.length * CHAR_W;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function open(kind: string, width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${kind}" role="img" ` +
    `width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="system-ui, sans-serif" font-size="${FONT}">` +
    `<title>${escapeXml(title)}</title>`
  );
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;
}

export interface BarChartOptions {
  title: string;
  labels: string[];
  /** Non-finite values are drawn as a full bar (+Infinity) or an empty one, labelled by `format`. */
  values: number[];
  format?: (v: number) => string;
  /** Axis maximum; defaults to the largest finite value. */
  max?: number;
  /** One color per bar, or one for all. */
  colors?: string[] | string;
  width?: number;
  /** Caption under the chart (e.g. what the axis means). */
  axisLabel?: string;
}

/** Horizontal bars, one row per label: long layer names stay readable. */
export function barChart(o: BarChartOptions): string {
  const format = o.format ?? n;
  const width = Math.max(o.width ?? 640, o.axisLabel ? textWidth(o.axisLabel) + 12 : 0);
  const row = 20;
  const labels = o.labels.map((l) => truncate(l, 48));
  const labelW = Math.max(40, ...labels.map(textWidth)) + 10;
  const valueW = Math.max(40, ...o.values.map((v) => textWidth(format(v)))) + 8;
  const plotW = Math.max(80, width - labelW - valueW - 10);
  const finite = o.values.filter(Number.isFinite);
  const max = o.max ?? Math.max(1e-9, ...finite.map((v) => Math.max(v, 0)));
  const top = 6;
  const height = top + labels.length * row + (o.axisLabel ? 26 : 8);
  const parts = [open('bar', width, height, o.title)];
  o.values.forEach((v, i) => {
    const y = top + i * row;
    const clipped = v === Infinity ? max : Number.isFinite(v) ? Math.min(Math.max(v, 0), max) : 0;
    const w = (clipped / max) * plotW;
    const color = Array.isArray(o.colors) ? o.colors[i] : (o.colors ?? PALETTE[0]);
    parts.push(text(labelW - 6, y + 14, labels[i], 'text-anchor="end"'));
    parts.push(`<rect class="bar" x="${n(labelW)}" y="${n(y + 3)}" width="${n(Math.max(w, 1))}" height="${row - 6}" fill="${color}"><title>${escapeXml(`${o.labels[i]}: ${format(v)}`)}</title></rect>`);
    parts.push(text(labelW + w + 4, y + 14, format(v)));
  });
  parts.push(`<line x1="${n(labelW)}" y1="${top}" x2="${n(labelW)}" y2="${n(top + labels.length * row)}" stroke="#555"/>`);
  if (o.axisLabel) parts.push(text(4, height - 8, o.axisLabel, 'fill="#555"'));
  parts.push('</svg>');
  return parts.join('');
}

export interface GroupedBarOptions {
  title: string;
  categories: string[];
  series: { name: string; values: number[]; color?: string }[];
  /** Value axis range (default 0 .. the largest value). */
  min?: number;
  max?: number;
  format?: (v: number) => string;
  height?: number;
}

/** Vertical bars grouped by category (e.g. per-class accuracy, float beside int8), with a legend. */
export function groupedBarChart(o: GroupedBarOptions): string {
  const format = o.format ?? n;
  const plotH = o.height ?? 180;
  const min = o.min ?? 0;
  const all = o.series.flatMap((s) => s.values).filter(Number.isFinite);
  const max = o.max ?? Math.max(min + 1e-9, ...all);
  const barW = 14;
  const groupW = o.series.length * barW + 14;
  const left = 44;
  const legendH = 22;
  const labels = o.categories.map((c) => truncate(c, 14));
  const labelH = Math.max(...labels.map(textWidth)) * 0.66 + 8;
  const width = left + o.categories.length * groupW + 10;
  const height = legendH + plotH + labelH + 6;
  const y0 = legendH + plotH;
  const yOf = (v: number) => y0 - ((Math.min(Math.max(v, min), max) - min) / (max - min)) * plotH;
  const parts = [open('grouped', width, height, o.title)];
  o.series.forEach((s, si) => {
    const x = left + si * 110;
    parts.push(`<rect x="${x}" y="4" width="12" height="12" fill="${s.color ?? PALETTE[si % PALETTE.length]}"/>`);
    parts.push(text(x + 16, 14, s.name));
  });
  for (let t = 0; t <= 4; t++) {
    const v = min + ((max - min) * t) / 4;
    const y = yOf(v);
    parts.push(`<line x1="${left}" y1="${n(y)}" x2="${n(width - 6)}" y2="${n(y)}" stroke="#ddd"/>`);
    parts.push(text(left - 4, y + 4, format(v), 'text-anchor="end" fill="#555"'));
  }
  o.categories.forEach((c, ci) => {
    const gx = left + ci * groupW + 7;
    o.series.forEach((s, si) => {
      const v = s.values[ci];
      const y = yOf(v);
      const color = s.color ?? PALETTE[si % PALETTE.length];
      parts.push(`<rect class="bar" x="${gx + si * barW}" y="${n(y)}" width="${barW - 2}" height="${n(Math.max(y0 - y, 1))}" fill="${color}"><title>${escapeXml(`${c}, ${s.name}: ${format(v)}`)}</title></rect>`);
    });
    const lx = gx + (o.series.length * barW) / 2;
    parts.push(text(lx, y0 + 12, labels[ci], `text-anchor="end" transform="rotate(-40 ${n(lx)} ${n(y0 + 12)})"`));
  });
  parts.push(`<line x1="${left}" y1="${y0}" x2="${n(width - 6)}" y2="${y0}" stroke="#555"/>`);
  parts.push('</svg>');
  return parts.join('');
}

export interface HeatmapOptions {
  title: string;
  rowLabels: string[];
  colLabels: string[];
  values: number[][];
  rowAxis?: string;
  colAxis?: string;
  /** Base hue of the cell shading. */
  color?: [number, number, number];
  cell?: number;
}

/** A matrix of shaded cells with the count written in each (a confusion matrix). Shading is relative
 *  to the largest cell; zero cells stay white so off-diagonal mistakes stand out. */
export function heatmap(o: HeatmapOptions): string {
  const cell = o.cell ?? 30;
  const [r, g, b] = o.color ?? [59, 111, 182];
  const rowLabels = o.rowLabels.map((l) => truncate(l, 14));
  const colLabels = o.colLabels.map((l) => truncate(l, 14));
  const left = Math.max(...rowLabels.map(textWidth)) + 10 + (o.rowAxis ? 18 : 0);
  const top = Math.max(...colLabels.map(textWidth)) * 0.75 + 14 + (o.colAxis ? 18 : 0);
  const cols = o.colLabels.length;
  const rows = o.rowLabels.length;
  // Column labels are rotated up and to the right: leave room for the last one's overhang.
  const overhang = Math.max(...colLabels.map(textWidth)) * 0.64;
  const width = left + cols * cell + Math.max(8, overhang - cell / 2 + 8);
  const height = top + rows * cell + 8;
  const max = Math.max(1e-9, ...o.values.flat());
  const parts = [open('heatmap', width, height, o.title)];
  if (o.colAxis) parts.push(text(left + (cols * cell) / 2, 14, o.colAxis, 'text-anchor="middle" font-weight="bold"'));
  if (o.rowAxis) {
    const cy = top + (rows * cell) / 2;
    parts.push(text(14, cy, o.rowAxis, `text-anchor="middle" font-weight="bold" transform="rotate(-90 14 ${n(cy)})"`));
  }
  colLabels.forEach((l, j) => {
    const x = left + j * cell + cell / 2 + 4;
    parts.push(text(x, top - 6, l, `transform="rotate(-50 ${n(x)} ${n(top - 6)})"`));
  });
  rowLabels.forEach((l, i) => parts.push(text(left - 6, top + i * cell + cell / 2 + 4, l, 'text-anchor="end"')));
  o.values.forEach((rowValues, i) =>
    rowValues.forEach((v, j) => {
      const t = v / max;
      const fill = v === 0 ? '#fff' : `rgb(${Math.round(255 - (255 - r) * t)},${Math.round(255 - (255 - g) * t)},${Math.round(255 - (255 - b) * t)})`;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect class="cell" x="${n(x)}" y="${n(y)}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"><title>${escapeXml(`${o.rowLabels[i]} → ${o.colLabels[j]}: ${n(v)}`)}</title></rect>`);
      if (v !== 0) parts.push(text(x + cell / 2, y + cell / 2 + 4, n(v), `text-anchor="middle" font-size="${cell < 28 ? 9 : 11}" fill="${t > 0.55 ? '#fff' : '#222'}"`));
    }),
  );
  parts.push('</svg>');
  return parts.join('');
}

export interface ImageTile {
  /** Row-major 8-bit pixels. */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
  /** Up to two short caption lines under the image. */
  caption?: string[];
  /** Tooltip. */
  tooltip?: string;
}

export interface ImageGridOptions {
  title: string;
  tiles: ImageTile[];
  /** Display pixels per image pixel. */
  scale?: number;
  columns?: number;
  kind?: string;
}

/** Images in a grid (flipped-image thumbnails, one layer's feature maps), each an inline PNG drawn
 *  with crisp pixels, with optional captions. */
export function imageGrid(o: ImageGridOptions): string {
  const scale = o.scale ?? 2;
  const tiles = o.tiles;
  const captionLines = Math.max(0, ...tiles.map((t) => t.caption?.length ?? 0));
  const tileW = Math.max(...tiles.map((t) => t.width * scale), 1);
  const tileH = Math.max(...tiles.map((t) => t.height * scale), 1);
  const captionW = Math.max(0, ...tiles.flatMap((t) => (t.caption ?? []).map(textWidth)));
  const cellW = Math.max(tileW, Math.min(captionW, 170)) + 8;
  const cellH = tileH + captionLines * 14 + 8;
  const columns = Math.max(1, Math.min(o.columns ?? tiles.length, tiles.length));
  const rows = Math.ceil(tiles.length / columns);
  const width = Math.max(columns * cellW, 10);
  const height = Math.max(rows * cellH, 10);
  const parts = [open(o.kind ?? 'images', width, height, o.title)];
  tiles.forEach((t, i) => {
    const x = (i % columns) * cellW + (cellW - t.width * scale) / 2;
    const y = Math.floor(i / columns) * cellH + 2;
    const href = pngDataUrl(t.pixels, t.width, t.height, t.channels);
    parts.push(
      `<image class="tile" x="${n(x)}" y="${n(y)}" width="${t.width * scale}" height="${t.height * scale}" ` +
        `preserveAspectRatio="none" style="image-rendering:pixelated" href="${href}">` +
        (t.tooltip ? `<title>${escapeXml(t.tooltip)}</title>` : '') +
        '</image>',
    );
    (t.caption ?? []).forEach((line, li) => {
      const cx = (i % columns) * cellW + cellW / 2;
      parts.push(text(cx, y + t.height * scale + 13 + li * 14, truncate(line, 26), 'text-anchor="middle" font-size="11"'));
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
