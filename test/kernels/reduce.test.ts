// Reduce kernels: oracle vs every float32 backend on tail-exercising shapes, argmax ties,
// column-sum accumulation and the f64 sum of squares.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats } from '../helpers/kernel-check.js';

const SIZES = [0, 1, 3, 4, 5, 8, 17, 67];
const ROWS = [0, 1, 3, 5];
const zeros = (n: number) => new Float64Array(n);

test('row reductions match the oracle', async () => {
  for (const rows of ROWS) {
    for (const n of SIZES) {
      const x = randomFloats(rows * n, 1 + n, 2);
      await checkKernel('sum_rows_f32', { floats: { x, out: zeros(rows) }, args: (p) => [p.x, p.out, rows, n] });
      await checkKernel('max_rows_f32', { floats: { x, out: zeros(rows) }, args: (p) => [p.x, p.out, rows, n] });
      await checkKernel('argmax_rows_f32', { floats: { x }, ints: { idx: new Int32Array(rows) }, args: (p) => [p.x, p.idx, rows, n] });
      await checkKernel('mean_var_rows_f32', { floats: { x, m: zeros(rows), v: zeros(rows) }, args: (p) => [p.x, p.m, p.v, rows, n] });
      await checkKernel('dot_rows_f32', {
        floats: { a: x, b: randomFloats(rows * n, 99), out: zeros(rows) },
        args: (p) => [p.a, p.b, p.out, rows, n],
      });
      for (const acc of [0, 1]) {
        await checkKernel('sum_cols_f32', { floats: { x, out: randomFloats(n, 5) }, args: (p) => [p.x, p.out, rows, n, acc] });
      }
    }
  }
});

test('argmax_rows_f32 takes the lowest index on ties, -1 on empty rows', async () => {
  for (const n of [3, 8, 17, 67]) {
    const x = new Float64Array(2 * n).fill(-1);
    x[n - 1] = 5; // row 0: single max at the end
    x[2] = 5;
    x[n + n - 1] = 7; // row 1: ties at 1, 2 lanes and the tail
    x[n + 1] = 7;
    if (n > 6) x[n + 6] = 7;
    const r = await checkKernel('argmax_rows_f32', { floats: { x }, ints: { idx: new Int32Array(2) }, args: (p) => [p.x, p.idx, 2, n] });
    assert.equal(Array.from(r.ints.idx), [2, 1]);
  }
  const r = await checkKernel('argmax_rows_f32', { floats: { x: [] }, ints: { idx: [9] }, args: (p) => [p.x, p.idx, 1, 0] });
  assert.equal(Array.from(r.ints.idx), [-1]);
});

test('mean_var_rows_f32 on constant and offset rows', async () => {
  const n = 67;
  const x = new Float64Array(2 * n).fill(0.1);
  for (let j = 0; j < n; j++) x[n + j] = Math.fround(1000 + (j % 3));
  await checkKernel('mean_var_rows_f32', { floats: { x, m: zeros(2), v: zeros(2) }, args: (p) => [p.x, p.m, p.v, 2, n] });
});

test('sum_sq_f32 returns the sum of squares', async () => {
  for (const n of [...SIZES, 1023, 1025, 5000]) {
    await checkKernel('sum_sq_f32', { floats: { x: randomFloats(n, 3) }, args: (p) => [p.x, n] });
  }
});

test('sum_cols_ld_f32: a column range of rows ld apart matches the oracle', async () => {
  for (const [rows, ld, j0, m] of [[3, 17, 0, 17], [5, 67, 16, 32], [4, 64, 48, 16], [1, 8, 3, 5], [0, 5, 0, 5]]) {
    const x = randomFloats(rows * ld, ld + rows, 2);
    for (const acc of [0, 1]) {
      await checkKernel('sum_cols_ld_f32', { floats: { x, out: randomFloats(ld, 5) }, args: (p) => [p.x + 4 * j0, p.out + 4 * j0, rows, m, acc, ld] });
    }
  }
});

test.run();
