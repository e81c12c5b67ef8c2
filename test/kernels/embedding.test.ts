// Embedding kernels: gather, scatter-add (duplicate ids accumulate in id order) and the weighted
// pool, oracle vs every float32 backend on tail-exercising row lengths and counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats, runKernel } from '../helpers/kernel-check.js';
import { f32Backends } from '../helpers/engines.js';

const SIZES = [0, 1, 3, 4, 5, 17, 67];
const zeros = (n: number) => new Float64Array(n);
/** count ids in [0, rows) with many duplicates (rows is small). */
const someIds = (count: number, rows: number, seed: number) => randomFloats(count, seed).map((v) => Math.floor(((v + 1) / 2) * rows));

test('gather_rows_f32 copies table rows by id', async () => {
  const rows = 7;
  for (const d of SIZES) {
    for (const count of [0, 1, 3, 5, 17]) {
      const ids = someIds(count, rows, d + count + 1);
      const r = await checkKernel('gather_rows_f32', {
        floats: { table: randomFloats(rows * d, 2), out: randomFloats(count * d, 3) },
        ints: { ids },
        args: (p) => [p.table, rows, p.ids, p.out, count, d],
        tol: 0,
      });
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < d; j++) assert.is(r.floats.out[i * d + j], randomFloats(rows * d, 2)[ids[i] * d + j]);
      }
    }
  }
});

test('scatter_add_rows_f32 accumulates duplicate ids', async () => {
  const rows = 5;
  for (const d of SIZES) {
    for (const count of [0, 1, 3, 17, 67]) {
      const ids = someIds(count, rows, 7 * d + count + 1); // 67 ids over 5 rows: many duplicates
      await checkKernel('scatter_add_rows_f32', {
        floats: { src: randomFloats(count * d, 4), table: randomFloats(rows * d, 5) },
        ints: { ids },
        args: (p) => [p.src, p.ids, p.table, rows, count, d],
      });
    }
  }
});

test('scatter_add_rows_f32 is deterministic: same bits in id order on every backend', async () => {
  const d = 17;
  const count = 67;
  const ids = someIds(count, 3, 9);
  const src = randomFloats(count * d, 10, 1e3);
  const runs = (await f32Backends()).map((e) => runKernel(e, 'scatter_add_rows_f32', {
    floats: { src, table: zeros(3 * d) },
    ints: { ids },
    args: (p) => [p.src, p.ids, p.table, 3, count, d],
  }).floats.table);
  // Sequential float32 sums in id order, computed here with Math.fround.
  const want = new Float64Array(3 * d);
  for (let r = 0; r < count; r++) for (let j = 0; j < d; j++) want[ids[r] * d + j] = Math.fround(want[ids[r] * d + j] + src[r * d + j]);
  for (const got of runs) assert.equal(Array.from(got), Array.from(want));
});

test('gather_pool_f32 is the weighted sum of gathered rows', async () => {
  const rows = 9;
  for (const d of SIZES) {
    for (const [count, n] of [[0, 3], [1, 1], [3, 4], [5, 17]]) {
      await checkKernel('gather_pool_f32', {
        floats: { table: randomFloats(rows * d, 11), w: randomFloats(count * n, 12), out: randomFloats(count * d, 13) },
        ints: { ids: someIds(count * n, rows, d + n + 2) },
        args: (p) => [p.table, rows, p.ids, p.w, p.out, count, n, d],
      });
    }
  }
});

test('reference gather rejects an out-of-range id, naming the kernel and id', async () => {
  const js = (await f32Backends())[0];
  assert.throws(
    () => runKernel(js, 'gather_rows_f32', { floats: { table: zeros(8), out: zeros(4) }, ints: { ids: [1, 4] }, args: (p) => [p.table, 4, p.ids, p.out, 2, 2] }),
    /gather_rows_f32: ids\[1\] = 4 is outside the table \[0, 4\)/,
  );
});

test('scatter_add_cols_f32: a column range of rows ld apart accumulates duplicate ids', async () => {
  const rows = 5;
  for (const [ld, j0, m] of [[17, 0, 17], [67, 16, 32], [64, 48, 16], [8, 3, 5]]) {
    for (const count of [0, 1, 17, 67]) {
      const ids = someIds(count, rows, ld + count + 3);
      await checkKernel('scatter_add_cols_f32', {
        floats: { src: randomFloats(count * ld, 4), table: randomFloats(rows * ld, 5) },
        ints: { ids },
        args: (p) => [p.src + 4 * j0, p.ids, p.table + 4 * j0, rows, count, m, ld],
      });
    }
  }
});

test.run();
