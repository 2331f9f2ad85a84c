// `tinyconv export <model.tcm> --target esm|browser|espruino|node --out <file>`: one JavaScript file
// with the runtime and the model embedded (src/deploy). Prints the bytes written and their parts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseVerbArgs, UsageError, type VerbSpec } from '../args.js';
import { exportModel, isExportTarget, TARGETS } from '../../src/deploy/index.js';
import { TinyconvError } from '../../src/format/errors.js';

export const spec: VerbSpec = {
  name: 'export',
  summary: 'bundle the runtime and an int8 model into one JavaScript file',
  usage: 'tinyconv export <model.tcm> --target esm|browser|espruino|node --out <file.js>',
  options: {
    target: { type: 'string', arg: 'TARGET', description: `one of ${TARGETS.join(', ')}`, default: 'esm' },
    out: { type: 'string', arg: 'FILE', description: 'the JavaScript file to write (folders are created)' },
    global: { type: 'string', arg: 'NAME', description: 'browser target: the global the API is assigned to', default: 'tinyconvModel' },
    runtime: { type: 'string', arg: 'plain|fast', description: 'runtime bundle: plain (smallest) or fast (fast kernels; on Espruino its dot products use E.convolve)', default: 'plain' },
  },
  details: 'Targets:\n' +
    '  esm       ES module: export { classify, run, model, ... } and export default { fetch } (edge workers)\n' +
    '  browser   classic script: window.<global> = { classify, run, model, ... }\n' +
    '  node      CommonJS (name it .cjs): require() it, or `node file.cjs image.pgm` prints the top classes\n' +
    '  espruino  ES5 globals classify/classifyAndPrint; model bytes via E.toArrayBuffer(atob(...))\n' +
    'classify(pixels[, topK]) takes raw 0-255 pixels (Uint8Array) of the input size and returns\n' +
    '[{ index, label, probability }]. Recipes: docs/deploy.md.',
};

export async function main(argv: string[]): Promise<void> {
  const args = parseVerbArgs(spec, argv);
  if (!args) return;
  const [modelPath, extra] = args.positionals;
  if (!modelPath || extra !== undefined) throw new UsageError(`expected one .tcm model (see 'tinyconv export --help')`);
  const target = String(args.values.target);
  if (!isExportTarget(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, got '${target}'`);
  const out = args.values.out as string | undefined;
  if (!out) throw new UsageError(`--out <file> is required (see 'tinyconv export --help')`);
  let tcm: Uint8Array;
  try {
    tcm = new Uint8Array(readFileSync(modelPath));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new UsageError(`cannot read '${modelPath}': no such file`);
    throw e;
  }
  let result;
  try {
    const runtime = String(args.values.runtime);
    if (runtime !== 'plain' && runtime !== 'fast') throw new UsageError(`--runtime must be plain or fast, got '${runtime}'`);
    result = exportModel(tcm, { target, globalName: String(args.values.global), runtime });
  } catch (e) {
    if (e instanceof TinyconvError && e.code !== 'DEPLOY_NO_RUNTIME') throw new TinyconvError(e.code, `${modelPath}: ${e.message}`);
    throw e;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result.source);
  console.log(`wrote ${out}: ${result.bytes} bytes (${target}) = ${result.runtime} runtime ${result.runtimeBytes} + model ${result.modelBytes} bytes ` +
    `as ${result.base64Bytes} base64 + wrapper ${result.wrapperBytes}`);
}
