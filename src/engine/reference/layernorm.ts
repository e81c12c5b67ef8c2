// Pure-TS reference kernels of the layernorm family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/layernorm.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// LayerNorm over the last axis (length d) with gain gamma and bias beta, saving mean and rstd.
import type { Floats } from './types.js';

type I = Int32Array;

/**
 * out = (x - mean) * rstd * gamma + beta per row, rstd = 1 / sqrt(var + eps). eps sits inside the
 * root, so a constant row (var 0) gives rstd = 1/sqrt(eps) and out = beta: finite.
 */
export function layernorm_f32(F: Floats, _I: I, x: number, gamma: number, beta: number, out: number, mean: number, rstd: number, rows: number, d: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += F[x + o + j];
    const mu = d > 0 ? s / d : 0;
    let q = 0;
    for (let j = 0; j < d; j++) q += (F[x + o + j] - mu) ** 2;
    const rs = 1 / Math.sqrt((d > 0 ? q / d : 0) + eps);
    for (let j = 0; j < d; j++) F[out + o + j] = (F[x + o + j] - mu) * rs * F[gamma + j] + F[beta + j];
    F[mean + r] = mu;
    F[rstd + r] = rs;
  }
}

/**
 * With xhat = (x - mean) rstd and gh = g * gamma:
 *   dx (+)= rstd (gh - mean(gh) - xhat mean(gh xhat)),  dgamma += sum_rows g xhat,  dbeta += sum_rows g.
 * dgamma and dbeta always accumulate across rows; acc = 0 zeroes them (and writes dx) first.
 */
export function layernorm_bwd_f32(F: Floats, _I: I, x: number, gamma: number, mean: number, rstd: number, g: number, dx: number, dgamma: number, dbeta: number, rows: number, d: number, acc: number): void {
  if (!acc) {
    F.fill(0, dgamma, dgamma + d);
    F.fill(0, dbeta, dbeta + d);
  }
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = F[mean + r];
    const rs = F[rstd + r];
    let a = 0;
    let b = 0;
    for (let j = 0; j < d; j++) {
      const xh = (F[x + o + j] - mu) * rs;
      const gh = F[g + o + j] * F[gamma + j];
      a += gh;
      b += gh * xh;
      F[dgamma + j] += F[g + o + j] * xh;
      F[dbeta + j] += F[g + o + j];
    }
    a /= d;
    b /= d;
    for (let j = 0; j < d; j++) {
      const xh = (F[x + o + j] - mu) * rs;
      const v = rs * (F[g + o + j] * F[gamma + j] - a - xh * b);
      F[dx + o + j] = acc ? F[dx + o + j] + v : v;
    }
  }
}
