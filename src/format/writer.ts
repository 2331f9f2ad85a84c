// Writes a ModelSpec as a .tcm v1 file (docs/format.md). Tool side: used by the converter and the
// TFLite importer. The spec is validated first with the same checks the reader runs, so a tool can
// never write a file the runtime refuses.
import { TinyconvError } from './errors.js';
import { FORMAT_MAGIC, FORMAT_VERSION, ModelSpec, OpSpec } from './schema.js';
import {
  HEADER_BYTES, H_MAGIC, H_VERSION, H_FILE_BYTES, H_ARENA_BYTES, H_TENSOR_COUNT, H_INPUT, H_OUTPUT,
  H_OP_COUNT, H_SECTIONS, TENSOR_WORDS, OP_FIELDS, OP_NAMES, paramWords,
} from './layout.js';
import { validateModel, MAX_TENSORS } from './validate.js';
import { checkParams } from './verify.js';

const align4 = (n: number): number => (n + 3) & ~3;

export function writeModel(spec: ModelSpec): Uint8Array {
  checkFields(spec);
  validateModel(spec);
  checkParams(spec);
  const opWords = spec.ops.map((op, i) => 3 + op.inputs.length + paramWords(fieldsOf(op, i)));
  const tensorsAt = HEADER_BYTES;
  const opsAt = tensorsAt + spec.tensors.length * TENSOR_WORDS * 4;
  const opsBytes = opWords.reduce((a, b) => a + b, 0) * 4;
  const constAt = opsAt + opsBytes;

  // Lay out the constants: every array starts on a 4-byte boundary.
  const arrays: { at: number; data: Int8Array | Int32Array }[] = [];
  let constEnd = constAt;
  for (let i = 0; i < spec.ops.length; i++) {
    for (const f of fieldsOf(spec.ops[i], i)) {
      if (!isArray(f)) continue;
      const data = arrayField(spec.ops[i], f, i);
      arrays.push({ at: constEnd, data });
      constEnd = align4(constEnd + data.byteLength);
    }
  }
  const meta = metaBytes(spec);
  const metaAt = constEnd;
  const fileBytes = align4(metaAt + meta.length);

  const out = new Uint8Array(fileBytes);
  const view = new DataView(out.buffer);
  const word = (byteAt: number, v: number, what: string): void => {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) throw new TinyconvError('BAD_PARAM', `${what}: ${v} is not an int32`);
    view.setInt32(byteAt, v, true);
  };
  const header: number[] = [];
  header[H_MAGIC] = FORMAT_MAGIC;
  header[H_VERSION] = FORMAT_VERSION;
  header[H_FILE_BYTES] = fileBytes;
  header[H_ARENA_BYTES] = spec.arenaBytes;
  header[H_TENSOR_COUNT] = spec.tensors.length;
  header[H_INPUT] = spec.input;
  header[H_OUTPUT] = spec.output;
  header[H_OP_COUNT] = spec.ops.length;
  const sections = [tensorsAt, opsAt - tensorsAt, opsAt, opsBytes, constAt, constEnd - constAt, metaAt, meta.length];
  sections.forEach((v, k) => { header[H_SECTIONS + k] = v; });
  header.forEach((v, k) => word(4 * k, v, `header word ${k}`));

  spec.tensors.forEach((t, i) => {
    const at = tensorsAt + i * TENSOR_WORDS * 4;
    word(at, t.offset, `tensor ${i} offset`);
    view.setFloat32(at + 4, t.scale, true);
    word(at + 8, t.zeroPoint, `tensor ${i} zeroPoint`);
    word(at + 12, t.shape.length, `tensor ${i} rank`);
    t.shape.forEach((d, k) => word(at + 16 + 4 * k, d, `tensor ${i} dim ${k}`));
  });

  let at = opsAt;
  let next = 0;
  spec.ops.forEach((op, i) => {
    const put = (v: number, what: string): void => { word(at, v, `op ${i} (${OP_NAMES[op.type]}) ${what}`); at += 4; };
    put(op.type, 'opcode');
    put(op.inputs.length, 'input count');
    op.inputs.forEach((v) => put(v, 'input'));
    put(op.outputs[0], 'output');
    for (const f of fieldsOf(op, i)) {
      if (!isArray(f)) {
        put((op as unknown as Record<string, number>)[f], f);
        continue;
      }
      const { at: dataAt, data } = arrays[next++];
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataAt);
      put(dataAt, f.slice(1));
      put(data.length, f.slice(1));
    }
  });
  out.set(meta, metaAt);
  return out;
}

/** Every op has its opcode's fields with the right types, so validation can read them safely. */
function checkFields(spec: ModelSpec): void {
  if (spec.tensors.length > MAX_TENSORS) throw new TinyconvError('BAD_TENSOR', `${spec.tensors.length} tensors, at most ${MAX_TENSORS}`);
  spec.ops.forEach((op, i) => {
    for (const f of fieldsOf(op, i)) {
      if (isArray(f)) arrayField(op, f, i);
      else if (typeof (op as unknown as Record<string, unknown>)[f] !== 'number') {
        throw new TinyconvError('BAD_PARAM', `op ${i} (${OP_NAMES[op.type]}): ${f} is missing or not a number`);
      }
    }
  });
}

function isArray(field: string): boolean {
  return field[0] === '#' || field[0] === '*';
}

function fieldsOf(op: OpSpec, i: number): string[] {
  const f = OP_FIELDS[op.type];
  if (!f || op.type < 1) throw new TinyconvError('BAD_OP', `op ${i}: unknown opcode ${op.type}`);
  return f;
}

function arrayField(op: OpSpec, field: string, i: number): Int8Array | Int32Array {
  const v = (op as unknown as Record<string, unknown>)[field.slice(1)];
  const want = field[0] === '#' ? Int8Array : Int32Array;
  if (!(v instanceof want)) throw new TinyconvError('BAD_PARAM', `op ${i} (${OP_NAMES[op.type]}): ${field.slice(1)} must be an ${want.name}`);
  return v;
}

/** Meta JSON with every non-ASCII character escaped, so the runtime can decode it byte by byte. */
function metaBytes(spec: ModelSpec): Uint8Array {
  const meta: Record<string, unknown> = { name: spec.name, labels: spec.labels, preprocess: spec.preprocess };
  if (spec.tensors.some((t) => t.name)) meta.tensorNames = spec.tensors.map((t) => t.name ?? '');
  if (spec.ops.some((o) => o.name)) meta.opNames = spec.ops.map((o) => o.name ?? '');
  const json = JSON.stringify(meta).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return Uint8Array.from(json, (c) => c.charCodeAt(0));
}
