// A tiny WebAssembly assembler: just enough to emit tinyconv's int8 SIMD kernels from TypeScript as
// bytes (no external toolchain). A module here is one imported memory ("m"."m") and functions that
// take i32 parameters, return nothing and are all exported under their names.
// Encoding: the WebAssembly core spec, binary format (sections 1 type, 2 import, 3 function,
// 7 export, 10 code; LEB128 integers; SIMD instructions are 0xfd + LEB128 opcode).
//
// Imports nothing. Used at build time for the runtime's kernels (src/runtime/wasm/*-simd.ts, via
// tools/wasm-kernels.ts; the bundles embed the bytes, not this file) and at load time by the
// trainer's SIMD kernels (src/train/*-simd.ts). ES5 subset, like the runtime sources.

export var I32 = 0x7f;
export var V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  var out: number[] = [];
  do {
    var b = n & 0x7f;
    n = n >>> 7;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
}

/** Signed LEB128 (i32). */
export function sleb(n: number): number[] {
  var out: number[] = [];
  for (;;) {
    var b = n & 0x7f;
    n = n >> 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function name(s: string): number[] {
  var out = uleb(s.length);
  for (var i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id].concat(uleb(body.length), body);
}

function vec(items: number[][]): number[] {
  var out = uleb(items.length);
  for (var i = 0; i < items.length; i++) out = out.concat(items[i]);
  return out;
}

export interface WasmFunction {
  name: string;
  params: number;
  /** Extra locals after the parameters, as [count, type] groups. */
  locals: number[][];
  /** The body's instructions (without the final `end`). */
  code: number[];
}

/** A module importing memory "m"."m" (at least `minPages` 64 KiB pages) and exporting `funcs`. */
export function assemble(funcs: WasmFunction[], minPages: number): Uint8Array {
  var types: number[][] = [];
  var indices: number[][] = [];
  var exports: number[][] = [];
  var bodies: number[][] = [];
  for (var f = 0; f < funcs.length; f++) {
    var params: number[][] = [];
    for (var p = 0; p < funcs[f].params; p++) params.push([I32]);
    types.push([0x60].concat(vec(params), [0]));
    indices.push(uleb(f));
    exports.push(name(funcs[f].name).concat([0x00], uleb(f)));
    var locals: number[][] = [];
    for (var l = 0; l < funcs[f].locals.length; l++) locals.push(uleb(funcs[f].locals[l][0]).concat([funcs[f].locals[l][1]]));
    var body = vec(locals).concat(funcs[f].code, [0x0b]);
    bodies.push(uleb(body.length).concat(body));
  }
  var bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00].concat(
    section(1, vec(types)),
    section(2, vec([name('m').concat(name('m'), [0x02, 0x00], uleb(minPages))])),
    section(3, vec(indices)),
    section(7, vec(exports)),
    section(10, vec(bodies)));
  return new Uint8Array(bytes);
}
