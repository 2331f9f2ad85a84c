// Seeded byte mutators for the fuzzers. Every mutation is a pure function of (seed bytes, case seed),
// so a failing case is reproduced from the numbers the test prints.
// Generic mutators work on any file (bit flips, truncations, word overwrites, chunk swaps,
// insertions and deletions); `hot` ranges, when given, receive most of the mutations so structural
// bytes (headers, tables, records) are hit far more often than bulk weights.

/** mulberry32: a tiny seeded PRNG in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of case `index` of a run: distinct, reproducible, independent of the other cases. */
export function caseSeed(runSeed: number, index: number): number {
  return (Math.imul(runSeed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

export class Rand {
  readonly next: () => number;
  constructor(seed: number) { this.next = prng(seed); }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }
  chance(p: number): boolean { return this.next() < p; }
}

/** [start, end) byte ranges. */
export type Ranges = Array<[number, number]>;

/** Share of positions drawn from the hot ranges (when there are any). */
let hotShare = 0.8;

/** Runs fn with positions drawn from the hot ranges with probability `share` (large seeds use 1). */
export function withHotShare<T>(share: number, fn: () => T): T {
  const saved = hotShare;
  hotShare = share;
  try { return fn(); } finally { hotShare = saved; }
}

/** A byte offset: inside a hot range with probability hotShare (when any), else anywhere. */
export function position(r: Rand, length: number, hot?: Ranges): number {
  const live = hot?.filter(([a, b]) => b > a && a < length);
  if (live && live.length && r.chance(hotShare)) {
    const [a, b] = r.pick(live);
    return a + r.int(Math.min(b, length) - a);
  }
  return r.int(Math.max(length, 1));
}

/** Values that break naive parsers: boundaries, signs, powers of two, small counts. */
export const INTERESTING_I32 = [
  0, 1, -1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 63, 64, 127, 128, 255, 256, 1023, 4096, 65535, 65536,
  0x7fffffff, -0x80000000, 0x40000000, -129, -128, 1 << 20, 1 << 24,
];

export function setI32(bytes: Uint8Array, at: number, v: number): void {
  if (at < 0 || at + 4 > bytes.length) return;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setInt32(at, v, true);
}

export function getI32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(at, true);
}

export function flipBits(r: Rand, bytes: Uint8Array, hot?: Ranges): string {
  const n = 1 + r.int(r.chance(0.7) ? 2 : 16);
  for (let i = 0; i < n; i++) bytes[position(r, bytes.length, hot)] ^= 1 << r.int(8);
  return `flip ${n} bits`;
}

/** Overwrites an aligned 32-bit word with an interesting value, a nearby value or random bits. */
export function overwriteWord(r: Rand, bytes: Uint8Array, hot?: Ranges): string {
  const at = position(r, bytes.length, hot) & ~3;
  const old = at + 4 <= bytes.length ? getI32(bytes, at) : 0;
  const kind = r.int(4);
  const v = kind === 0 ? r.pick(INTERESTING_I32)
    : kind === 1 ? old + r.pick([-4, -2, -1, 1, 2, 4, 16, -16])
      : kind === 2 ? old * r.pick([2, 4, 256, -1]) | 0
        : (r.next() * 4294967296) | 0;
  setI32(bytes, at, v);
  return `word at ${at}: ${old} -> ${v}`;
}

/** Overwrites one byte with 0x00, 0xff, 0x7f, 0x80 or random. */
export function overwriteByte(r: Rand, bytes: Uint8Array, hot?: Ranges): string {
  const at = position(r, bytes.length, hot);
  bytes[at] = r.chance(0.5) ? r.pick([0, 0xff, 0x7f, 0x80, 1]) : r.int(256);
  return `byte at ${at}`;
}

/** Swaps two equal-length chunks (aligned to `align`). */
export function swapChunks(r: Rand, bytes: Uint8Array, hot?: Ranges, align = 4): string {
  const len = align * (1 + r.int(r.chance(0.5) ? 4 : 32));
  if (bytes.length < 2 * len) return 'swap skipped';
  const a = Math.min(position(r, bytes.length, hot) & -align, bytes.length - len);
  const b = Math.min(position(r, bytes.length, hot) & -align, bytes.length - len);
  const tmp = bytes.slice(a, a + len);
  bytes.copyWithin(a, b, b + len);
  bytes.set(tmp, b);
  return `swap ${len} bytes ${a} <-> ${b}`;
}

export function truncate(r: Rand, bytes: Uint8Array): Uint8Array {
  const cut = r.chance(0.5) ? r.int(Math.min(bytes.length, 256)) : r.int(bytes.length);
  return bytes.slice(0, cut);
}

/** Inserts or deletes a few bytes (shifting everything after them). */
export function spliceBytes(r: Rand, bytes: Uint8Array, hot?: Ranges): Uint8Array {
  const at = position(r, bytes.length, hot);
  const n = 1 + r.int(8);
  if (r.chance(0.5)) return Uint8Array.from([...bytes.subarray(0, at), ...Array.from({ length: n }, () => r.int(256)), ...bytes.subarray(at)]);
  const out = new Uint8Array(Math.max(0, bytes.length - n));
  const keep = Math.min(at, out.length);
  out.set(bytes.subarray(0, keep));
  out.set(bytes.subarray(keep + n, keep + n + out.length - keep), keep);
  return out;
}

/** One to three generic mutations; returns the mutated copy and what was done. */
export function mutateGeneric(r: Rand, seed: Uint8Array, hot?: Ranges): { bytes: Uint8Array; what: string[] } {
  let bytes: Uint8Array = seed.slice();
  const what: string[] = [];
  const steps = 1 + (r.chance(0.3) ? r.int(3) : 0);
  for (let s = 0; s < steps; s++) {
    const k = r.int(100);
    if (k < 35) what.push(flipBits(r, bytes, hot));
    else if (k < 60) what.push(overwriteWord(r, bytes, hot));
    else if (k < 70) what.push(overwriteByte(r, bytes, hot));
    else if (k < 82) what.push(swapChunks(r, bytes, hot));
    else if (k < 92) { bytes = truncate(r, bytes); what.push(`truncate to ${bytes.length}`); }
    else { bytes = spliceBytes(r, bytes, hot); what.push(`splice to ${bytes.length}`); }
  }
  return { bytes, what };
}
