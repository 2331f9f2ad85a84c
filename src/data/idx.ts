// IDX files (the MNIST / Fashion-MNIST container): a 4-byte magic `0 0 type ndim`, then `ndim`
// big-endian uint32 dimensions, then the data in row-major order. We accept only unsigned bytes
// (type 0x08), the only type these datasets use, and refuse anything whose byte count does not
// match its header exactly: a truncated download must fail loudly here, not as a wrong label later.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TinyconvError } from '../format/errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Parses an IDX buffer (already gunzipped). `source` names the file in error messages. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) throw new TinyconvError('IDX_TRUNCATED', `${source}: ${bytes.length} bytes, too short for an IDX header (byte offset 0)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new TinyconvError('IDX_BAD_MAGIC', `${source}: bad IDX magic at byte offset 0 (expected 00 00, got ${hex(bytes[0])} ${hex(bytes[1])})`);
  }
  if (bytes[2] !== UBYTE) {
    throw new TinyconvError('IDX_UNSUPPORTED_TYPE', `${source}: IDX element type 0x${hex(bytes[2])} at byte offset 2 is not supported (only 0x08 unsigned byte)`);
  }
  const ndim = bytes[3];
  if (ndim < 1 || ndim > 4) throw new TinyconvError('IDX_BAD_DIMS', `${source}: IDX rank ${ndim} at byte offset 3 (expected 1 to 4)`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new TinyconvError('IDX_TRUNCATED', `${source}: truncated IDX header: needs ${headerBytes} bytes, file has ${bytes.length} (byte offset ${bytes.length})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    if (d === 0 && i > 0) throw new TinyconvError('IDX_BAD_DIMS', `${source}: dimension ${i} is 0 at byte offset ${4 + 4 * i}`);
    dims.push(d);
    count *= d;
  }
  if (count > 2 ** 31) throw new TinyconvError('IDX_BAD_DIMS', `${source}: ${dims.join('x')} elements is implausibly large`);
  const expected = headerBytes + count;
  if (bytes.length < expected) {
    throw new TinyconvError('IDX_TRUNCATED', `${source}: truncated: header ${dims.join('x')} needs ${expected} bytes, data ends at byte offset ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new TinyconvError('IDX_TRAILING_BYTES', `${source}: ${bytes.length - expected} unexpected bytes after the data at byte offset ${expected}`);
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

/** Reads an IDX file, gunzipping it when it starts with the gzip magic (1f 8b). */
export function readIdx(path: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new TinyconvError('IDX_UNREADABLE', `${path}: cannot read (${(e as Error).message})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (e) {
      throw new TinyconvError('IDX_BAD_GZIP', `${path}: corrupt or truncated gzip stream (${(e as Error).message})`);
    }
  }
  return parseIdx(raw, path);
}

/** Serialises an unsigned-byte IDX array (the inverse of parseIdx). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
