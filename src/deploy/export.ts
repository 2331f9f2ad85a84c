// exportModel: one JavaScript file = the ES5 runtime bundle + the .tcm as base64 + run()/classify()
// + the target's way out (targets.ts). The model is validated by the runtime's own reader first,
// so a bad file fails here, with the reader's message, not on the device.
import { TinyconvError } from '../format/errors.js';
import { readVerifiedModel } from '../format/verify.js';
import { toBase64 } from './base64.js';
import { readRuntimeBundle, type RuntimeFlavor } from './runtime-bundle.js';
import { TARGETS, targetParts, type ExportTarget } from './targets.js';
import { CLASSIFY_SOURCE, modelLoaderSource } from './wrapper.js';

export interface ExportOptions {
  target: ExportTarget;
  /** Browser target: the global the API is assigned to (default 'tinyconvModel'). */
  globalName?: string;
  /** Which runtime bundle to embed (runtime-bundle.ts), default 'plain'. 'fast' hands pointwise and
   *  dense dot products to E.convolve on Espruino; it is opt-in until that runtime is settled. */
  runtime?: RuntimeFlavor;
  /** The runtime source to embed instead of a bundle (tests). */
  runtimeSource?: string;
}

export interface ExportResult {
  source: string;
  /** UTF-8 bytes of `source` (all ASCII) and their parts. */
  bytes: number;
  runtimeBytes: number;
  modelBytes: number;
  base64Bytes: number;
  /** Header comment, loader, classify() and the target's wrapper. */
  wrapperBytes: number;
  name: string;
  runtime: RuntimeFlavor | 'custom';
}

export function isExportTarget(s: string): s is ExportTarget {
  return (TARGETS as readonly string[]).indexOf(s) >= 0;
}

export function exportModel(tcm: Uint8Array, options: ExportOptions): ExportResult {
  if (!isExportTarget(options.target)) {
    throw new TinyconvError('DEPLOY_BAD_TARGET', `unknown target '${String(options.target)}' (expected ${TARGETS.join(', ')})`);
  }
  const globalName = options.globalName ?? 'tinyconvModel';
  if (!/^[A-Za-z_$][\w$]*$/.test(globalName)) throw new TinyconvError('DEPLOY_BAD_GLOBAL', `'${globalName}' is not a JavaScript identifier`);
  // Verified, not just read: a corrupt file would otherwise ship to the device and answer wrongly there.
  const spec = readVerifiedModel(tcm);
  const flavor = options.runtime ?? 'plain';
  if (flavor !== 'plain' && flavor !== 'fast') throw new TinyconvError('DEPLOY_BAD_RUNTIME', `unknown runtime '${String(flavor)}' (expected plain or fast)`);
  const runtime = options.runtimeSource ?? readRuntimeBundle(flavor);
  const base64 = toBase64(tcm);
  const parts = targetParts(options.target, globalName);
  const title = (spec.name || 'model').replace(/[^\x20-\x7e]/g, '?');
  const header = `// ${title}: tinyconv runtime + int8 model (${tcm.length} bytes), made by 'tinyconv export --target ${options.target}'.\n` +
    `// API: classify(pixels[, topK]) -> [{ index, label, probability }], run(input) -> int8 output, model.\n`;
  const source = [header, parts.prologue, runtime, '\n', modelLoaderSource(base64, options.target === 'espruino'), CLASSIFY_SOURCE, parts.epilogue].join('');
  if (/[^\x00-\x7f]/.test(source)) throw new TinyconvError('DEPLOY_NOT_ASCII', 'the runtime bundle holds non-ASCII characters; Espruino and Duktape sources must be ASCII');
  return {
    source,
    bytes: source.length,
    runtimeBytes: runtime.length,
    modelBytes: tcm.length,
    base64Bytes: base64.length,
    wrapperBytes: source.length - runtime.length - base64.length,
    name: spec.name,
    runtime: options.runtimeSource !== undefined ? 'custom' : flavor,
  };
}
