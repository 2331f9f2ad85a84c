#!/usr/bin/env node
// `tinyconv <verb> ...`: dispatches to tools/verbs/<verb>.ts. Every verb module exports
// `spec: VerbSpec` and `main(argv: string[]): Promise<void>`.
// Errors a user can cause print one line to stderr and exit 2; `--debug` adds the stack.
import { UsageError } from './args.js';
import { isTinyconvError } from '../src/format/errors.js';

const VERBS: Record<string, string> = {
  train: 'train a network from the zoo on an image dataset, writing a float model',
  import: 'import an .onnx (to a float model) or an int8 .tflite (to a .tcm)',
  quantize: 'quantize a float model (.json or .onnx) to an int8 .tcm',
  report: 'compare a float model and its int8 form on a dataset (HTML, Markdown, JSON)',
  inspect: 'print a per-layer table of a .tcm, .json, .onnx or .tflite model',
  export: 'bundle the runtime and an int8 model into one JavaScript file',
  run: 'run an int8 .tcm model on one input',
};

function usage(): string {
  const rows = Object.entries(VERBS).map(([v, s]) => `  ${v.padEnd(10)} ${s}`);
  return ['usage: tinyconv <verb> [options]   (tinyconv <verb> --help for details)', '', 'verbs:', ...rows].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    console.log(usage());
    return;
  }
  if (!(verb in VERBS)) throw new UsageError(`unknown verb '${verb}' (expected ${Object.keys(VERBS).join(', ')}; see 'tinyconv --help')`);
  const mod = (await import(`./verbs/${verb}.js`)) as { main(argv: string[]): Promise<void> };
  await mod.main(rest);
}

const debug = process.argv.includes('--debug');
main(process.argv.slice(2)).catch((e: unknown) => {
  const err = e as Error & { code?: string };
  const known = e instanceof UsageError || isTinyconvError(e) || (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code));
  if (debug || !known) console.error(err?.stack ?? String(e));
  else console.error(`tinyconv: ${err.message}`);
  process.exit(known ? 2 : 1);
});
