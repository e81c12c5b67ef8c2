// Pure-TS reference kernels of the optim family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/optim.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// Formulas are torch.optim's; bc1 = 1 - beta1^t and bc2 = 1 - beta2^t come from the caller.
import type { Floats } from './types.js';

type I = Int32Array;

function adamSpan(F: Floats, p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void {
  const a = lr / bc1;
  const sb = Math.sqrt(bc2);
  for (let i = 0; i < n; i++) {
    const gi = F[g + i];
    const mi = (F[m + i] = b1 * F[m + i] + (1 - b1) * gi);
    const vi = (F[v + i] = b2 * F[v + i] + (1 - b2) * gi * gi);
    F[p + i] -= (a * mi) / (Math.sqrt(vi) / sb + eps);
  }
}

/** Dense Adam: m, v moments; param -= (lr/bc1) m / (sqrt(v)/sqrt(bc2) + eps). */
export function adam_f32(F: Floats, _I: I, param: number, grad: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void {
  adamSpan(F, param, grad, m, v, n, lr, beta1, beta2, eps, bc1, bc2);
}

/** Lazy Adam on the unique rows ids[r] (grad [count, d]); other rows untouched. */
export function adam_rows_f32(F: Floats, I: I, param: number, grad: number, m: number, v: number, ids: number, count: number, d: number, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void {
  for (let r = 0; r < count; r++) {
    const o = I[ids + r] * d;
    adamSpan(F, param + o, grad + r * d, m + o, v + o, d, lr, beta1, beta2, eps, bc1, bc2);
  }
}

function adagradSpan(F: Floats, p: number, g: number, acc: number, n: number, lr: number, eps: number): void {
  for (let i = 0; i < n; i++) {
    const gi = F[g + i];
    const s = (F[acc + i] += gi * gi);
    F[p + i] -= (lr * gi) / (Math.sqrt(s) + eps);
  }
}

/** Dense Adagrad: acc += g^2; param -= lr g / (sqrt(acc) + eps). */
export function adagrad_f32(F: Floats, _I: I, param: number, grad: number, acc: number, n: number, lr: number, eps: number): void {
  adagradSpan(F, param, grad, acc, n, lr, eps);
}

/** Row Adagrad on the unique rows ids[r]. */
export function adagrad_rows_f32(F: Floats, I: I, param: number, grad: number, acc: number, ids: number, count: number, d: number, lr: number, eps: number): void {
  for (let r = 0; r < count; r++) {
    const o = I[ids + r] * d;
    adagradSpan(F, param + o, grad + r * d, acc + o, d, lr, eps);
  }
}

/** Dense SGD: param -= lr * grad. */
export function sgd_f32(F: Floats, _I: I, param: number, grad: number, n: number, lr: number): void {
  for (let i = 0; i < n; i++) F[param + i] -= lr * F[grad + i];
}

/** Row SGD: param[ids[r]] -= lr * grad[r]. */
export function sgd_rows_f32(F: Floats, I: I, param: number, grad: number, ids: number, count: number, d: number, lr: number): void {
  for (let r = 0; r < count; r++) {
    const o = I[ids + r] * d;
    for (let j = 0; j < d; j++) F[param + o + j] -= lr * F[grad + r * d + j];
  }
}
