// How much RAM an exported model needs on an Espruino board, against two boards' variable storage.
//
// These are estimates, not measurements (no board in the loop):
// - Espruino keeps every JS value in fixed-size "JsVars" (12 to 16 bytes each, depending on how many
//   the build has: 12 for <= 1023, 13 for <= 4095, 14 for <= 16383 variables per Espruino's
//   jsvar.h layout). process.memory().total is that count; the boards' build files set it
//   (Espruino boards/BANGLEJS2.py: 'variables': 12000; boards/PUCKJS.py: 2000 in the version we
//   read, with a comment that it could be much higher, so newer firmware may allot more).
// - Flat buffers (E.toArrayBuffer of a flat string, new ArrayBuffer(n)) cost their bytes plus one
//   header var, so the model and the arena cost about their size.
// - Code uploaded to RAM keeps each function's source text (minified: about its size, strings
//   spread over several vars cost up to ~1.3x); code saved to flash (Bangle.js Storage apps,
//   `save()` on a Puck.js) can run from flash and needs much less. We count the text once.
// - Load-time objects (tensor and op records, typed-array views, labels) are counted as JsVars
//   per tensor and per op, a rough figure from the number of properties each record holds.
// - While loading, the base64 text (4/3 of the model) and the decoded buffer coexist; the export
//   then drops the text, so the peak is higher than the steady state.
import { readModel } from '../format/reader.js';
import { shapeSize } from '../format/validate.js';
import { exportModel } from './export.js';

export interface EspruinoBoard {
  name: string;
  /** process.memory().total: JsVars for user code. */
  vars: number;
  bytesPerVar: number;
  note: string;
}

export const ESPRUINO_BOARDS: EspruinoBoard[] = [
  {
    name: 'Puck.js class',
    vars: 2000,
    bytesPerVar: 13,
    note: 'nRF52832, 64 KB RAM shared with the Bluetooth stack; ~2000 JsVars x 13 B',
  },
  {
    name: 'Bangle.js 2 class',
    vars: 12000,
    bytesPerVar: 14,
    note: 'nRF52840, 256 KB RAM shared with the display buffer and Bluetooth; ~12000 JsVars x 14 B',
  },
];

/** JsVars per tensor record (about ten fields, a shape array, an Int8Array view) and per op record
 *  (fields, input/output index arrays, weight/bias/multiplier views). Rough by design. */
const VARS_PER_TENSOR = 20;
const VARS_PER_OP = 30;
/** The API, labels and the interpreter's per-op arrays. */
const VARS_FIXED = 150;

export interface EspruinoFit {
  board: EspruinoBoard;
  budgetBytes: number;
  /** Steady-state and load-time peak bytes on this board (object vars priced at its var size). */
  steadyBytes: number;
  peakBytes: number;
  fits: boolean;
  fitsPeak: boolean;
}

export interface EspruinoMemory {
  modelBytes: number;
  arenaBytes: number;
  /** Runtime bundle + wrapper (the exported file minus the base64 model). */
  runtimeSourceBytes: number;
  /** classify()'s float output buffer (4 bytes per class). */
  tableBytes: number;
  objectVars: number;
  base64Bytes: number;
  fits: EspruinoFit[];
}

export function estimateEspruinoMemory(tcm: Uint8Array, exportedSourceBytes: number, base64Bytes: number): EspruinoMemory {
  const spec = readModel(tcm);
  const classes = shapeSize(spec.tensors[spec.output].shape);
  const tableBytes = 4 * classes;
  const objectVars = VARS_FIXED + VARS_PER_TENSOR * spec.tensors.length + VARS_PER_OP * spec.ops.length + spec.labels.length * 2;
  const runtimeSourceBytes = exportedSourceBytes - base64Bytes;
  const flat = tcm.length + spec.arenaBytes + tableBytes + runtimeSourceBytes;
  const fits = ESPRUINO_BOARDS.map((board): EspruinoFit => {
    const budgetBytes = board.vars * board.bytesPerVar;
    const steadyBytes = flat + objectVars * board.bytesPerVar;
    const peakBytes = steadyBytes + base64Bytes;
    return { board, budgetBytes, steadyBytes, peakBytes, fits: steadyBytes <= budgetBytes, fitsPeak: peakBytes <= budgetBytes };
  });
  return { modelBytes: tcm.length, arenaBytes: spec.arenaBytes, runtimeSourceBytes, tableBytes, objectVars, base64Bytes, fits };
}

export function formatEspruinoMemory(m: EspruinoMemory): string[] {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = [
    'Espruino memory estimate (not measured on a board; see docs/deploy.md):',
    `  model (one flat buffer)      ${String(m.modelBytes).padStart(7)} bytes`,
    `  arena (one flat buffer)      ${String(m.arenaBytes).padStart(7)} bytes`,
    `  runtime + wrapper source     ${String(m.runtimeSourceBytes).padStart(7)} bytes (less if run from flash)`,
    `  output floats (classify)     ${String(m.tableBytes).padStart(7)} bytes`,
    `  load-time objects            ~${m.objectVars} JsVars`,
    `  base64 text while loading    ${String(m.base64Bytes).padStart(7)} bytes (dropped after load)`,
  ];
  for (const f of m.fits) {
    const verdict = f.fitsPeak ? 'fits' : f.fits ? 'fits once loaded, not while the base64 is decoded' : 'does NOT fit';
    lines.push(`  ${f.board.name.padEnd(18)} budget ${kb(f.budgetBytes)} (${f.board.note}): needs ${kb(f.steadyBytes)}, ` +
      `peak ${kb(f.peakBytes)} -> ${verdict}`);
  }
  return lines;
}

/** The estimate for the file `tinyconv export --target espruino` would write for this model. */
export function espruinoMemoryOf(tcm: Uint8Array): EspruinoMemory {
  const exported = exportModel(tcm, { target: 'espruino' });
  return estimateEspruinoMemory(tcm, exported.bytes, exported.base64Bytes);
}
