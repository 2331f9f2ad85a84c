// TFLM's golden outputs for person_detect.tflite and hello_world_int8.tflite, reproduced through
// importTflite -> writeModel -> loadModel -> run(): outputs, logits and every intermediate tensor.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTflite } from '../../src/tflite/index.js';
import { writeModel } from '../../src/format/writer.js';
import { checkPlan } from '../../src/format/plan.js';
import { loadModel } from '../../src/runtime/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'tflm');
const PERSON = join(FIXTURES, 'person_detect.tflite');
const HELLO = join(FIXTURES, 'hello_world_int8.tflite');
const hasPerson = existsSync(PERSON);
const hasHello = existsSync(HELLO);
if (!hasPerson) console.log(`skip: person_detect fixtures absent (${FIXTURES})`);
if (!hasHello) console.log(`skip: hello_world fixtures absent (${FIXTURES})`);

const TFLM_PERSON_ARENA = 85024;
const ARENA_TARGET = 56 * 1024;

function int8(b64: string): Int8Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** produced_by_op is 'k:OPNAME' for the output of op k, null for the model input. */
interface GoldenTensor { tensor_index: number; name: string; produced_by_op: string | null; data_b64: string }
interface IntermediateCase { name: string; output_int8: number[]; tensors: GoldenTensor[] }

describe.skipIf(!hasPerson)('person_detect.tflite (TFLM goldens)', () => {
  const spec = hasPerson ? importTflite(new Uint8Array(readFileSync(PERSON))) : null!;
  const model = hasPerson ? loadModel(writeModel(spec)) : null!;
  const goldens = hasPerson ? JSON.parse(readFileSync(join(FIXTURES, 'person_detect_goldens.json'), 'utf8')) : null;
  const intermediates = hasPerson
    ? (JSON.parse(readFileSync(join(FIXTURES, 'person_detect_intermediates.json'), 'utf8')).cases as IntermediateCase[])
    : [];

  it('imports 31 ops and plans the arena within 56 KB (TFLM: 85,024 bytes)', () => {
    expect(spec.ops.length).toBe(31);
    checkPlan(spec);
    console.log(`person_detect arena: ${spec.arenaBytes} bytes (TFLM ${TFLM_PERSON_ARENA}, target <= ${ARENA_TARGET}, largest live pair 55296)`);
    expect(spec.arenaBytes).toBeLessThanOrEqual(ARENA_TARGET);
    expect(model.arenaBytes).toBe(spec.arenaBytes);
  });

  it('reproduces every output, logit and intermediate tensor byte for byte', () => {
    let matches = 0;
    let total = 0;
    const mismatches: string[] = [];
    for (const c of goldens.cases as { name: string; input_int8_b64: string; output_int8: number[]; logits_int8: number[] }[]) {
      const golden = intermediates.find((x) => x.name === c.name)!;
      // Execution order: tensor 0 of the golden list is the input, tensor k + 1 the output of op k.
      const seen: Int8Array[] = [];
      model.input.set(int8(c.input_int8_b64));
      // The planner reuses the input's bytes after op 0 (as TFLM does), so compare it before running.
      const inputBefore = model.input.slice();
      model.run((i, out) => { seen[i] = out.data.slice(); });
      const check = (label: string, got: ArrayLike<number>, want: ArrayLike<number>) => {
        total++;
        const g = Array.from(got);
        const w = Array.from(want);
        if (g.length === w.length && g.every((v, k) => v === w[k])) matches++;
        else {
          const k = g.findIndex((v, j) => v !== w[j]);
          mismatches.push(`${c.name} ${label}: first difference at element ${k}: got ${g[k]}, want ${w[k]} (lengths ${g.length}/${w.length})`);
        }
      };
      check('output', model.output, c.output_int8);
      check('logits (op 28 output)', seen[28], c.logits_int8);
      for (const t of golden.tensors) {
        if (t.produced_by_op === null) {
          check(`input t${t.tensor_index}`, inputBefore, int8(t.data_b64));
          continue;
        }
        const op = parseInt(t.produced_by_op, 10);
        check(`op ${t.produced_by_op} output t${t.tensor_index} ${t.name}`, seen[op] ?? [], int8(t.data_b64));
      }
    }
    console.log(`person_detect goldens: ${matches}/${total} exact` + (mismatches.length ? `\n${mismatches.slice(0, 8).join('\n')}` : ''));
    expect(mismatches).toEqual([]);
    // Per image: output, logits, the input and the 31 op outputs.
    expect(total).toBe(2 * (2 + 1 + 31));
  });
});

describe.skipIf(!hasHello)('hello_world_int8.tflite (TFLM goldens)', () => {
  it('reproduces the int8 output for all 256 inputs', () => {
    const spec = importTflite(new Uint8Array(readFileSync(HELLO)));
    const model = loadModel(writeModel(spec));
    const goldens = JSON.parse(readFileSync(join(FIXTURES, 'hello_world_int8_goldens.json'), 'utf8'));
    let matches = 0;
    const wrong: string[] = [];
    for (const c of goldens.cases as { input_int8: number; output_int8: number }[]) {
      model.input[0] = c.input_int8;
      model.run();
      if (model.output[0] === c.output_int8) matches++;
      else wrong.push(`${c.input_int8} -> ${model.output[0]} (want ${c.output_int8})`);
    }
    console.log(`hello_world goldens: ${matches}/${goldens.cases.length} exact, arena ${spec.arenaBytes} bytes (TFLM 1176)`);
    expect(wrong).toEqual([]);
    expect(matches).toBe(256);
  });
});
