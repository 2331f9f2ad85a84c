// A minimal PNG encoder (8-bit grayscale or RGB, no interlace) so report thumbnails and feature maps
// can be inlined as data: URLs without an image library. The format: signature, then chunks of
// length + type + data + CRC-32; pixel rows each get a filter byte (0 = none) and the whole is zlib.
import { deflateSync } from 'node:zlib';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes row-major 8-bit pixels (channels 1 = gray, 3 = RGB) as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (!(width > 0 && height > 0) || pixels.length !== width * height * channels) {
    throw new RangeError(`encodePng: ${pixels.length} bytes do not make a ${width}x${height}x${channels} image`);
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // color type: gray or truecolor
  const rowBytes = width * channels;
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const parts = [new Uint8Array(SIGNATURE), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function pngDataUrl(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): string {
  return `data:image/png;base64,${Buffer.from(encodePng(pixels, width, height, channels)).toString('base64')}`;
}

/** Maps float values linearly onto 0..255 (min -> black, max -> white); a constant map is mid-gray
 *  unless it is all zeros (a dead channel, shown black). */
export function normalizeToBytes(values: ArrayLike<number>): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  const out = new Uint8Array(values.length);
  if (!(hi > lo)) {
    out.fill(hi === 0 ? 0 : 128);
    return out;
  }
  const k = 255 / (hi - lo);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i] - lo) * k);
  return out;
}
