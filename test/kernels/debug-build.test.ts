// The debug build (build/mirec-debug.wasm: asserts on, env.abort imported) turns bad kernel input
// into an abort whose message names the kernel and the offending id. The deprecated
// @assemblyscript/loader earns its place here: it decodes the abort's message string.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { instantiate } from '@assemblyscript/loader';

const HEAP = 65536; // TypeScript's heap starts at page 1, as in the engine

async function debugModule() {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const bytes = readFileSync(new URL('../../build/mirec-debug.wasm', import.meta.url));
  const { exports } = await instantiate<Record<string, (...a: number[]) => number>>(bytes, { env: { memory } });
  return { exports, memory };
}

test('gather_rows_f32 with an out-of-range id aborts naming the kernel and the id', async () => {
  const { exports, memory } = await debugModule();
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  const table = HEAP, ids = HEAP + 1024, out = HEAP + 2048; // table [4, 2]
  for (let i = 0; i < 8; i++) f32[(table >> 2) + i] = i;
  i32.set([3, 0], ids >> 2);
  exports.gather_rows_f32(table, 4, ids, out, 2, 2); // valid ids run normally
  assert.equal(Array.from(f32.subarray(out >> 2, (out >> 2) + 4)), [6, 7, 0, 1]);
  i32.set([1, 4], ids >> 2);
  assert.throws(() => exports.gather_rows_f32(table, 4, ids, out, 2, 2), /gather_rows_f32: ids\[1\] = 4 is outside the table \[0, 4\)/);
  i32.set([-2], ids >> 2);
  assert.throws(() => exports.scatter_add_rows_f32(out, ids, table, 4, 1, 2), /scatter_add_rows_f32: ids\[0\] = -2/);
});

test('row optimizers and mask_cols abort on bad indices in the debug build', async () => {
  const { exports, memory } = await debugModule();
  const i32 = new Int32Array(memory.buffer);
  const ids = HEAP + 4096;
  i32.set([0, -1], ids >> 2);
  assert.throws(() => exports.sgd_rows_f32(HEAP, HEAP + 64, ids, 2, 2, 0.1), /sgd_rows_f32: ids\[1\] = -1 is negative/);
  i32.set([2, 3, 9], ids >> 2); // counts [2], cols of row 0 = [3, 9], n = 5
  assert.throws(() => exports.mask_cols_f32(HEAP, 1, 5, ids + 4, ids, 2, 0), /mask_cols_f32: cols\[0, 1\] = 9 is outside \[0, 5\)/);
});

test.run();
