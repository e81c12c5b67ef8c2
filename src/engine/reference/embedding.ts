// Pure-TS reference kernels of the embedding family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/embedding.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices (ids are
// read from I at the same element index). Out-of-range ids throw: there is no debug build here.
import type { Floats } from './types.js';

type I = Int32Array;

function checkId(kernel: string, r: number, id: number, rows: number): void {
  if (!(id >= 0 && id < rows)) throw new RangeError(`${kernel}: ids[${r}] = ${id} is outside the table [0, ${rows})`);
}

/** out[r] = table[ids[r]] for r < count; table [rows, d], out [count, d]. */
export function gather_rows_f32(F: Floats, I: I, table: number, rows: number, ids: number, out: number, count: number, d: number): void {
  for (let r = 0; r < count; r++) {
    const id = I[ids + r];
    checkId('gather_rows_f32', r, id, rows);
    for (let j = 0; j < d; j++) F[out + r * d + j] = F[table + id * d + j];
  }
}

/** table[ids[r]] += src[r] for r = 0..count-1 in order (duplicates accumulate). */
export function scatter_add_rows_f32(F: Floats, I: I, src: number, ids: number, table: number, rows: number, count: number, d: number): void {
  for (let r = 0; r < count; r++) {
    const id = I[ids + r];
    checkId('scatter_add_rows_f32', r, id, rows);
    for (let j = 0; j < d; j++) F[table + id * d + j] += F[src + r * d + j];
  }
}

/** Columns [0, n) of scatter_add_rows_f32 over rows ld apart (ids in order). */
export function scatter_add_cols_f32(F: Floats, I: I, src: number, ids: number, table: number, rows: number, count: number, n: number, ld: number): void {
  for (let r = 0; r < count; r++) {
    const id = I[ids + r];
    checkId('scatter_add_cols_f32', r, id, rows);
    for (let j = 0; j < n; j++) F[table + id * ld + j] += F[src + r * ld + j];
  }
}

/** out[b] = sum_t weights[b, t] * table[ids[b, t]]; ids, weights [count, n]; out [count, d]. */
export function gather_pool_f32(F: Floats, I: I, table: number, rows: number, ids: number, weights: number, out: number, count: number, n: number, d: number): void {
  for (let b = 0; b < count; b++) {
    for (let j = 0; j < d; j++) F[out + b * d + j] = 0;
    for (let t = 0; t < n; t++) {
      const k = b * n + t;
      const id = I[ids + k];
      checkId('gather_pool_f32', k, id, rows);
      const w = F[weights + k];
      for (let j = 0; j < d; j++) F[out + b * d + j] += w * F[table + id * d + j];
    }
  }
}
