// Base64 to bytes, for the WebAssembly modules the SIMD runtime embeds (kernels-wasm.ts). ES5 has no
// atob everywhere (Duktape, QuickJS, Espruino), so this is the plain 6-bits-per-character loop.
//
// Runtime rule: ES5 subset. Load time only.
var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function decodeBase64(text: string): Uint8Array {
  var n = text.length;
  while (n > 0 && text.charAt(n - 1) === '=') n--;
  var out = new Uint8Array((n * 6) >> 3);
  for (var i = 0, bits = 0, value = 0, o = 0; i < n; i++) {
    value = (value << 6) | ALPHABET.indexOf(text.charAt(i));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 255;
    }
  }
  return out;
}
