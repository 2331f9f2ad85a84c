// A corrupt .tflite must fail with a TinyconvError naming a byte offset or op, never a crash or hang.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/tflite/index.js';
import { isTinyconvError } from '../../src/format/errors.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'tflm');
const HELLO = join(FIXTURES, 'hello_world_int8.tflite');
const PERSON = join(FIXTURES, 'person_detect.tflite');
const has = existsSync(HELLO) && existsSync(PERSON);
if (!has) console.log(`skip: TFLM fixtures absent (${FIXTURES})`);

/** Runs the import; returns 'ok' or the TinyconvError message. Any other exception fails the test. */
function attempt(bytes: Uint8Array): string {
  try {
    importTflite(bytes);
    return 'ok';
  } catch (e) {
    if (!isTinyconvError(e)) throw new Error(`non-TinyconvError ${(e as Error).name}: ${(e as Error).message}`);
    return (e as Error).message;
  }
}

describe.skipIf(!has)('corrupt TFLite files', () => {
  const hello = has ? new Uint8Array(readFileSync(HELLO)) : new Uint8Array(0);

  it('refuses an empty or tiny file and a wrong identifier', () => {
    expect(attempt(new Uint8Array(0))).toMatch(/corrupt TFLite file: the file is only 0 bytes long at byte 0/);
    const wrong = hello.slice();
    wrong.set([0x4f, 0x4e, 0x4e, 0x58], 4); // 'ONNX'
    expect(attempt(wrong)).toMatch(/file identifier 'ONNX' at byte 4/);
  });

  it('names the structure that runs past the end of a truncated file', () => {
    const person = new Uint8Array(readFileSync(PERSON));
    expect(attempt(person.subarray(0, 3000)))
      .toBe('corrupt TFLite file: operator_codes (referenced from byte 36) (4 bytes) runs past the end of the 3000-byte file at byte 300456');
  });

  it('refuses every truncation with a byte offset', () => {
    let refused = 0;
    for (let n = 1; n < hello.length; n += 7) {
      const msg = attempt(hello.subarray(0, n));
      expect(msg).not.toBe('ok');
      expect(msg).toMatch(/at byte \d+|BAD_TFLITE|tensor|op \d+/);
      refused++;
    }
    expect(refused).toBeGreaterThan(300);
  });

  it('survives 3000 random corruptions: each imports or fails with a TinyconvError', () => {
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const outcomes = { ok: 0, refused: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = hello.slice();
      const flips = 1 + rand(4);
      for (let f = 0; f < flips; f++) {
        const pos = rand(bytes.length);
        bytes[pos] = rand(4) === 0 ? 0xff : rand(256);
      }
      if (attempt(bytes) === 'ok') outcomes.ok++;
      else outcomes.refused++;
    }
    console.log(`random corruptions of hello_world_int8.tflite: ${outcomes.ok} imported, ${outcomes.refused} refused with TinyconvError`);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('names the op and index of an unsupported operator', () => {
    // Rewrite person_detect's RESHAPE operator code (22) to TANH (28): op 29 becomes unsupported.
    const person = new Uint8Array(readFileSync(PERSON));
    const msg = attempt(patchOpcode(person, 22, 28));
    expect(msg).toMatch(/^op 29 TANH: this op is not supported/);
  });
});

/** Finds the operator code table entry with deprecated_builtin_code `from` and rewrites it (and
 *  builtin_code, when present) to `to`, by walking the flatbuffer by hand. */
function patchOpcode(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const table = (pos: number) => {
    const vt = pos - dv.getInt32(pos, true);
    const vtSize = dv.getUint16(vt, true);
    return (field: number) => {
      const slot = 4 + 2 * field;
      if (slot >= vtSize) return 0;
      const off = dv.getUint16(vt + slot, true);
      return off ? pos + off : 0;
    };
  };
  const root = dv.getUint32(0, true);
  const codesField = table(root)(1);
  const codes = codesField + dv.getUint32(codesField, true);
  const n = dv.getUint32(codes, true);
  for (let i = 0; i < n; i++) {
    const p = codes + 4 + 4 * i;
    const code = table(p + dv.getUint32(p, true));
    const deprecated = code(0);
    const builtin = code(3);
    const value = Math.max(deprecated ? dv.getInt8(deprecated) : 0, builtin ? dv.getInt32(builtin, true) : 0);
    if (value !== from) continue;
    if (deprecated) dv.setInt8(deprecated, to);
    if (builtin) dv.setInt32(builtin, to, true);
    return out;
  }
  throw new Error(`operator code ${from} not found`);
}
