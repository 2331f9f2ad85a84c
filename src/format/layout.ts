// The byte layout of a .tcm v1 file, shared by the reader (runtime side) and the writer (tool side)
// so the two cannot drift apart. docs/format.md explains every number here.
//
// Runtime rule: ES5 subset (see schema.ts).
import {
  OP_CONV2D, OP_DEPTHWISE_CONV2D, OP_DENSE, OP_MAX_POOL, OP_AVG_POOL, OP_GLOBAL_AVG_POOL, OP_ADD,
  OP_MUL, OP_CONCAT, OP_RESHAPE, OP_PAD, OP_LUT, OP_SOFTMAX, OP_REQUANTIZE,
} from './schema.js';

/** Fixed header: 16 little-endian 32-bit words. */
export var HEADER_BYTES = 64;
/** Word indices in the header. */
export var H_MAGIC = 0;
export var H_VERSION = 1;
export var H_FILE_BYTES = 2;
export var H_ARENA_BYTES = 3;
export var H_TENSOR_COUNT = 4;
export var H_INPUT = 5;
export var H_OUTPUT = 6;
export var H_OP_COUNT = 7;
/** Then four (byteOffset, byteLength) pairs: tensors, ops, constants, meta. */
export var H_SECTIONS = 8;

/** A tensor record: offset, scale (float32), zeroPoint, rank, dims[4] (unused dims are 0). */
export var TENSOR_WORDS = 8;
export var MAX_RANK = 4;

// An op record is: opcode, inputCount, inputs[inputCount], output, then the opcode's parameter
// block below, field by field. A plain name is one int32 word; '#name' is an Int8Array and '*name'
// an Int32Array, each stored as two words (absolute byte offset in the file, element count) that
// point into the constants section.
var WINDOW = 'kernelH kernelW strideH strideW padTop padLeft padBottom padRight ';
var CONV_ARRAYS = ' #weights *bias *multiplier *shift';
var CLAMP = 'actMin actMax';

/** Parameter block of each opcode; index = opcode. Append only (see the versioning rule). */
export var OP_FIELDS: string[][] = [];
OP_FIELDS[OP_CONV2D] = fields(WINDOW + 'dilationH dilationW groups ' + CLAMP + CONV_ARRAYS);
OP_FIELDS[OP_DEPTHWISE_CONV2D] = fields(WINDOW + 'dilationH dilationW depthMultiplier ' + CLAMP + CONV_ARRAYS);
OP_FIELDS[OP_DENSE] = fields(CLAMP + CONV_ARRAYS);
OP_FIELDS[OP_MAX_POOL] = OP_FIELDS[OP_AVG_POOL] = fields(WINDOW + CLAMP);
OP_FIELDS[OP_GLOBAL_AVG_POOL] = fields(CLAMP);
OP_FIELDS[OP_ADD] = fields('leftShift input1Multiplier input1Shift input2Multiplier input2Shift outputMultiplier outputShift ' + CLAMP);
OP_FIELDS[OP_MUL] = fields('outputMultiplier outputShift ' + CLAMP);
OP_FIELDS[OP_CONCAT] = fields('axis *multiplier *shift');
OP_FIELDS[OP_RESHAPE] = [];
OP_FIELDS[OP_PAD] = fields('padTop padLeft padBottom padRight');
OP_FIELDS[OP_LUT] = fields('#table');
OP_FIELDS[OP_SOFTMAX] = fields('inputBetaMultiplier inputBetaLeftShift diffMin');
OP_FIELDS[OP_REQUANTIZE] = fields('multiplier shift');

/** Words of a parameter block: one per int field, two per array field. */
export function paramWords(fields: string[]): number {
  var n = 0;
  for (var i = 0; i < fields.length; i++) n += /^[#*]/.test(fields[i]) ? 2 : 1;
  return n;
}

/** Lower-case op names for messages and tools; index = opcode. */
export var OP_NAMES = ',conv2d,depthwise_conv2d,dense,max_pool,avg_pool,global_avg_pool,add,mul,concat,reshape,pad,lut,softmax,requantize'.split(',');

function fields(s: string): string[] {
  return s.split(' ');
}
