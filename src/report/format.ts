// Number formatting shared by the HTML and Markdown renderers, so both say the same thing.
import type { Proportion } from './metrics.js';

/** 0.9123 -> "91.23%". */
export function pct(v: number, digits = 2): string {
  return `${(v * 100).toFixed(digits)}%`;
}

/** "91.23% (90.1–92.3)", the 95% Wilson interval in percent. */
export function pctWithInterval(p: Proportion): string {
  return `${pct(p.value)} (95% CI ${(p.low * 100).toFixed(1)}–${(p.high * 100).toFixed(1)})`;
}

/** Difference in percentage points, signed: "-0.30 pp". */
export function pointsDelta(a: number, b: number): string {
  const d = (b - a) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(2)} pp`;
}

/** 12345 -> "12,345". */
export function int(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** Bytes as "12,345 B (12.1 KiB)". */
export function bytes(v: number): string {
  if (v < 1024) return `${int(v)} B`;
  return `${int(v)} B (${(v / 1024).toFixed(1)} KiB)`;
}

export function db(v: number): string {
  if (v === Infinity) return 'exact';
  if (v === -Infinity) return '-inf dB';
  return `${v.toFixed(1)} dB`;
}

export function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v < 1 ? `${v.toFixed(3)} ms` : `${v.toFixed(2)} ms`;
}

export function shape(s: number[]): string {
  return s.join('×');
}

/** A color by SQNR band: below 15 dB a layer usually costs accuracy; above 25 dB it rarely does. */
export function sqnrColor(v: number): string {
  if (v < 15) return '#b8474a';
  if (v < 25) return '#e08a2c';
  return '#4e9a57';
}
