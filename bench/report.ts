// The benchmark table (printed and written to bench/RESULTS.md).

import type { ModelResult } from './child.js';
import type { BundleSize } from './sizes.js';

const ENGINE_LABELS: Record<string, string> = {
  tinyconv: 'tinyconv fast bundle (int8, pure JS)',
  'tinyconv-plain': 'tinyconv plain bundle (int8, generic TFLM-style kernels)',
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
    const int8 = t.id === 'tinyconv' || t.id === 'tinyconv-plain';
    const modelBytes =
      int8 ? `${kb(result.ourModelBytes)} .tcm` : t.id.startsWith('ort') ? `${kb(result.onnxBytes)} .onnx` : `${kb(result.floatWeightBytes)} f32`;
    const bundleText = bundle ? (bundle.note === 'native' ? `${kb(bundle.bytes)} native` : `${kb(bundle.bytes)} (${kb(bundle.gzipBytes)})`) : '-';
    return [
      ENGINE_LABELS[t.id] ?? t.id,
      ms(t.medianMs),
      `${ms(t.p10Ms)}-${ms(t.p90Ms)}`,
      t.id === 'tinyconv' ? '1' : (t.medianMs / ours.medianMs).toFixed(2),
      (result.macs / (t.medianMs * 1e-3) / 1e9).toFixed(3),
      modelBytes,
      bundleText,
      agree ? `${agree.argmaxEqual}/${agree.samples}` : t.id !== 'tinyconv' ? `bytes equal ${result.int8Exact[t.id] ?? 0}/${result.samples.length}` : '-',
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

/** Issue 6's targets on MobileNetV1 0.25@96, checked against this run's medians. */
export function targetLines(results: ModelResult[], ourBundle: BundleSize | null, budgetRaw: number): string[] {
  const mobile = results.find((r) => r.id === 'mobilenet');
  if (!mobile) return ['- (MobileNetV1 not benchmarked in this run: targets not checked)'];
  const t = (id: string) => mobile.timings.find((x) => x.id === id);
  const ours = t('tinyconv')!;
  const gmacs = mobile.macs / (ours.medianMs * 1e-3) / 1e9;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const lines = [
    `- pure-JS kernels >= 1.5 GMAC/s in Node (<= ${((mobile.macs / 1.5e9) * 1e3).toFixed(2)} ms): ${gmacs.toFixed(3)} GMAC/s, ${ours.medianMs.toFixed(2)} ms: ${verdict(gmacs >= 1.5)}`,
  ];
  const cpu = t('tfjs-cpu');
  if (cpu) lines.push(`- >= 5x faster than tfjs-cpu: ${(cpu.medianMs / ours.medianMs).toFixed(2)}x: ${verdict(cpu.medianMs / ours.medianMs >= 5)}`);
  const wasm = t('tfjs-wasm');
  if (wasm) lines.push(`- >= 1.5x faster than tfjs-wasm SIMD with fused ops: ${(wasm.medianMs / ours.medianMs).toFixed(2)}x: ${verdict(wasm.medianMs / ours.medianMs >= 1.5)}`);
  if (ourBundle) {
    const limit = budgetRaw + 8192;
    lines.push(`- bundle under its budget + 8 KB (${limit} bytes raw): ${ourBundle.bytes} bytes: ${verdict(ourBundle.bytes <= limit)}`);
  }
  return lines;
}

/** Speed per bundle byte: (peer ms x peer gzip bytes) / (our ms x our gzip bytes), > 1 = we win. */
export function speedPerByteLine(result: ModelResult, bundles: BundleSize[]): string | null {
  const oursBundle = bundles.find((b) => b.id === 'tinyconv');
  const ours = result.timings.find((t) => t.id === 'tinyconv');
  if (!oursBundle || !ours) return null;
  const parts = result.timings
    .filter((t) => t.id !== 'tinyconv' && t.id !== 'tinyconv-plain')
    .map((t) => {
      const b = bundles.find((x) => x.id === t.id);
      if (!b || !Number.isFinite(b.gzipBytes)) return null;
      return `${t.id} ${((t.medianMs * b.gzipBytes) / (ours.medianMs * oursBundle.gzipBytes)).toFixed(1)}x`;
    })
    .filter((p): p is string => p !== null);
  return `speed per gzip bundle byte, tinyconv vs peer ((peer ms x peer gzip bytes) / (ours ms x ours gzip bytes)): ${parts.join(', ')}`;
}
