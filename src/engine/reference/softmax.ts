// Pure-TS reference kernels of the softmax family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/softmax.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// Every row subtracts its max before exp, so logits of +-1e4 neither overflow nor underflow to 0/0.
import type { Floats } from './types.js';

type I = Int32Array;

/** out[r] = softmax(x[r]) over rows of length n. */
export function softmax_rows_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, F[x + o + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += F[out + o + j] = Math.exp(F[x + o + j] - m);
    for (let j = 0; j < n; j++) F[out + o + j] /= s;
  }
}

/**
 * Masked softmax (docs/model-guide.md#masked-softmax): entries with mask 0 take no part in the max or the sum and get
 * weight exactly 0; a fully masked row gives all zeros (not 0/0 = NaN).
 */
export function softmax_rows_masked_f32(F: Floats, _I: I, x: number, mask: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (F[mask + o + j] !== 0) m = Math.max(m, F[x + o + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += F[out + o + j] = F[mask + o + j] !== 0 ? Math.exp(F[x + o + j] - m) : 0;
    const inv = s > 0 ? 1 / s : 0;
    for (let j = 0; j < n; j++) F[out + o + j] *= inv;
  }
}

/** dx (+)= p * (g - <p, g>) per row, p the softmax output (0 at masked entries, so dx is 0 there). */
export function softmax_rows_bwd_f32(F: Floats, _I: I, p: number, g: number, dx: number, rows: number, n: number, acc: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let d = 0;
    for (let j = 0; j < n; j++) d += F[p + o + j] * F[g + o + j];
    for (let j = 0; j < n; j++) {
      const v = F[p + o + j] * (F[g + o + j] - d);
      F[dx + o + j] = acc ? F[dx + o + j] + v : v;
    }
  }
}

/** log Σ_j exp(x[o + j]) over one row of n, max-shifted (−Infinity for n = 0). */
function rowLogSumExp(F: Floats, at: number, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, F[at + j]);
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(F[at + j] - m);
  return n > 0 ? m + Math.log(s) : -Infinity;
}

/** out[r] = log softmax(x[r]) = x - max - log(sum exp(x - max)). */
export function log_softmax_rows_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    const lse = rowLogSumExp(F, x + o, n);
    for (let j = 0; j < n; j++) F[out + o + j] = F[x + o + j] - lse;
  }
}

/** dx (+)= g - exp(y) * sum(g) per row, y the log-softmax output. */
export function log_softmax_rows_bwd_f32(F: Floats, _I: I, y: number, g: number, dx: number, rows: number, n: number, acc: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let sg = 0;
    for (let j = 0; j < n; j++) sg += F[g + o + j];
    for (let j = 0; j < n; j++) {
      const v = F[g + o + j] - Math.exp(F[y + o + j]) * sg;
      F[dx + o + j] = acc ? F[dx + o + j] + v : v;
    }
  }
}

/** out[r] = log sum_j exp(x[r, j]) (out has `rows` elements; -Infinity for an empty row). */
export function logsumexp_rows_f32(F: Floats, _I: I, x: number, out: number, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) F[out + r] = rowLogSumExp(F, x + r * n, n);
}
