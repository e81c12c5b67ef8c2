// Pure-TS reference kernels of the elementwise family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/elementwise.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// Backward kernels take a trailing `acc`: 0 writes dx, 1 adds into it (gradient fan-out).
import type { Floats } from './types.js';

type I = Int32Array;

/** out[i] = a[i] + b[i] for i < n. */
export function add_f32(F: Floats, _I: I, a: number, b: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[a + i] + F[b + i];
}
/** out[i] = a[i] - b[i]. */
export function sub_f32(F: Floats, _I: I, a: number, b: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[a + i] - F[b + i];
}
/** out[i] = a[i] * b[i]. */
export function mul_f32(F: Floats, _I: I, a: number, b: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[a + i] * F[b + i];
}
/** out[i] += a[i] * b[i] (gradient of a product, accumulated). */
export function mul_acc_f32(F: Floats, _I: I, a: number, b: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] += F[a + i] * F[b + i];
}
/** y[i] += alpha * x[i]. */
export function axpy_f32(F: Floats, _I: I, n: number, alpha: number, x: number, y: number): void {
  for (let i = 0; i < n; i++) F[y + i] += alpha * F[x + i];
}
/** out[i] = alpha * x[i]. */
export function scale_f32(F: Floats, _I: I, x: number, alpha: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = alpha * F[x + i];
}
/** out[i] = x[i] + c. */
export function add_scalar_f32(F: Floats, _I: I, x: number, c: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[x + i] + c;
}
/** out[i] = value. */
export function fill_f32(F: Floats, _I: I, out: number, value: number, n: number): void {
  F.fill(value, out, out + n);
}
/** out[i] = x[i] (buffers must not overlap). */
export function copy_f32(F: Floats, _I: I, x: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[x + i];
}
/** out[i] = max(x[i], 0). */
export function relu_f32(F: Floats, _I: I, x: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = F[x + i] > 0 ? F[x + i] : 0;
}
/** dx[i] (+)= x[i] > 0 ? g[i] : 0. */
export function relu_bwd_f32(F: Floats, _I: I, x: number, g: number, dx: number, n: number, acc: number): void {
  for (let i = 0; i < n; i++) {
    const d = F[x + i] > 0 ? F[g + i] : 0;
    F[dx + i] = acc ? F[dx + i] + d : d;
  }
}
/** out[i] = tanh(x[i]). */
export function tanh_f32(F: Floats, _I: I, x: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = Math.tanh(F[x + i]);
}
/** dx[i] (+)= g[i] * (1 - y[i]^2), y = tanh(x). */
export function tanh_bwd_f32(F: Floats, _I: I, y: number, g: number, dx: number, n: number, acc: number): void {
  for (let i = 0; i < n; i++) {
    const d = F[g + i] * (1 - F[y + i] * F[y + i]);
    F[dx + i] = acc ? F[dx + i] + d : d;
  }
}
/** out[i] = 1 / (1 + exp(-x[i])). */
export function sigmoid_f32(F: Floats, _I: I, x: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = 1 / (1 + Math.exp(-F[x + i]));
}
/** dx[i] (+)= g[i] * y[i] * (1 - y[i]), y = sigmoid(x). */
export function sigmoid_bwd_f32(F: Floats, _I: I, y: number, g: number, dx: number, n: number, acc: number): void {
  for (let i = 0; i < n; i++) {
    const d = F[g + i] * F[y + i] * (1 - F[y + i]);
    F[dx + i] = acc ? F[dx + i] + d : d;
  }
}
/** out[i] = exp(x[i]). */
export function exp_f32(F: Floats, _I: I, x: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = Math.exp(F[x + i]);
}
/** out[i] = log(x[i]). */
export function log_f32(F: Floats, _I: I, x: number, out: number, n: number): void {
  for (let i = 0; i < n; i++) F[out + i] = Math.log(F[x + i]);
}
/** out[r, j] = x[r, j] + bias[j] (bias broadcast over rows). */
export function add_row_f32(F: Floats, _I: I, x: number, bias: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) F[out + r * n + j] = F[x + r * n + j] + F[bias + j];
}
/** out[r, j] = x[r, j] * s[r] (one scale per row). */
export function mul_rows_scalar_f32(F: Floats, _I: I, x: number, s: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) F[out + r * n + j] = F[x + r * n + j] * F[s + r];
}
/** Index of the first NaN or +-Infinity in x[0..n), or -1 (debug mode's input check). */
export function check_finite_f32(F: Floats, _I: I, x: number, n: number): number {
  for (let i = 0; i < n; i++) if (!Number.isFinite(F[x + i])) return i;
  return -1;
}
