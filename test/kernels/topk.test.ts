// Top-k and column masking: every backend against a sort-based brute force (random scores, heavy
// ties, skip, NaN/-Infinity, k > n), plus the history-filter composition mask_cols -> topk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats } from '../helpers/kernel-check.js';

/** Sort-based top-k of one row with the kernel's contract (k slots, -1/-Infinity padding). */
function bruteTopk(x: ArrayLike<number>, k: number, skip: number): [number[], number[]] {
  const c: number[] = [];
  for (let j = 0; j < x.length; j++) if (j !== skip && x[j] > -Infinity) c.push(j);
  c.sort((a, b) => x[b] - x[a] || a - b);
  const idx = c.slice(0, k);
  const val = idx.map((j) => x[j]);
  while (idx.length < k) {
    idx.push(-1);
    val.push(-Infinity);
  }
  return [idx, val];
}

async function checkTopk(scores: Float64Array, rows: number, n: number, k: number, skip: number) {
  const r = await checkKernel('topk_rows_f32', {
    floats: { scores, val: new Float64Array(rows * k) },
    ints: { idx: new Array(rows * k).fill(7) },
    args: (p) => [p.scores, rows, n, k, p.idx, p.val, skip],
    tol: 0,
  });
  for (let i = 0; i < rows; i++) {
    const [idx, val] = bruteTopk(scores.subarray(i * n, (i + 1) * n), k, skip);
    assert.equal(Array.from(r.ints.idx.subarray(i * k, (i + 1) * k)), idx, `row ${i} indices (n ${n}, k ${k}, skip ${skip})`);
    assert.equal(Array.from(r.floats.val.subarray(i * k, (i + 1) * k)), val, `row ${i} values`);
  }
}

test('topk_rows_f32 matches a sort on random scores', async () => {
  for (const n of [0, 1, 3, 4, 5, 17, 67, 1000]) {
    for (const k of [1, 3, 16, 50]) {
      for (const skip of [-1, 0, n >> 1]) await checkTopk(randomFloats(3 * n, n + k + 1), 3, n, k, skip);
    }
  }
});

test('ties go to the lower column (heavily tied and constant rows)', async () => {
  for (const n of [5, 17, 67, 300]) {
    const tied = randomFloats(2 * n, n).map((v) => Math.round(v * 3) / 4); // 7 distinct values
    for (const k of [1, 4, 10, 50]) await checkTopk(tied, 2, n, k, 1);
    await checkTopk(new Float64Array(n).fill(0.5), 1, n, 10, -1);
  }
});

test('k > n (or more than the candidates) clamps: padding slots are -1 / -Infinity', async () => {
  await checkTopk(randomFloats(2 * 5, 3), 2, 5, 8, -1);
  await checkTopk(randomFloats(2 * 5, 3), 2, 5, 5, 2); // 4 candidates for 5 slots
  await checkTopk(randomFloats(3, 3), 1, 3, 0, -1); // k = 0 writes nothing
});

test('NaN and -Infinity are never returned; +Infinity is', async () => {
  const n = 37;
  const x = randomFloats(n, 4);
  x[3] = NaN;
  x[20] = -Infinity;
  x[33] = Infinity;
  x[34] = NaN;
  await checkTopk(x, 1, n, n, -1);
  await checkTopk(x, 1, n, 5, 33);
});

test('rising scores (every candidate enters the heap) and a late block above the threshold', async () => {
  const n = 2000;
  const rising = Float64Array.from({ length: n }, (_, j) => Math.fround(j / n));
  await checkTopk(rising, 1, n, 50, n - 1);
  const late = randomFloats(n, 5);
  late[n - 3] = 5;
  await checkTopk(late, 1, n, 10, 0);
});

test('mask_cols_f32 writes the value at listed columns; topk then skips them', async () => {
  const rows = 3;
  const n = 23;
  const maxCount = 4;
  const cols = [0, 5, 22, 5, /* row 1 */ 7, -1, 99, 0, /* row 2 */ 1, 2, 3, 4];
  const counts = [4, 2, 0]; // row 1 lists an out-of-range column (ignored in release builds)
  const scores = randomFloats(rows * n, 6);
  const r = await checkKernel('mask_cols_f32', {
    floats: { scores },
    ints: { cols: [...cols.slice(0, 5), 8, ...cols.slice(6)], counts },
    args: (p) => [p.scores, rows, n, p.cols, p.counts, maxCount, -Infinity],
  });
  const masked = r.floats.scores;
  for (const [row, col] of [[0, 0], [0, 5], [0, 22], [1, 7], [1, 8]]) assert.is(masked[row * n + col], -Infinity);
  assert.is(masked[2 * n + 1], scores[2 * n + 1]);
  await checkTopk(masked, rows, n, n, -1);
  // Out-of-range columns are skipped by the release builds and the reference alike.
  await checkKernel('mask_cols_f32', {
    floats: { scores },
    ints: { cols, counts: [4, 4, 9] },
    args: (p) => [p.scores, rows, n, p.cols, p.counts, maxCount, -Infinity],
  });
});

test.run();
