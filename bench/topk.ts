// Benchmark suite of top-k: one row of 100k and of 1M random scores, k = 50 (serving: all items
// scored against one interest), plus 4 rows of 100k (K = 4 interests) and mask_cols on top.
// Run: `npm run build:wasm --silent && node --import tsx bench/run.ts topk`.
import { runSuite, table } from './harness.js';
import { RATIOS, buf, cases, randomIds, timings, type Spec } from './embedding.js';

export async function topkSuite(): Promise<string> {
  const k = 50;
  const specs: Spec[] = [];
  for (const [rows, n] of [[1, 100_000], [1, 1_000_000], [4, 100_000]]) {
    const label = `${rows}x${n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`}`;
    specs.push({ name: `topk ${label} k=${k}`, kernel: 'topk_rows_f32', work: rows * n, args: (e) => [buf(e, rows * n), rows, n, k, buf(e, rows * k), buf(e, rows * k), 0] });
  }
  // History filter: 4 rows of 100k, 20 columns each set to -Infinity (idempotent across calls).
  const counts = (e: import('../src/engine/engine.js').Engine) => {
    const p = e.heap.alloc(16);
    e.i32.set([20, 20, 20, 20], p >> 2);
    return p;
  };
  specs.push({ name: `mask_cols 4x20 of 100k`, kernel: 'mask_cols_f32', work: 80, args: (e) => [buf(e, 4 * 100_000), 4, 100_000, randomIds(e, 80, 100_000), counts(e), 20, -Infinity] });
  const rows = await runSuite('topk', await cases(specs));
  return `${table(rows, RATIOS)}\n\n${timings(rows, () => 0, () => 0)}`;
}
