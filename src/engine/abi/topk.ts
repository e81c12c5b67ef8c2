// ABI of the topk kernel family (assembly/topk.ts): export name -> argument kinds.
// Outputs are always [rows, k]; slots without a candidate hold index -1 and score -Infinity.
import type { AbiTable } from './types.js';

export const TOPK_ABI = {
  topk_rows_f32: 'piiippi', // (scores, rows, n, k, outIdx(i32), outVal, skip): skip = column to exclude, -1 none
  mask_cols_f32: 'piippif', // (scores, rows, n, cols(i32), counts(i32), maxCount, value): scores[r, cols[r,c]] = value
  // (M, D, q, ldq, table, n, k, outIdx(i32), outVal, buf [M, tn], tn, cols(i32), counts(i32), maxCount):
  // top-k of q·tableᵀ per row without the score matrix; cols/counts exclude columns (maxCount 0: none)
  score_topk_nt_f32: 'iipipiipppippi',
} as const satisfies AbiTable;
