// The benchmark table (printed and written to bench/RESULTS.md).

import type { ModelResult } from './child.js';
import type { BundleSize } from './sizes.js';

const ENGINE_LABELS: Record<string, string> = {
  tinyconv: 'tinyconv (int8, pure JS)',
  'tfjs-cpu': 'tfjs cpu (fused ops, f32)',
  'tfjs-wasm': 'tfjs wasm SIMD (fused ops, f32, 1 thread)',
  'ort-web': 'onnxruntime-web (wasm SIMD, f32, 1 thread)',
  'ort-node': 'onnxruntime-node (native, f32, 1 thread)',
  'js-float-naive': 'naive JS float32 loop nest (bench reference)',
};

export function kb(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
}

function ms(x: number): string {
  return x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** One Markdown table per model. */
export function modelTable(result: ModelResult, bundles: BundleSize[]): string {
  const ours = result.timings.find((t) => t.id === 'tinyconv')!;
  const header =
    '| engine | median ms | p10-p90 ms | peer / tinyconv | GMAC/s | model bytes | bundle bytes (gzip) | argmax = ours | max abs diff vs ours |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = result.timings.map((t) => {
    const bundle = bundles.find((b) => b.id === t.id);
    const agree = result.agreement.find((a) => a.id === t.id);
    const modelBytes =
      t.id === 'tinyconv' ? `${kb(result.ourModelBytes)} .tcm` : t.id.startsWith('ort') ? `${kb(result.onnxBytes)} .onnx` : `${kb(result.floatWeightBytes)} f32`;
    const bundleText = bundle ? (bundle.note === 'native' ? `${kb(bundle.bytes)} native` : `${kb(bundle.bytes)} (${kb(bundle.gzipBytes)})`) : '-';
    return [
      ENGINE_LABELS[t.id] ?? t.id,
      ms(t.medianMs),
      `${ms(t.p10Ms)}-${ms(t.p90Ms)}`,
      t.id === 'tinyconv' ? '1' : (t.medianMs / ours.medianMs).toFixed(2),
      (result.macs / (t.medianMs * 1e-3) / 1e9).toFixed(3),
      modelBytes,
      bundleText,
      agree ? `${agree.argmaxEqual}/${agree.samples}` : '-',
      agree ? agree.maxDiffVsOurs.toFixed(4) : '-',
    ];
  });
  return `${header}\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`;
}

export function modelHeading(result: ModelResult): string {
  const runs = result.timings[0]?.runs ?? 0;
  return `### ${result.title}: ${(result.macs / 1e6).toFixed(3)} M MACs, ${runs} timed runs per engine`;
}

/** The float peers must all compute the same function as the plain JS float loop nest. */
export function floatAgreementLine(result: ModelResult): string {
  const worst = result.agreement.reduce((m, a) => Math.max(m, a.maxDiffVsFloat), 0);
  const parts = result.agreement.map((a) => `${a.id} ${a.maxDiffVsFloat.toExponential(1)}`);
  return `float peers vs JS float reference, max abs output diff: ${parts.join(', ')} (${worst <= 1e-4 ? 'all within 1e-4' : 'NOT all within 1e-4'})`;
}
