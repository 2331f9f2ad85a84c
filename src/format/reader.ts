// Reads a .tcm v1 file (docs/format.md) into a ModelSpec whose constant arrays (weights, bias,
// multipliers, tables) are typed-array views into the file's own ArrayBuffer: no copies, unless the
// caller's Uint8Array starts at an offset that is not a multiple of 4 (then the file is copied once).
// Every offset, length, index and shape is checked before use; problems throw a TinyconvError naming
// the byte offset or op index.
//
// Runtime rule: ES5 subset, no Node/DOM API (see schema.ts).
import { TinyconvError } from './errors.js';
import { FORMAT_MAGIC, FORMAT_VERSION, ModelSpec, OpSpec, TensorSpec } from './schema.js';
import {
  HEADER_BYTES, H_MAGIC, H_VERSION, H_FILE_BYTES, H_ARENA_BYTES, H_TENSOR_COUNT, H_INPUT, H_OUTPUT,
  H_OP_COUNT, H_SECTIONS, SECTION_NAMES, TENSOR_WORDS, OP_FIELDS,
} from './layout.js';
import { validateModel } from './validate.js';

interface Meta {
  name?: string;
  labels?: string[];
  preprocess?: ModelSpec['preprocess'];
  tensorNames?: string[];
  opNames?: string[];
}

export function readModel(bytes: ArrayBuffer | Uint8Array): ModelSpec {
  var u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteOffset & 3) u8 = new Uint8Array(u8); // Int32Array views need 4-byte alignment
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new TinyconvError('BIG_ENDIAN', 'the .tcm runtime needs a little-endian platform');
  var n = u8.byteLength;
  if (n < HEADER_BYTES) throw new TinyconvError('TRUNCATED', 'file is ' + n + ' bytes, shorter than the ' + HEADER_BYTES + '-byte header');
  var buf = u8.buffer;
  var base = u8.byteOffset;
  var words = new Int32Array(buf, base, n >> 2);
  var floats = new Float32Array(buf, base, n >> 2);
  if (words[H_MAGIC] !== FORMAT_MAGIC) throw new TinyconvError('BAD_MAGIC', 'not a .tcm file: bytes 0-3 are not "TCCM"');
  var version = words[H_VERSION];
  if (version !== FORMAT_VERSION) throw new TinyconvError('BAD_VERSION', '.tcm version ' + version + ' (byte 4) is not supported, this reader reads version ' + FORMAT_VERSION);
  var fileBytes = words[H_FILE_BYTES];
  if (fileBytes > n) throw new TinyconvError('TRUNCATED', 'file is ' + n + ' bytes but its header (byte 8) says ' + fileBytes);
  if (fileBytes < HEADER_BYTES || fileBytes & 3) throw new TinyconvError('BAD_OFFSET', 'file length ' + fileBytes + ' at byte 8 is not a multiple of 4 of at least ' + HEADER_BYTES);

  // Sections: [start, end) in bytes, each 4-byte aligned and inside the file.
  var starts: number[] = [];
  var ends: number[] = [];
  for (var s = 0; s < 4; s++) {
    var at = H_SECTIONS + 2 * s;
    var off = words[at];
    var len = words[at + 1];
    if (off < HEADER_BYTES || off & 3 || len < 0 || off + len > fileBytes) {
      throw new TinyconvError('BAD_OFFSET', SECTION_NAMES[s] + ' section [' + off + ', +' + len + ') (header byte ' + 4 * at + ') lies outside the ' + fileBytes + '-byte file');
    }
    starts.push(off);
    ends.push(off + len);
  }

  var nt = words[H_TENSOR_COUNT];
  var tensors: TensorSpec[] = [];
  if (nt < 0 || nt * TENSOR_WORDS * 4 > ends[0] - starts[0]) throw new TinyconvError('BAD_OFFSET', nt + ' tensors (header byte 16) do not fit the tensors section');
  for (var t = 0; t < nt; t++) {
    var w = (starts[0] >> 2) + t * TENSOR_WORDS;
    var rank = words[w + 3];
    if (rank < 1 || rank > 4) throw new TinyconvError('BAD_SHAPE', 'tensor ' + t + ' at byte ' + 4 * w + ': rank ' + rank + ' not in [1, 4]');
    var shape: number[] = [];
    for (var d = 0; d < rank; d++) shape.push(words[w + 4 + d]);
    tensors.push({ shape: shape, scale: floats[w + 1], zeroPoint: words[w + 2], offset: words[w] });
  }

  // Op records, walked with a word cursor that never passes the end of the ops section.
  var nOps = words[H_OP_COUNT];
  var ops: OpSpec[] = [];
  var opWhere: number[] = [];
  var p = starts[1] >> 2;
  var end = ends[1] >> 2;
  var constStart = starts[2];
  var constEnd = ends[2];
  for (var i = 0; i < nOps; i++) {
    var where = 'op ' + i + ' at byte ' + 4 * p;
    if (p + 2 > end) throw new TinyconvError('TRUNCATED', where + ': the ops section ends before ' + nOps + ' ops');
    var type = words[p];
    var names = OP_FIELDS[type];
    if (!names || type < 1) throw new TinyconvError('BAD_OP', where + ': unknown opcode ' + type);
    var nIn = words[p + 1];
    if (nIn < 1 || p + 3 + nIn > end) throw new TinyconvError('BAD_OP', where + ': ' + nIn + ' inputs do not fit the ops section');
    opWhere.push(4 * p);
    var op: any = { type: type, inputs: [], outputs: [] };
    p += 2;
    for (var k = 0; k < nIn; k++) op.inputs.push(words[p++]);
    op.outputs.push(words[p++]);
    for (var f = 0; f < names.length; f++) {
      var name = names[f];
      var c = name.charAt(0);
      var isArray = c === '#' || c === '*';
      if (p + (isArray ? 2 : 1) > end) throw new TinyconvError('TRUNCATED', where + ': parameter ' + name + ' runs past the ops section');
      if (!isArray) {
        op[name] = words[p++];
        continue;
      }
      var elemBytes = c === '*' ? 4 : 1;
      var at2 = words[p];
      var count = words[p + 1];
      if (at2 < constStart || at2 & (elemBytes - 1) || count < 0 || at2 + count * elemBytes > constEnd) {
        throw new TinyconvError('BAD_OFFSET', where + ': ' + name.substring(1) + ' [' + at2 + ', +' + count * elemBytes + ') (byte ' + 4 * p + ') lies outside the constants section');
      }
      op[name.substring(1)] = elemBytes === 4 ? new Int32Array(buf, base + at2, count) : new Int8Array(buf, base + at2, count);
      p += 2;
    }
    ops.push(op);
  }
  if (p !== end) throw new TinyconvError('BAD_OFFSET', 'ops section has ' + 4 * (end - p) + ' bytes left after op ' + (nOps - 1));

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
  validateModel(spec, opWhere);
  return spec;
}

/** The meta section is ASCII JSON (the writer escapes everything else as \uXXXX). */
function readMeta(u8: Uint8Array, start: number, end: number): Meta {
  var text = '';
  for (var i = start; i < end; i++) {
    if (u8[i] > 126) throw new TinyconvError('BAD_META', 'meta section byte ' + i + ' is not ASCII');
    text += String.fromCharCode(u8[i]);
  }
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TinyconvError('BAD_META', 'meta section at byte ' + start + ' is not valid JSON');
  }
}
