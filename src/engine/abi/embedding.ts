// ABI of the embedding kernel family (assembly/embedding.ts): export name -> argument kinds.
// `rows` is the table's row count: the debug build asserts every id is in [0, rows).
import type { AbiTable } from './types.js';

export const EMBEDDING_ABI = {
  gather_rows_f32: 'pippii', // (table, rows, ids, out, count, d): out[r] = table[ids[r]]
  scatter_add_rows_f32: 'pppiii', // (src, ids, table, rows, count, d): table[ids[r]] += src[r], in r order
  scatter_add_cols_f32: 'pppiiii', // (src, ids, table, rows, count, n, ld): columns [0, n) of scatter_add_rows_f32, rows ld apart
  gather_pool_f32: 'pipppiii', // (table, rows, ids, weights, out, count, n, d): out[b] = sum_t w[b,t] table[ids[b,t]]
} as const satisfies AbiTable;
