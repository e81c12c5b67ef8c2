// ABI of the softmax kernel family (assembly/softmax.ts): export name -> argument kinds.
// Rows of length n, contiguous. Backward kernels end in `acc`: 0 writes dx, 1 adds into it.
import type { AbiTable } from './types.js';

export const SOFTMAX_ABI = {
  softmax_rows_f32: 'ppii', // (x, out, rows, n)
  softmax_rows_masked_f32: 'pppii', // (x, mask (f32 0/1), out, rows, n)
  softmax_rows_bwd_f32: 'pppiii', // (p, g, dx, rows, n, acc): dx = p * (g - <p, g>)
  log_softmax_rows_f32: 'ppii', // (x, out, rows, n)
  log_softmax_rows_bwd_f32: 'pppiii', // (y, g, dx, rows, n, acc): dx = g - exp(y) * sum(g)
  logsumexp_rows_f32: 'ppii', // (x, out (rows elements), rows, n)
} as const satisfies AbiTable;
