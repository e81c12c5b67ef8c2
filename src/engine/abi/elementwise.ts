// ABI of the elementwise kernel family (assembly/elementwise.ts): export name -> argument kinds.
// Backward kernels end in `acc` (i): 0 writes the input gradient, 1 adds into it.
import type { AbiTable } from './types.js';

export const ELEMENTWISE_ABI = {
  add_f32: 'pppi', // (a, b, out, n)
  sub_f32: 'pppi', // (a, b, out, n): out = a - b
  mul_f32: 'pppi', // (a, b, out, n): out = a * b
  mul_acc_f32: 'pppi', // (a, b, out, n): out += a * b
  axpy_f32: 'ifpp', // (n, alpha, x, y): y += alpha * x
  scale_f32: 'pfpi', // (x, alpha, out, n): out = alpha * x
  add_scalar_f32: 'pfpi', // (x, c, out, n): out = x + c
  fill_f32: 'pfi', // (out, value, n)
  copy_f32: 'ppi', // (x, out, n)
  relu_f32: 'ppi', // (x, out, n)
  relu_bwd_f32: 'pppii', // (x, g, dx, n, acc)
  tanh_f32: 'ppi', // (x, out, n)
  tanh_bwd_f32: 'pppii', // (y, g, dx, n, acc), y = tanh(x)
  sigmoid_f32: 'ppi', // (x, out, n)
  sigmoid_bwd_f32: 'pppii', // (y, g, dx, n, acc), y = sigmoid(x)
  exp_f32: 'ppi', // (x, out, n)
  log_f32: 'ppi', // (x, out, n)
  add_row_f32: 'pppii', // (x, bias, out, rows, n): out[r] = x[r] + bias
  mul_rows_scalar_f32: 'pppii', // (x, s, out, rows, n): out[r] = x[r] * s[r]
  check_finite_f32: 'pi', // (x, n) -> index of first NaN/Inf, or -1
} as const satisfies AbiTable;
