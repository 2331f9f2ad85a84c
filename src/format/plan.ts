// Arena planning: give every activation tensor a byte offset in one shared arena so that tensors
// alive at the same time never overlap, and the arena is as small as we can make it cheaply.
//
// The idea is TFLM's GreedyMemoryPlanner:
// - A tensor lives from the op that writes it to the last op that reads it (the model input from
//   op 0, the model output to the last op). Op i reads its inputs and writes its outputs at time i,
//   so an op's input and output are both alive at i and normally need separate bytes.
// - Buffers are placed largest first, each at the lowest offset that does not collide with an
//   already placed buffer whose lifetime overlaps its own (the first gap that fits).
// Two refinements make person_detect fit in its largest input+output pair:
// - RESHAPE output is the same bytes as its input (no copy) when the input dies at the reshape.
// - Elementwise ops (LUT, REQUANTIZE, ADD) write in place over an input that dies there and has
//   the output's size: each output byte depends only on the input byte at the same index, which
//   the kernel has already read.
// Like TFLM, the model input's bytes are reused once its last reader has run, so callers set the
// input before every run().
// Aliased tensors form one buffer (a group) whose lifetime is the union of its members'.
//
// checkPlan() is the matching verifier with the fullest messages (tests and tools); the runtime
// reader checks the same rule in a compact form (validateModel in validate.ts).

import { TinyconvError } from './errors.js';
import { OP_ADD, OP_LUT, OP_REQUANTIZE, OP_RESHAPE } from './schema.js';
import type { ModelSpec, TensorSpec } from './schema.js';

/** Every buffer starts at a multiple of this (room for word-aligned views and fast copies). */
export const ARENA_ALIGN = 16;

/** Bytes of an int8 tensor: the product of its shape (a scalar [] is one byte). */
export function tensorBytes(t: TensorSpec): number {
  let n = 1;
  for (let i = 0; i < t.shape.length; i++) n *= t.shape[i];
  return n;
}

export interface Lifetimes {
  /** Op index that first needs the tensor (0 for the model input); -1 if no op touches it. */
  first: number[];
  /** Op index that last needs the tensor (the last op for the model output); -1 if unused. */
  last: number[];
}

function badGraph(message: string): TinyconvError {
  return new TinyconvError('BAD_GRAPH', message);
}

function checkIndex(spec: ModelSpec, t: number, where: string): void {
  if (typeof t !== 'number' || t !== Math.floor(t) || t < 0 || t >= spec.tensors.length) {
    throw badGraph(where + ' refers to tensor ' + t + ', but the model has ' + spec.tensors.length + ' tensors');
  }
}

/** Lifetimes over the op order; refuses graphs that read a tensor before it is written or write it twice. */
export function tensorLifetimes(spec: ModelSpec): Lifetimes {
  const n = spec.tensors.length;
  const first: number[] = [];
  const last: number[] = [];
  for (let t = 0; t < n; t++) { first.push(-1); last.push(-1); }
  checkIndex(spec, spec.input, 'the model input');
  checkIndex(spec, spec.output, 'the model output');
  first[spec.input] = 0;
  last[spec.input] = 0;
  for (let i = 0; i < spec.ops.length; i++) {
    const op = spec.ops[i];
    for (let k = 0; k < op.inputs.length; k++) {
      const t = op.inputs[k];
      checkIndex(spec, t, 'op ' + i + ' input ' + k);
      if (first[t] < 0) throw badGraph('op ' + i + ' reads tensor ' + t + ' before any op writes it');
      last[t] = i;
    }
    for (let k = 0; k < op.outputs.length; k++) {
      const t = op.outputs[k];
      checkIndex(spec, t, 'op ' + i + ' output ' + k);
      if (first[t] >= 0) {
        throw badGraph('op ' + i + ' writes tensor ' + t + ', which ' +
          (t === spec.input ? 'is the model input' : 'an earlier op already wrote'));
      }
      first[t] = i;
      last[t] = i;
    }
  }
  if (first[spec.output] < 0) throw badGraph('the model output tensor ' + spec.output + ' is never written');
  const end = spec.ops.length > 0 ? spec.ops.length - 1 : 0;
  if (last[spec.output] < end) last[spec.output] = end;
  return { first: first, last: last };
}

function isElementwise(type: number): boolean {
  return type === OP_LUT || type === OP_REQUANTIZE || type === OP_ADD;
}

/** Union-find root with path halving. */
function root(parent: number[], t: number): number {
  while (parent[t] !== t) { parent[t] = parent[parent[t]]; t = parent[t]; }
  return t;
}

function alignUp(n: number): number {
  return Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN;
}

/** Sets every tensor's offset and spec.arenaBytes. */
export function planArena(spec: ModelSpec): void {
  const life = tensorLifetimes(spec);
  const n = spec.tensors.length;
  const size: number[] = [];
  const parent: number[] = [];
  for (let t = 0; t < n; t++) { size.push(tensorBytes(spec.tensors[t])); parent.push(t); }

  // 1. Aliases: reshape outputs and in-place elementwise outputs join their input's group.
  for (let i = 0; i < spec.ops.length; i++) {
    const op = spec.ops[i];
    if (op.outputs.length !== 1) continue;
    const out = op.outputs[0];
    if (op.type === OP_RESHAPE) {
      const inp = op.inputs[0];
      if (op.inputs.length >= 1 && life.last[inp] === i && size[inp] === size[out] && inp !== out) {
        parent[out] = root(parent, inp);
      }
    } else if (isElementwise(op.type)) {
      for (let k = 0; k < op.inputs.length; k++) {
        const inp = op.inputs[k];
        if (life.last[inp] === i && size[inp] === size[out]) {
          parent[out] = root(parent, inp);
          break;
        }
      }
    }
  }

  // 2. One buffer per group: the union of its members' lifetimes and the largest member's size.
  const groups: number[] = [];
  const gFirst: number[] = [];
  const gLast: number[] = [];
  const gSize: number[] = [];
  const gOffset: number[] = [];
  const groupOf: number[] = [];
  for (let t = 0; t < n; t++) groupOf.push(-1);
  for (let t = 0; t < n; t++) {
    const r = root(parent, t);
    if (groupOf[r] < 0) {
      groupOf[r] = groups.length;
      groups.push(r);
      gFirst.push(-1); gLast.push(-1); gSize.push(0); gOffset.push(0);
    }
    const g = groupOf[r];
    groupOf[t] = g;
    if (size[t] > gSize[g]) gSize[g] = size[t];
    if (life.first[t] >= 0) {
      if (gFirst[g] < 0 || life.first[t] < gFirst[g]) gFirst[g] = life.first[t];
      if (life.last[t] > gLast[g]) gLast[g] = life.last[t];
    }
  }

  // 3. Greedy placement, largest first (ties: earliest first use, then tensor order).
  const order: number[] = [];
  for (let g = 0; g < groups.length; g++) order.push(g);
  order.sort(function (a, b) {
    if (gSize[a] !== gSize[b]) return gSize[b] - gSize[a];
    if (gFirst[a] !== gFirst[b]) return gFirst[a] - gFirst[b];
    return a - b;
  });
  const placed: number[] = [];
  let arenaBytes = 0;
  for (let k = 0; k < order.length; k++) {
    const g = order[k];
    let offset = 0;
    if (gFirst[g] >= 0) {
      // Placed buffers alive at the same time as g, by offset; walk them for the first gap.
      const rivals: number[] = [];
      for (let j = 0; j < placed.length; j++) {
        const p = placed[j];
        if (gFirst[p] >= 0 && gFirst[p] <= gLast[g] && gFirst[g] <= gLast[p]) rivals.push(p);
      }
      rivals.sort(function (a, b) { return gOffset[a] - gOffset[b]; });
      for (let j = 0; j < rivals.length; j++) {
        const p = rivals[j];
        if (offset + gSize[g] <= gOffset[p]) break;
        const after = alignUp(gOffset[p] + gSize[p]);
        if (after > offset) offset = after;
      }
    }
    gOffset[g] = offset;
    placed.push(g);
    if (offset + gSize[g] > arenaBytes) arenaBytes = offset + gSize[g];
  }

  for (let t = 0; t < n; t++) spec.tensors[t].offset = gOffset[groupOf[t]];
  spec.arenaBytes = arenaBytes;
}

/** True when tensors a and b may share bytes while both are alive: op i is a reshape or an
 *  elementwise op reading one of them (dying there) and writing the other at the same offset. */
function isAlias(spec: ModelSpec, life: Lifetimes, a: number, b: number): boolean {
  const ta = spec.tensors[a];
  const tb = spec.tensors[b];
  if (ta.offset !== tb.offset || tensorBytes(ta) !== tensorBytes(tb)) return false;
  for (let i = 0; i < spec.ops.length; i++) {
    const op = spec.ops[i];
    if (op.type !== OP_RESHAPE && !isElementwise(op.type)) continue;
    if (op.outputs.length !== 1) continue;
    const out = op.outputs[0];
    if (out !== a && out !== b) continue;
    const inp = out === a ? b : a;
    if (life.last[inp] !== i) continue;
    if (op.type === OP_RESHAPE ? op.inputs[0] === inp : op.inputs.indexOf(inp) >= 0) return true;
  }
  return false;
}

function badPlan(message: string): TinyconvError {
  return new TinyconvError('BAD_PLAN', message);
}

/** Verifies the arena plan: every tensor lies inside [0, arenaBytes) and no two tensors alive at
 *  the same time share a byte, except a reshape/in-place alias (same offset, same size).
 *  Throws TinyconvError BAD_PLAN naming both tensors; BAD_GRAPH for a malformed op graph. */
export function checkPlan(spec: ModelSpec): void {
  const arena = spec.arenaBytes;
  if (typeof arena !== 'number' || arena !== Math.floor(arena) || arena < 0) {
    throw badPlan('arena size ' + arena + ' is not a non-negative integer');
  }
  const n = spec.tensors.length;
  for (let t = 0; t < n; t++) {
    const tensor = spec.tensors[t];
    const off = tensor.offset;
    const bytes = tensorBytes(tensor);
    if (typeof off !== 'number' || off !== Math.floor(off) || off < 0) {
      throw badPlan('tensor ' + t + ' has arena offset ' + off + ', not a non-negative integer');
    }
    if (!(bytes >= 0) || bytes !== Math.floor(bytes)) {
      throw badPlan('tensor ' + t + ' has an invalid shape [' + tensor.shape.join(', ') + ']');
    }
    if (off + bytes > arena) {
      throw badPlan('tensor ' + t + ' occupies arena bytes [' + off + ', ' + (off + bytes) +
        ') beyond the arena size ' + arena);
    }
  }
  const life = tensorLifetimes(spec);
  for (let a = 0; a < n; a++) {
    if (life.first[a] < 0) continue;
    const aStart = spec.tensors[a].offset;
    const aEnd = aStart + tensorBytes(spec.tensors[a]);
    for (let b = a + 1; b < n; b++) {
      if (life.first[b] < 0) continue;
      if (life.first[a] > life.last[b] || life.first[b] > life.last[a]) continue;
      const bStart = spec.tensors[b].offset;
      const bEnd = bStart + tensorBytes(spec.tensors[b]);
      if (aStart >= bEnd || bStart >= aEnd || aStart === aEnd || bStart === bEnd) continue;
      if (isAlias(spec, life, a, b)) continue;
      throw badPlan('tensors ' + a + ' [' + aStart + ', ' + aEnd + ') and ' + b + ' [' + bStart + ', ' + bEnd +
        ') overlap in the arena while both are alive (ops ' + Math.max(life.first[a], life.first[b]) + '..' +
        Math.min(life.last[a], life.last[b]) + ')');
    }
  }
}
