// Decoders for the two uncompressed image formats `tinyconv run --input` accepts: binary PGM (P5)
// and BMP (8-bit palettized, 24-bit or 32-bit, uncompressed). Pixels come out row-major, top row
// first, interleaved channels (1 for grayscale, 3 for RGB), 0-255.
// Bad files throw TinyconvError('BAD_IMAGE') naming the file and the byte offset.
import { TinyconvError } from '../format/errors.js';

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  pixels: Uint8Array;
}

function bad(path: string, at: number, what: string): TinyconvError {
  return new TinyconvError('BAD_IMAGE', `${path}: ${what} at byte ${at}`);
}

/** Binary PGM: "P5", width, height, maxval (<= 255) separated by whitespace or # comments, one
 *  whitespace byte, then width*height bytes. maxval < 255 is rescaled to 0-255. */
export function decodePgm(bytes: Uint8Array, path = 'image'): DecodedImage {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x35) throw bad(path, 0, 'not a binary PGM (expected "P5")');
  let at = 2;
  const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
  const readNumber = (name: string): number => {
    for (;;) {
      while (at < bytes.length && isSpace(bytes[at])) at++;
      if (bytes[at] !== 0x23) break; // '#' comment to the end of the line
      while (at < bytes.length && bytes[at] !== 0x0a) at++;
    }
    const start = at;
    let v = 0;
    while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39) v = v * 10 + bytes[at++] - 0x30;
    if (at === start || at - start > 9) throw bad(path, start, `expected the PGM ${name}`);
    return v;
  };
  const width = readNumber('width');
  const height = readNumber('height');
  const maxval = readNumber('maxval');
  if (width < 1 || height < 1) throw bad(path, at, `PGM size ${width}x${height} is empty`);
  if (maxval < 1 || maxval > 255) throw bad(path, at, `PGM maxval ${maxval} is not in [1, 255] (16-bit PGM is not supported)`);
  if (!isSpace(bytes[at])) throw bad(path, at, 'expected one whitespace byte after the PGM maxval');
  at++;
  const n = width * height;
  if (bytes.length < at + n) throw bad(path, bytes.length, `PGM data truncated: ${width}x${height} needs ${n} bytes from byte ${at}, the file ends`);
  const pixels = bytes.slice(at, at + n);
  if (maxval !== 255) for (let i = 0; i < n; i++) pixels[i] = Math.min(255, Math.round((pixels[i] * 255) / maxval));
  return { width, height, channels: 1, pixels };
}

/** Uncompressed BMP (BI_RGB): 8-bit palettized (gray palettes give 1 channel, others 3), 24-bit, 32-bit. */
export function decodeBmp(bytes: Uint8Array, path = 'image'): DecodedImage {
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw bad(path, 0, 'not a BMP (expected "BM")');
  if (bytes.length < 54) throw bad(path, bytes.length, 'BMP header truncated (54 bytes needed)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataAt = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (dibSize < 40) throw bad(path, 14, `BMP info header of ${dibSize} bytes is not supported (need BITMAPINFOHEADER or later)`);
  if (width < 1 || height < 1) throw bad(path, 18, `BMP size ${width}x${rawHeight} is empty`);
  if (compression !== 0) throw bad(path, 30, `BMP compression ${compression} is not supported (only uncompressed BI_RGB)`);
  if (bpp !== 8 && bpp !== 24 && bpp !== 32) throw bad(path, 28, `BMP with ${bpp} bits per pixel is not supported (8, 24 or 32)`);
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  if (dataAt + rowBytes * height > bytes.length) throw bad(path, 10, `BMP pixel data [${dataAt}, +${rowBytes * height}) runs past the ${bytes.length}-byte file`);

  let palette: Uint8Array | null = null;
  let gray = bpp === 8;
  if (bpp === 8) {
    const used = view.getUint32(46, true) || 256;
    const paletteAt = 14 + dibSize;
    if (used > 256 || paletteAt + used * 4 > dataAt) throw bad(path, 46, `BMP palette of ${used} colours does not fit before the pixel data`);
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < used; i++) {
      const b = bytes[paletteAt + 4 * i], g = bytes[paletteAt + 4 * i + 1], r = bytes[paletteAt + 4 * i + 2];
      palette.set([r, g, b], 3 * i);
      if (r !== g || g !== b) gray = false;
    }
  }
  const channels = gray ? 1 : 3;
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    // Rows are stored bottom-up unless the height is negative.
    const row = dataAt + rowBytes * (rawHeight > 0 ? height - 1 - y : y);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const idx = bytes[row + x];
        if (gray) pixels[o] = palette[3 * idx];
        else pixels.set(palette.subarray(3 * idx, 3 * idx + 3), o);
      } else {
        const p = row + x * (bpp / 8);
        pixels[o] = bytes[p + 2];
        pixels[o + 1] = bytes[p + 1];
        pixels[o + 2] = bytes[p];
      }
    }
  }
  return { width, height, channels, pixels };
}

/** Picks the decoder by the file's first bytes. */
export function decodeImage(bytes: Uint8Array, path = 'image'): DecodedImage {
  if (bytes[0] === 0x50 && bytes[1] === 0x35) return decodePgm(bytes, path);
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return decodeBmp(bytes, path);
  throw bad(path, 0, 'not a PGM (P5) or BMP image');
}

/** The pixels with `channels` channels: RGB averaged to gray, or gray repeated to RGB. */
export function convertChannels(img: DecodedImage, channels: number, path = 'image'): Uint8Array {
  if (img.channels === channels) return img.pixels;
  const n = img.width * img.height;
  const out = new Uint8Array(n * channels);
  if (img.channels === 3 && channels === 1) {
    for (let i = 0; i < n; i++) out[i] = Math.round((img.pixels[3 * i] + img.pixels[3 * i + 1] + img.pixels[3 * i + 2]) / 3);
  } else if (img.channels === 1 && channels === 3) {
    for (let i = 0; i < n; i++) out.fill(img.pixels[i], 3 * i, 3 * i + 3);
  } else {
    throw new TinyconvError('BAD_IMAGE', `${path}: has ${img.channels} channels, the model wants ${channels}`);
  }
  return out;
}
