// .tcm-aware mutations on top of the generic ones: they know the header, the tensor and op records
// (src/format/layout.ts) and the meta JSON, so they reach the checks behind the first bounds test:
// swapped sections and records, tensor slots aliased onto each other (only the arena-plan check can
// see that), an inflated arena, op parameters and dims set to boundary values, hostile meta JSON.
import { HEADER_BYTES, H_ARENA_BYTES, H_FILE_BYTES, H_SECTIONS, OP_FIELDS, TENSOR_WORDS, paramWords } from '../../src/format/layout.js';
import { INTERESTING_I32, Rand, Ranges, getI32, mutateGeneric, setI32 } from './mutate.js';

export interface TcmLayout {
  /** [start, end) of the tensors, ops, constants and meta sections. */
  sections: Array<[number, number]>;
  tensorCount: number;
  /** Byte offset and length of every op record. */
  opRecords: Array<[number, number]>;
}

/** Layout of a valid seed file (the mutators use it; they never run on corrupt input). */
export function tcmLayout(bytes: Uint8Array): TcmLayout {
  const sections: Array<[number, number]> = [];
  for (let s = 0; s < 4; s++) {
    const off = getI32(bytes, 4 * (H_SECTIONS + 2 * s));
    sections.push([off, off + getI32(bytes, 4 * (H_SECTIONS + 2 * s + 1))]);
  }
  const opRecords: Array<[number, number]> = [];
  let p = sections[1][0];
  while (p < sections[1][1]) {
    const words = 3 + getI32(bytes, p + 4) + paramWords(OP_FIELDS[getI32(bytes, p)]);
    opRecords.push([p, 4 * words]);
    p += 4 * words;
  }
  return { sections, tensorCount: getI32(bytes, 16), opRecords };
}

/** Header, tensor and op records, and meta: the bytes worth most of the mutations. */
export function hotRanges(l: TcmLayout): Ranges {
  return [[0, l.sections[1][1]], [l.sections[3][0], l.sections[3][1]]];
}

const EVIL_META = [
  'null', '7', '"x"', '[]', '{"preprocess":5}', '{"preprocess":{"mean":"a","std":[1]}}',
  '{"preprocess":{"pixelScale":"x","mean":[0],"std":[1]}}', '{"preprocess":{"pixelScale":1,"mean":[0],"std":[0]}}',
  '{"preprocess":{"pixelScale":1,"mean":[null],"std":[1]}}', '{"preprocess":{"pixelScale":1,"mean":[1e999],"std":[1]}}',
  '{"labels":7}', '{"labels":[1,{}]}', '{"name":{}}', '{"tensorNames":{"length":1e9}}', '{"opNames":"abc"}',
  '{"tensorNames":[[],{}]}', '{"preprocess":{"pixelScale":1,"mean":[],"std":[]}}', '{"preprocess":{"pixelScale":1,"mean":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"std":[1]}}',
  '['.repeat(5000) + ']'.repeat(5000), '{"name":"' + 'x'.repeat(3000) + '"}', '{"__proto__":{"preprocess":1}}',
];

/** Replaces the meta section (the last one) by `json`, fixing the section length and file size. */
function replaceMeta(bytes: Uint8Array, l: TcmLayout, json: string): Uint8Array {
  const at = l.sections[3][0];
  const total = (at + json.length + 3) & ~3;
  const out = new Uint8Array(total);
  out.set(bytes.subarray(0, at));
  for (let i = 0; i < json.length; i++) out[at + i] = json.charCodeAt(i) & 0xff;
  setI32(out, 4 * H_FILE_BYTES, total);
  setI32(out, 4 * (H_SECTIONS + 7), json.length);
  return out;
}

function tensorAt(l: TcmLayout, t: number): number {
  return l.sections[0][0] + 4 * TENSOR_WORDS * t;
}

/** One structured mutation, or (40% of the time) generic mutations aimed at the hot ranges. */
export function mutateTcm(r: Rand, seed: Uint8Array, l: TcmLayout): { bytes: Uint8Array; what: string[] } {
  if (r.chance(0.4)) return mutateGeneric(r, seed, hotRanges(l));
  const bytes = seed.slice();
  const nt = l.tensorCount;
  switch (r.int(9)) {
    case 0: { // swap two section descriptors in the header
      const a = r.int(4);
      const b = (a + 1 + r.int(3)) % 4;
      const wa = [getI32(bytes, 4 * (H_SECTIONS + 2 * a)), getI32(bytes, 4 * (H_SECTIONS + 2 * a + 1))];
      const wb = [getI32(bytes, 4 * (H_SECTIONS + 2 * b)), getI32(bytes, 4 * (H_SECTIONS + 2 * b + 1))];
      const lengthsToo = r.chance(0.5);
      setI32(bytes, 4 * (H_SECTIONS + 2 * a), wb[0]);
      setI32(bytes, 4 * (H_SECTIONS + 2 * b), wa[0]);
      if (lengthsToo) { setI32(bytes, 4 * (H_SECTIONS + 2 * a + 1), wb[1]); setI32(bytes, 4 * (H_SECTIONS + 2 * b + 1), wa[1]); }
      return { bytes, what: [`swap sections ${a} and ${b}${lengthsToo ? ' with lengths' : ''}`] };
    }
    case 1: { // swap two tensor records
      const a = r.int(nt);
      const b = r.int(nt);
      const tmp = bytes.slice(tensorAt(l, a), tensorAt(l, a + 1));
      bytes.copyWithin(tensorAt(l, a), tensorAt(l, b), tensorAt(l, b + 1));
      bytes.set(tmp, tensorAt(l, b));
      return { bytes, what: [`swap tensor records ${a} and ${b}`] };
    }
    case 2: { // swap two adjacent op records (the ops section keeps its length)
      if (l.opRecords.length < 2) return mutateGeneric(r, seed, hotRanges(l));
      const i = r.int(l.opRecords.length - 1);
      const [a, la] = l.opRecords[i];
      const [, lb] = l.opRecords[i + 1];
      bytes.set(seed.subarray(a + la, a + la + lb), a);
      bytes.set(seed.subarray(a, a + la), a + lb);
      return { bytes, what: [`swap op records ${i} and ${i + 1}`] };
    }
    case 3: { // alias one tensor's arena slot onto another's
      const a = r.int(nt);
      const b = r.int(nt);
      setI32(bytes, tensorAt(l, a), getI32(bytes, tensorAt(l, b)));
      return { bytes, what: [`tensor ${a} offset := tensor ${b} offset`] };
    }
    case 4: { // inflate or shrink the arena
      const old = getI32(bytes, 4 * H_ARENA_BYTES);
      const v = r.pick([old + 1, old + 16, old * 2, old - 1, 1 << 30, 0x7fffffff, 0]);
      setI32(bytes, 4 * H_ARENA_BYTES, v);
      return { bytes, what: [`arena ${old} -> ${v}`] };
    }
    case 5: { // a tensor field (offset, scale, zero point, rank, dims) set to a boundary value
      const t = r.int(nt);
      const w = r.int(TENSOR_WORDS);
      const v = w === 1 ? r.pick([0, 0x7f800000, 0xff800000 | 0, 0x7fc00000, 0x80000000 | 0, 1]) : r.pick(INTERESTING_I32);
      setI32(bytes, tensorAt(l, t) + 4 * w, v);
      return { bytes, what: [`tensor ${t} word ${w} := ${v}`] };
    }
    case 6: { // an op record word (opcode, counts, indices, params, array refs) set to a boundary value
      const [at, len] = r.pick(l.opRecords);
      const w = r.int(len / 4);
      const old = getI32(bytes, at + 4 * w);
      const v = r.chance(0.5) ? r.pick(INTERESTING_I32) : old + r.pick([-1, 1, -4, 4, 64]);
      setI32(bytes, at + 4 * w, v);
      return { bytes, what: [`op record at ${at} word ${w}: ${old} -> ${v}`] };
    }
    case 7: { // hostile meta JSON
      const json = r.pick(EVIL_META);
      return { bytes: replaceMeta(bytes, l, json), what: [`meta := ${json.slice(0, 60)}`] };
    }
    default: { // a header count or index set to a boundary value
      const w = 2 + r.int(HEADER_BYTES / 4 - 2);
      const v = r.pick(INTERESTING_I32);
      setI32(bytes, 4 * w, v);
      return { bytes, what: [`header word ${w} := ${v}`] };
    }
  }
}
