// Argument parsing shared by every CLI verb: declared options only, `--help` on every verb,
// and a UsageError (exit code 2, one line on stderr) for anything unknown or malformed.
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  default?: string | boolean;
  short?: string;
  /** Placeholder shown in --help, e.g. 'FILE'. */
  arg?: string;
}

export interface VerbSpec {
  name: string;
  summary: string;
  /** e.g. 'tinyconv run <model.tcm> --input <file>' */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Extra help text: examples, notes. */
  details?: string;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function helpText(spec: VerbSpec): string {
  const lines = [`${spec.summary}`, '', `usage: ${spec.usage}`, '', 'options:'];
  const all = { ...spec.options, help: { type: 'boolean', description: 'show this help' } as OptionSpec };
  for (const [name, o] of Object.entries(all)) {
    const flag = `--${name}${o.type === 'string' ? ` <${o.arg ?? 'value'}>` : ''}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : '';
    lines.push(`  ${flag.padEnd(28)} ${o.description}${def}`);
  }
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n');
}

/** Parses argv for a verb. Returns null when --help was printed (the verb should just return). */
export function parseVerbArgs(spec: VerbSpec, argv: string[]): ParsedArgs | null {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean' }, debug: { type: 'boolean' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see 'tinyconv ${spec.name} --help')`);
  }
  if (parsed.values.help) {
    console.log(helpText(spec));
    return null;
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = (parsed.values as Record<string, string | boolean | undefined>)[name] ?? o.default;
  return { values, positionals: parsed.positionals };
}

/** A numeric option, refused with a UsageError when it is not a finite number. */
export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got '${v}'`);
  return n;
}
