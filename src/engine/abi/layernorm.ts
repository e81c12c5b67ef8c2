// ABI of the layernorm kernel family (assembly/layernorm.ts): export name -> argument kinds.
// Rows of length d, contiguous; mean and rstd hold one value per row.
import type { AbiTable } from './types.js';

export const LAYERNORM_ABI = {
  layernorm_f32: 'ppppppiif', // (x, gamma, beta, out, mean, rstd, rows, d, eps)
  // (x, gamma, mean, rstd, g, dx, dgamma, dbeta, rows, d, acc): dx (+)=; dgamma/dbeta sum over
  // rows, overwritten first when acc = 0.
  layernorm_bwd_f32: 'ppppppppiii',
} as const satisfies AbiTable;
