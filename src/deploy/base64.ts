// Base64 on the tool side (Node's Buffer); the generated files decode with their own ES5 loop
// (wrapper.ts) or, on Espruino, with the native atob.
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
