// Benchmark suite of the optimizer kernels: dense Adam over 3.2M params (memory-bound: 16 B read
// + 12 B written per param; target ≲ 3 ms, ≥ 30 GB/s), dense SGD/Adagrad at the same size, and
// lazy Adam (f32 and f16 state) / Adagrad over 2560 unique rows of d 64 from a 50k-row table.
// Run: `npm run build:wasm --silent && node --import tsx bench/run.ts optim`.
import { runSuite, table } from './harness.js';
import { RATIOS, buf, cases, timings, uniqueIds, type Spec } from './embedding.js';

export async function optimSuite(): Promise<string> {
  const n = 3_200_000, N = 50_000, D = 64, U = 2560;
  const h = [1e-3, 0.9, 0.999, 1e-8, 1 - 0.9 ** 10, 1 - 0.999 ** 10];
  const specs: Spec[] = [
    { name: `adam dense 3.2M`, kernel: 'adam_f32', work: n, args: (e) => [buf(e, n), buf(e, n, 1e-3), buf(e, n, 1e-3), buf(e, n, 0, 1e-6), n, ...h] },
    { name: `adagrad dense 3.2M`, kernel: 'adagrad_f32', work: n, args: (e) => [buf(e, n), buf(e, n, 1e-3), buf(e, n, 0, 0.1), n, 1e-3, 1e-10] },
    { name: `sgd dense 3.2M`, kernel: 'sgd_f32', work: n, args: (e) => [buf(e, n), buf(e, n, 1e-3), n, 1e-3] },
    { name: `adam rows ${U}x${D} of ${N / 1000}k`, kernel: 'adam_rows_f32', work: U * D, args: (e) => [buf(e, N * D), buf(e, U * D, 1e-3), buf(e, N * D, 1e-3), buf(e, N * D, 0, 1e-6), uniqueIds(e, U, N), U, D, ...h] },
    // f16 state: m and √v as halves (zero to start; the timed repeats fill them), scales [N, 2].
    { name: `adam rows f16 ${U}x${D} of ${N / 1000}k`, kernel: 'adam_rows_f16', work: U * D, args: (e) => [buf(e, N * D), buf(e, U * D, 1e-3), buf(e, (N * D) / 2, 0, 0), buf(e, (N * D) / 2, 0, 0), buf(e, 2 * N, 0, 1), uniqueIds(e, U, N), U, D, ...h] },
    { name: `adagrad rows ${U}x${D} of ${N / 1000}k`, kernel: 'adagrad_rows_f32', work: U * D, args: (e) => [buf(e, N * D), buf(e, U * D, 1e-3), buf(e, N * D, 0, 0.1), uniqueIds(e, U, N), U, D, 1e-3, 1e-10] },
  ];
  const rows = await runSuite('optim', await cases(specs));
  // Bytes per element touched: Adam 4 reads + 3 writes (f16 state: 20 bytes), Adagrad 3 + 2, SGD 2 + 1.
  const bytes = (s: string) => (s.startsWith('adam rows f16') ? 20 : s.startsWith('adam') ? 28 : s.startsWith('adagrad') ? 20 : 12);
  const work = (s: string) => (s.includes('dense') ? n : U * D);
  return `${table(rows, RATIOS)}\n\n${timings(rows, bytes, work)}`;
}
