// Pure-TS reference kernels of the reduce family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/reduce.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// Rows are contiguous: row r of x starts at x + r * n.
import type { Floats } from './types.js';

type I = Int32Array;

/** out[r] = sum_j x[r, j]. */
export function sum_rows_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += F[x + r * n + j];
    F[out + r] = s;
  }
}

/** out[j] (+)= sum_r x[r, j]: column sums, e.g. a bias gradient. acc = 0 overwrites out. */
export function sum_cols_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number, acc: number): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += F[x + r * n + j];
    F[out + j] = acc ? F[out + j] + s : s;
  }
}

/** Columns [0, n) of sum_cols_f32 over rows ld apart. */
export function sum_cols_ld_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number, acc: number, ld: number): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += F[x + r * ld + j];
    F[out + j] = acc ? F[out + j] + s : s;
  }
}

/** out[r] = max_j x[r, j] (-Infinity for an empty row; NaN propagates). */
export function max_rows_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, F[x + r * n + j]);
    F[out + r] = m;
  }
}

/** idx[r] = argmax_j x[r, j], lowest index on ties, -1 for an empty row. */
export function argmax_rows_f32(F: Floats, I: I, x: number, idx: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    let best = -1;
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = F[x + r * n + j];
      if (best < 0 || v > m) {
        m = v;
        best = j;
      }
    }
    I[idx + r] = best;
  }
}

/** mean[r] and population variance var[r] of each row, two-pass (no cancellation). */
export function mean_var_rows_f32(F: Floats, _I: I, x: number, mean: number, v: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += F[x + r * n + j];
    const mu = n > 0 ? s / n : 0;
    let q = 0;
    for (let j = 0; j < n; j++) q += (F[x + r * n + j] - mu) ** 2;
    F[mean + r] = mu;
    F[v + r] = n > 0 ? q / n : 0;
  }
}

/** out[r] = <a[r], b[r]>. */
export function dot_rows_f32(F: Floats, _I: I, a: number, b: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += F[a + r * n + j] * F[b + r * n + j];
    F[out + r] = s;
  }
}

/** Returns sum_i x[i]^2 (gradient norms). */
export function sum_sq_f32(F: Floats, _I: I, x: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += F[x + i] * F[x + i];
  return s;
}
