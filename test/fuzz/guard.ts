// Instruments a loaded model so run() proves it stays inside its buffers, and measures what a load
// allocates.
// - JavaScript typed arrays never touch memory outside themselves: an out-of-range read yields
//   undefined (then NaN, stored as 0) and an out-of-range write is dropped. Both would be silent
//   wrong answers, so `guardModel` swaps every tensor view and every constant array for a Proxy that
//   throws on any index outside [0, length), on any non-index property the kernels do not use, and
//   on any write of a value that is not an integer in the element type's range.
// - `trackAllocations` wraps the typed-array and ArrayBuffer constructors while a load runs and sums
//   the bytes of every fresh buffer (views onto an existing buffer cost nothing).
import type { Model } from '../../src/runtime/model.js';

export class GuardViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardViolation';
  }
}

type Typed = Int8Array | Int32Array | Float64Array | Float32Array | Uint8Array;
const ALLOWED = new Set(['length', 'buffer', 'byteOffset', 'byteLength', 'BYTES_PER_ELEMENT', 'constructor']);

/** `lo`/`hi`: the values a write may store (the element type's range, or any number when null). */
function guardArray<T extends Typed>(arr: T, what: string, lo: number | null, hi: number | null): T {
  const index = (prop: string | symbol, op: string): number => {
    if (typeof prop !== 'string' || ALLOWED.has(prop)) return -1;
    const i = Number(prop);
    if (!(i >= 0 && i < arr.length && Math.floor(i) === i)) {
      throw new GuardViolation(`${op} ${what}[${prop}] outside [0, ${arr.length})`);
    }
    return i;
  };
  return new Proxy(arr, {
    get(target, prop) {
      const i = index(prop, 'read');
      if (i >= 0) return target[i];
      if (typeof prop === 'string' && ALLOWED.has(prop)) return (target as unknown as Record<string, unknown>)[prop];
      throw new GuardViolation(`read ${what}.${String(prop)}`);
    },
    set(target, prop, value) {
      const i = index(prop, 'write');
      if (i < 0) throw new GuardViolation(`write ${what}.${String(prop)}`);
      if (lo !== null && hi !== null && (typeof value !== 'number' || Math.floor(value) !== value || value < lo || value > hi)) {
        throw new GuardViolation(`write ${what}[${i}] = ${value}, not an integer in [${lo}, ${hi}]`);
      }
      target[i] = value;
      return true;
    },
  });
}

/** Replaces the arena views of every tensor and every constant array of every op by guarded ones.
 *  `checkValues`: also refuse writes of anything but an int8 value to a tensor (a kernel that
 *  stores 128 or NaN into an Int8Array gets -128 or 0: a silently wrong answer). */
export function guardModel(model: Model, checkValues: boolean): void {
  for (let t = 0; t < model.tensors.length; t++) {
    model.tensors[t].data = guardArray(model.tensors[t].data, `tensor ${t}`, checkValues ? -128 : null, checkValues ? 127 : null);
  }
  // Constant arrays, and the typed arrays of any load-time table object an op carries (one level
  // down, e.g. a kernel plan), are guarded for indices only.
  const guardFields = (fields: Record<string, unknown>, where: string, depth: number): void => {
    for (const k of Object.keys(fields)) {
      const v = fields[k];
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) fields[k] = guardArray(v as Typed, `${where} ${k}`, null, null);
      else if (depth > 0 && v && typeof v === 'object' && !Array.isArray(v)) guardFields(v as Record<string, unknown>, `${where} ${k}`, depth - 1);
    }
  };
  model.spec.ops.forEach((op, i) => guardFields(op as unknown as Record<string, unknown>, `op ${i}`, 1));
}

const CTORS = ['ArrayBuffer', 'Int8Array', 'Uint8Array', 'Int16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'] as const;

/** Bytes allocated while counting is on; null when off. */
let counted: number | null = null;
let installed = 0;
let saved: unknown[] = [];

/** Replaces the buffer constructors by counting wrappers until uninstallAllocationTracking().
 *  Installed once per campaign: swapping globals per case would deoptimise every kernel each time. */
export function installAllocationTracking(): void {
  if (installed++ > 0) return;
  const g = globalThis as unknown as Record<string, unknown>;
  saved = CTORS.map((name) => g[name]);
  CTORS.forEach((name, k) => {
    const Base = saved[k] as { new (...args: unknown[]): object; BYTES_PER_ELEMENT?: number };
    const per = name === 'ArrayBuffer' ? 1 : (Base.BYTES_PER_ELEMENT ?? 1);
    const Tracked = function (...args: unknown[]) {
      const a = args[0];
      if (counted !== null) {
        if (typeof a === 'number') counted += a * per;
        else if (a && typeof a === 'object' && !(a instanceof (saved[0] as typeof ArrayBuffer)) && typeof (a as ArrayLike<number>).length === 'number') {
          counted += (a as ArrayLike<number>).length * per; // a copy of an array or typed array
        }
      }
      return new Base(...args);
    } as unknown as Record<string, unknown>;
    Object.setPrototypeOf(Tracked, Base);
    Tracked.prototype = Base.prototype;
    g[name] = Tracked;
  });
}

export function uninstallAllocationTracking(): void {
  if (--installed > 0) return;
  const g = globalThis as unknown as Record<string, unknown>;
  CTORS.forEach((name, k) => { g[name] = saved[k]; });
}

/** Calls fn counting the bytes of every fresh buffer it allocates (views onto existing buffers are
 *  free); needs installAllocationTracking() first. */
export function trackAllocations<T>(fn: () => T): { result: T; bytes: number } {
  if (installed === 0) throw new Error('installAllocationTracking() first');
  counted = 0;
  try {
    const result = fn();
    return { result, bytes: counted };
  } finally {
    counted = null;
  }
}
