// The benchmark table (printed and written to bench/RESULTS.md).

import type { ModelResult } from './child.js';
import { type BundleSize, isOurs, RUNTIME_BUNDLES } from './sizes.js';

const ENGINE_LABELS: Record<string, string> = {
  ...Object.fromEntries(RUNTIME_BUNDLES.map((b) => [b.id, b.label])),
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
  const ours = result.timings.find((t) => t.id === result.reference)!;
  const header =
    `| engine | median ms | p10-p90 ms | ms / ${result.reference} ms |`+' GMAC/s | model bytes | bundle bytes (gzip) | argmax = ours | max abs diff vs ours |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = result.timings.map((t) => {
    const bundle = bundles.find((b) => b.id === t.id);
    const agree = result.agreement.find((a) => a.id === t.id);
    const int8 = isOurs(t.id);
    const modelBytes =
      int8 ? `${kb(result.ourModelBytes)} .tcm` : t.id.startsWith('ort') ? `${kb(result.onnxBytes)} .onnx` : `${kb(result.floatWeightBytes)} f32`;
    const bundleText = bundle ? (bundle.note === 'native' ? `${kb(bundle.bytes)} native` : `${kb(bundle.bytes)} (${kb(bundle.gzipBytes)})`) : '-';
    return [
      ENGINE_LABELS[t.id] ?? t.id,
      ms(t.medianMs),
      `${ms(t.p10Ms)}-${ms(t.p90Ms)}`,
      t.id === result.reference ? '1' : (t.medianMs / ours.medianMs).toFixed(2),
      (result.macs / (t.medianMs * 1e-3) / 1e9).toFixed(3),
      modelBytes,
      bundleText,
      agree ? `${agree.argmaxEqual}/${agree.samples}` : t.id !== result.reference ? `bytes equal ${result.int8Exact[t.id] ?? 0}/${result.samples.length}` : '-',
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

/** Issue 6's targets on MobileNetV1 0.25@96, checked against this run's medians: item 2 on the
 *  pure-JS fast bundle, item 3 on the SIMD bundle. */
export function targetLines(results: ModelResult[], bundles: BundleSize[], budgetRaw: number): string[] {
  const mobile = results.find((r) => r.id === 'mobilenet');
  if (!mobile) return ['- (MobileNetV1 not benchmarked in this run: targets not checked)'];
  const t = (id: string) => mobile.timings.find((x) => x.id === id);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const limit = budgetRaw + 8192;
  const lines: string[] = [];
  const js = t('tinyconv-js');
  const cpu = t('tfjs-cpu');
  const wasm = t('tfjs-wasm');
  if (js) {
    const gmacs = mobile.macs / (js.medianMs * 1e-3) / 1e9;
    lines.push(`- item 2, pure-JS kernels >= 1.5 GMAC/s in Node (<= ${((mobile.macs / 1.5e9) * 1e3).toFixed(2)} ms): ${gmacs.toFixed(3)} GMAC/s, ${js.medianMs.toFixed(2)} ms: ${verdict(gmacs >= 1.5)}`);
    if (cpu) lines.push(`- item 2, pure-JS kernels >= 5x faster than tfjs-cpu: ${(cpu.medianMs / js.medianMs).toFixed(2)}x: ${verdict(cpu.medianMs / js.medianMs >= 5)}`);
  } else lines.push('- item 2: no pure-JS fast bundle (dist/tinyconv-fast.min.mjs) built: not checked');
  const simd = t('tinyconv-simd');
  if (simd && wasm) {
    lines.push(`- item 3, WebAssembly SIMD >= 1.5x faster than tfjs-wasm SIMD with fused ops (<= ${(wasm.medianMs / 1.5).toFixed(3)} ms): ${(wasm.medianMs / simd.medianMs).toFixed(2)}x, ${simd.medianMs.toFixed(3)} ms: ${verdict(wasm.medianMs / simd.medianMs >= 1.5)}`);
  } else lines.push('- item 3: no SIMD bundle (dist/tinyconv-simd.min.mjs) built: not checked');
  for (const id of ['tinyconv-simd', 'tinyconv-js']) {
    const b = bundles.find((x) => x.id === id);
    if (b) lines.push(`- ${id} bundle under the runtime budget + 8 KB (${limit} bytes raw): ${b.bytes} bytes: ${verdict(b.bytes <= limit)}`);
  }
  const best = t(mobile.reference)!;
  const raw = ['tfjs-cpu', 'tfjs-wasm', 'ort-web', 'ort-node']
    .map((id) => t(id))
    .filter((x): x is NonNullable<typeof x> => x !== undefined)
    .map((x) => `${x.id} ${(x.medianMs / best.medianMs).toFixed(2)}x`);
  lines.push(`- raw speed of ${mobile.reference} relative to each peer (peer ms / ours, > 1 = we are faster): ${raw.join(', ')}`);
  return lines;
}

/** Speed per bundle byte: (peer ms x peer gzip bytes) / (our ms x our gzip bytes), > 1 = we win. */
export function speedPerByteLine(result: ModelResult, bundles: BundleSize[]): string | null {
  const oursBundle = bundles.find((b) => b.id === result.reference);
  const ours = result.timings.find((t) => t.id === result.reference);
  if (!oursBundle || !ours) return null;
  const parts = result.timings
    .filter((t) => !isOurs(t.id))
    .map((t) => {
      const b = bundles.find((x) => x.id === t.id);
      if (!b || !Number.isFinite(b.gzipBytes)) return null;
      return `${t.id} ${((t.medianMs * b.gzipBytes) / (ours.medianMs * oursBundle.gzipBytes)).toFixed(1)}x`;
    })
    .filter((p): p is string => p !== null);
  return `speed per gzip bundle byte, ${result.reference} vs peer ((peer ms x peer gzip bytes) / (ours ms x ours gzip bytes), > 1 = we win): ${parts.join(', ')}`;
}
