// WebAssembly instruction encoders shared by every kernel written against assemble.ts (the runtime's
// int8 kernels in src/runtime/wasm, the trainer's float kernels in src/train): each returns the
// instruction's bytes, to be concatenated into a function body. Opcodes: the core spec's binary
// format; SIMD instructions are 0xfd + LEB128 opcode.
//
// ES5 subset (the runtime's kernel sources use it); imports only the assembler.
import { sleb, uleb } from './assemble.js';

export function get(local: number): number[] { return [0x20].concat(uleb(local)); }
export function set(local: number): number[] { return [0x21].concat(uleb(local)); }
export function i32(value: number): number[] { return [0x41].concat(sleb(value)); }
export function simd(op: number): number[] { return [0xfd].concat(uleb(op)); }
/** br_if to the enclosing block `depth` levels out. */
export function brIf(depth: number): number[] { return [0x0d].concat(uleb(depth)); }
/** v128.load / v128.store with alignment 2^4 hint `align` and a constant byte offset. */
export function vload(offset: number, align?: number): number[] { return simd(0x00).concat([align === undefined ? 2 : align], uleb(offset)); }
export function vstore(offset: number, align?: number): number[] { return simd(0x0b).concat([align === undefined ? 2 : align], uleb(offset)); }

export var ADD = [0x6a]; // i32.add
export var SUB = [0x6b];
export var MUL = [0x6c];
export var LT_S = [0x48];
export var NE = [0x47];
export var LOOP = [0x03, 0x40]; // loop with no result
export var IF = [0x04, 0x40];
export var END = [0x0b];
/** v128.const 0. */
export var V128_ZERO = simd(0x0c).concat([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
