// ABI of the squash kernel family (assembly/squash.ts): export name -> argument kinds.
// Rows of length d, contiguous. Backward ends in `acc`: 0 writes ds, 1 adds into it.
import type { AbiTable } from './types.js';

export const SQUASH_ABI = {
  squash_f32: 'ppii', // (s, out, rows, d): out = |s|^2 / ((1 + |s|^2) sqrt(|s|^2 + 1e-9)) * s
  squash_bwd_f32: 'pppiii', // (s, g, ds, rows, d, acc), s = the forward input
} as const satisfies AbiTable;
