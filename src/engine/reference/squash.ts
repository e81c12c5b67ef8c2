// Pure-TS reference kernels of the squash family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/squash.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// Formulas of docs/model-guide.md#squash: squash(s) = f(n) s, n = |s|^2, f(n) = n / ((1 + n) sqrt(n + eps)).
import type { Floats } from './types.js';

type I = Int32Array;

/** eps sits inside the square root only: it keeps f(0) = 0/sqrt(eps) = 0 instead of 0/0. */
const EPS = 1e-9;

/** out[r] = squash(s[r]) for `rows` rows of length d. */
export function squash_f32(F: Floats, _I: I, s: number, out: number, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let n = 0;
    for (let j = 0; j < d; j++) n += F[s + o + j] * F[s + o + j];
    const f = n / ((1 + n) * Math.sqrt(n + EPS));
    for (let j = 0; j < d; j++) F[out + o + j] = f * F[s + o + j];
  }
}

/**
 * ds (+)= f(n) g + 2 f'(n) <s, g> s, f'(n) = ((n + eps) - n (1 + n) / 2) / ((1 + n)^2 (n + eps)^1.5).
 * At s = 0 both terms vanish (f(0) = 0, and the second is a multiple of s).
 */
export function squash_bwd_f32(F: Floats, _I: I, s: number, g: number, ds: number, rows: number, d: number, acc: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let n = 0;
    let sg = 0;
    for (let j = 0; j < d; j++) {
      n += F[s + o + j] * F[s + o + j];
      sg += F[s + o + j] * F[g + o + j];
    }
    const ne = n + EPS;
    const f = n / ((1 + n) * Math.sqrt(ne));
    const fp = (ne - (n * (1 + n)) / 2) / ((1 + n) * (1 + n) * ne * Math.sqrt(ne));
    const c = 2 * fp * sg;
    for (let j = 0; j < d; j++) {
      const v = f * F[g + o + j] + c * F[s + o + j];
      F[ds + o + j] = acc ? F[ds + o + j] + v : v;
    }
  }
}
