// ABI of the reduce kernel family (assembly/reduce.ts): export name -> argument kinds.
import type { AbiTable } from './types.js';

export const REDUCE_ABI = {
  sum_rows_f32: 'ppii', // (x, out, rows, n): out[r] = sum_j x[r, j]
  sum_cols_f32: 'ppiii', // (x, out, rows, n, acc): out[j] (+)= sum_r x[r, j]
  sum_cols_ld_f32: 'ppiiii', // (x, out, rows, n, acc, ld): columns [0, n) of sum_cols_f32, rows ld apart
  max_rows_f32: 'ppii', // (x, out, rows, n)
  argmax_rows_f32: 'ppii', // (x, idx (i32), rows, n): lowest index on ties, -1 if n = 0
  mean_var_rows_f32: 'pppii', // (x, mean, var, rows, n): population variance
  dot_rows_f32: 'pppii', // (a, b, out, rows, n): out[r] = <a[r], b[r]>
  sum_sq_f32: 'pi', // (x, n) -> sum of squares (f64)
} as const satisfies AbiTable;
