// Reads a .tcm v1 file (docs/format.md) into a ModelSpec whose constant arrays (weights, bias,
// multipliers, tables) are typed-array views into the file's own ArrayBuffer: no copies, unless the
// caller's Uint8Array starts at an offset that is not a multiple of 4 (then the file is copied once).
// Views use the platform's byte order: every JS engine we target is little-endian, like the file.
// Every offset, length, index and shape is checked before use; problems throw a TinyconvError naming
// the byte offset or op index.
//
// Runtime rule: ES5 subset, no Node/DOM API (see schema.ts).
import { TinyconvError } from './errors.js';
import { FORMAT_MAGIC, FORMAT_VERSION, ModelSpec, OpSpec, TensorSpec } from './schema.js';
import {
  HEADER_BYTES, H_MAGIC, H_VERSION, H_FILE_BYTES, H_ARENA_BYTES, H_TENSOR_COUNT, H_INPUT, H_OUTPUT,
  H_OP_COUNT, H_SECTIONS, TENSOR_WORDS, OP_FIELDS, paramWords,
} from './layout.js';
import { validateModel, MAX_TENSORS } from './validate.js';

interface Meta {
  name?: string;
  labels?: string[];
  preprocess?: ModelSpec['preprocess'];
  tensorNames?: string[];
  opNames?: string[];
}

function check(ok: boolean, code: string, msg: string): void {
  if (!ok) throw new TinyconvError(code, msg);
}

export function readModel(bytes: ArrayBuffer | Uint8Array): ModelSpec {
  var u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteOffset & 3) u8 = new Uint8Array(u8); // Int32Array views need 4-byte alignment
  var n = u8.byteLength;
  check(n >= HEADER_BYTES, 'TRUNCATED', 'file is ' + n + ' bytes');
  var buf = u8.buffer;
  var base = u8.byteOffset;
  var words = new Int32Array(buf, base, n >> 2);
  var floats = new Float32Array(buf, base, n >> 2);
  check(words[H_MAGIC] === FORMAT_MAGIC, 'BAD_MAGIC', 'not a .tcm file');
  check(words[H_VERSION] === FORMAT_VERSION, 'BAD_VERSION', 'version ' + words[H_VERSION] + ' (byte 4)');
  var fileBytes = words[H_FILE_BYTES];
  check(fileBytes <= n, 'TRUNCATED', 'file is ' + n + ' bytes, not ' + fileBytes);
  // A fileBytes below the header or misaligned needs no check: no section can then fit inside it.

  // Sections: [start, end) in bytes, each 4-byte aligned and inside the file.
  var starts: number[] = [];
  var ends: number[] = [];
  for (var s = 0; s < 4; s++) {
    var at = H_SECTIONS + 2 * s;
    var off = words[at];
    var len = words[at + 1];
    check(off >= HEADER_BYTES && !(off & 3) && len >= 0 && off + len <= fileBytes, 'BAD_OFFSET',
      'section at byte ' + 4 * at + ': [' + off + ', +' + len + ')');
    starts.push(off);
    ends.push(off + len);
  }

  var nt = words[H_TENSOR_COUNT];
  var tensors: TensorSpec[] = [];
  check(nt >= 0 && nt <= MAX_TENSORS && nt * TENSOR_WORDS * 4 <= ends[0] - starts[0], 'BAD_OFFSET', 'tensor count (byte 16)');
  for (var t = 0; t < nt; t++) {
    var w = (starts[0] >> 2) + t * TENSOR_WORDS;
    var rank = words[w + 3];
    check(rank >= 1 && rank <= 4, 'BAD_SHAPE', 'tensor ' + t + ': rank ' + rank);
    var shape: number[] = [];
    for (var d = 0; d < rank; d++) shape.push(words[w + 4 + d]);
    tensors.push({ shape: shape, scale: floats[w + 1], zeroPoint: words[w + 2], offset: words[w] });
  }

  // Op records, walked with a word cursor that never passes the end of the ops section.
  var nOps = words[H_OP_COUNT];
  var ops: OpSpec[] = [];
  var opAt: number[] = [];
  var p = starts[1] >> 2;
  var end = ends[1] >> 2;
  // Bytes of constants referenced by all ops: at most the section, so ops pointing at one shared
  // array cannot multiply run work and load-time tables beyond the file's own size.
  var used = 0;
  for (var i = 0; i < nOps; i++) {
    var where = 'op ' + i + ' at byte ' + 4 * p + ': ';
    var type = words[p];
    var names = type > 0 ? OP_FIELDS[type] : undefined;
    var nIn = words[p + 1];
    check(!!names, 'BAD_OP', where + 'opcode ' + type);
    // The record's length follows from its opcode and input count: check it once, whole.
    check(nIn >= 1 && p + 3 + nIn + paramWords(names!) <= end, 'TRUNCATED', where + nIn + ' inputs');
    opAt.push(4 * p);
    var op: any = { type: type, inputs: [], outputs: [] };
    p += 2;
    for (var k = 0; k < nIn; k++) op.inputs.push(words[p++]);
    op.outputs.push(words[p++]);
    for (var f = 0; f < names!.length; f++) {
      var name = names![f];
      var c = name.charAt(0);
      if (c !== '#' && c !== '*') {
        op[name] = words[p++];
        continue;
      }
      name = name.substring(1);
      var size = c === '*' ? 4 : 1;
      var from = words[p];
      var count = words[p + 1];
      check(from >= starts[2] && !(from & (size - 1)) && count >= 0 && from + count * size <= ends[2], 'BAD_OFFSET',
        where + name + ' [' + from + ', +' + count * size + ')');
      op[name] = size === 4 ? new Int32Array(buf, base + from, count) : new Int8Array(buf, base + from, count);
      used += count * size;
      p += 2;
    }
    ops.push(op);
  }
  check(used <= ends[2] - starts[2], 'BAD_OFFSET', 'constants used ' + used);

  var meta = readMeta(u8, starts[3], ends[3]);
  var tn = meta.tensorNames || [];
  var on = meta.opNames || [];
  for (t = 0; t < nt; t++) if (tn[t]) tensors[t].name = tn[t];
  for (i = 0; i < nOps; i++) if (on[i]) ops[i].name = on[i];
  var spec: ModelSpec = {
    tensors: tensors,
    ops: ops,
    input: words[H_INPUT],
    output: words[H_OUTPUT],
    arenaBytes: words[H_ARENA_BYTES],
    preprocess: meta.preprocess || { pixelScale: 1, mean: [0], std: [1] },
    labels: meta.labels || [],
    name: meta.name || '',
  };
  validateModel(spec, opAt);
  return spec;
}

/** The meta section is ASCII JSON (the writer escapes everything else as \uXXXX). */
function readMeta(u8: Uint8Array, start: number, end: number): Meta {
  var text = '';
  for (var i = start; i < end; i++) text += String.fromCharCode(u8[i]);
  try {
    return (text && JSON.parse(text)) || {}; // "null" is valid JSON, not a meta object
  } catch (e) {
    throw new TinyconvError('BAD_META', 'meta at byte ' + start);
  }
}
