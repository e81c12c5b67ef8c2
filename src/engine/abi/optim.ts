// ABI of the optim kernel family (assembly/optim.ts): export name -> argument kinds.
// Stateless steps: bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come from the caller. Row variants
// take `count` unique ids and a [count, d] gradient; only those table rows change. The _f16
// variants keep the state as f16 halves (4-byte aligned base) with one f32 power-of-two scale per
// row and moment (assembly/optim-f16.ts).
import type { AbiTable } from './types.js';

export const OPTIM_ABI = {
  adam_f32: 'ppppiffffff', // (param, grad, m, v, n, lr, beta1, beta2, eps, bc1, bc2)
  adam_rows_f32: 'pppppiiffffff', // (param, grad, m, v, ids, count, d, lr, beta1, beta2, eps, bc1, bc2)
  adagrad_f32: 'pppiff', // (param, grad, acc, n, lr, eps)
  adagrad_rows_f32: 'ppppiiff', // (param, grad, acc, ids, count, d, lr, eps)
  adam_rows_f16: 'ppppppiiffffff', // (param, grad, m16, v16, scales [rows,2], ids, count, d, lr, beta1, beta2, eps, bc1, bc2)
  adagrad_rows_f16: 'pppppiiff', // (param, grad, acc16, scales [rows], ids, count, d, lr, eps)
  // The two-pass kernels the _f16 ones match bit for bit (kept as their reference in tests).
  adam_rows_f16_ref: 'ppppppiiffffff',
  adagrad_rows_f16_ref: 'pppppiiff',
  sgd_f32: 'ppif', // (param, grad, n, lr)
  sgd_rows_f32: 'pppiif', // (param, grad, ids, count, d, lr)
} as const satisfies AbiTable;
