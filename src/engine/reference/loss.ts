// Pure-TS reference kernels of the loss family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/loss.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// BCE is written with softplus of non-positive arguments only, so |logit| = 100 stays exact.
import type { Floats } from './types.js';
import { logQInto, logUniformOf, type SamplerKindCode } from '../det-sampler.js';
import { Rng } from '../random.js';

type I = Int32Array;

/** out[i] = w y softplus(-x) + (1 - y) softplus(x), softplus(z) = max(z, 0) + log1p(exp(-|z|)). */
export function bce_logits_f32(F: Floats, _I: I, logits: number, labels: number, out: number, n: number, posWeight: number): void {
  for (let i = 0; i < n; i++) {
    const x = F[logits + i];
    const y = F[labels + i];
    const l = Math.log1p(Math.exp(-Math.abs(x)));
    F[out + i] = posWeight * y * (Math.max(-x, 0) + l) + (1 - y) * (Math.max(x, 0) + l);
  }
}

/** dx[i] (+)= g[i] * ((1 - y) sigmoid(x) - w y sigmoid(-x)). */
export function bce_logits_bwd_f32(F: Floats, _I: I, logits: number, labels: number, g: number, dx: number, n: number, posWeight: number, acc: number): void {
  for (let i = 0; i < n; i++) {
    const x = F[logits + i];
    const y = F[labels + i];
    const e = Math.exp(-Math.abs(x));
    const sp = x >= 0 ? 1 / (1 + e) : e / (1 + e);
    const sn = x >= 0 ? e / (1 + e) : 1 / (1 + e);
    const r = F[g + i] * ((1 - y) * sp - posWeight * y * sn);
    F[dx + i] = acc ? F[dx + i] + r : r;
  }
}

/**
 * loss[r] = logsumexp over kept j (mask != 0) of logits[r, j] - logits[r, 0];
 * dlogits[r, j] = scale (p_j - [j = 0]), 0 where masked; mask[r, 0] = 0 makes the row padding.
 */
export function softmax_xent_rows_f32(F: Floats, _I: I, logits: number, mask: number, rows: number, n: number, loss: number, dlogits: number, scale: number): void {
  for (let r = 0; r < rows; r++) {
    const x = logits + r * n;
    const mk = mask + r * n;
    const dl = dlogits + r * n;
    if (n === 0 || F[mk] === 0) {
      F[loss + r] = 0;
      for (let j = 0; j < n; j++) F[dl + j] = 0;
      continue;
    }
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (F[mk + j] !== 0) m = Math.max(m, F[x + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += F[mk + j] !== 0 ? Math.exp(F[x + j] - m) : 0;
    F[loss + r] = m + Math.log(s) - F[x];
    for (let j = 0; j < n; j++) F[dl + j] = F[mk + j] !== 0 ? (scale * Math.exp(F[x + j] - m)) / s : 0;
    F[dl] -= scale;
  }
}

const F64 = new Float64Array(1);
const F64_WORDS = new Int32Array(F64.buffer);
/** The f64 stored at int-element index i (two words, little-endian, as wasm stores it). */
function f64At(I: I, i: number): number {
  F64_WORDS[0] = I[i];
  F64_WORDS[1] = I[i + 1];
  return F64[0];
}

/**
 * logits[r, 0] −= rowShift[r], logits[r, 1 + j] −= candShift[j] (n = 1 + S; the shifts are f64,
 * stored in the int heap, two words each); mask[r, ·] = 1 except 0 where cand[j] = labels[r].
 */
export function logq_shift_mask_f32(F: Floats, I: I, logits: number, mask: number, rows: number, n: number, rowShift: number, labels: number, cand: number, candShift: number): void {
  for (let r = 0; r < rows; r++) {
    const x = logits + r * n;
    const mk = mask + r * n;
    const y = I[labels + r];
    F[x] -= f64At(I, rowShift + 2 * r);
    F[mk] = 1;
    for (let j = 0; j < n - 1; j++) {
      F[x + 1 + j] -= f64At(I, candShift + 2 * j);
      F[mk + 1 + j] = I[cand + j] === y ? 0 : 1;
    }
  }
}

/**
 * out[j] = ln Q of ids[j] (out: f64 in the int heap, two words each; ids i32): the sampler's
 * expected count after `tries` draws, S of them unique, computed by the loss's own JavaScript.
 */
export function sampler_logq_f64(_F: Floats, I: I, ids: number, out: number, count: number, N: number, tries: number, S: number, kind: number): void {
  const q = logQInto(new Float64Array(count), I.subarray(ids, ids + count), kind as SamplerKindCode, N, tries, S);
  const words = new Int32Array(q.buffer);
  I.set(words, out);
}

/** `count` draws of Rng.uniform from the xoshiro128** state at `state` (four words), advanced in place (out: f64 in the int heap). */
export function rng_uniforms(_F: Floats, I: I, state: number, out: number, count: number): void {
  const rng = new Rng();
  rng.setState(Array.from(I.subarray(state, state + 4), (w) => w >>> 0));
  const U = new Float64Array(count);
  for (let j = 0; j < count; j++) U[j] = rng.uniform();
  I.set(new Int32Array(U.buffer), out);
  I.set(rng.getState(), state);
}

/** out[j] = ⌊n^u[j]⌋ clamped to 1..n−1 (u: f64 in the int heap, two words each; out i32). */
export function log_uniform_draws(_F: Floats, I: I, u: number, out: number, count: number, n: number): void {
  const U = new Float64Array(Int32Array.from(I.subarray(u, u + 2 * count)).buffer);
  for (let j = 0; j < count; j++) I[out + j] = logUniformOf(n, U[j]);
}
