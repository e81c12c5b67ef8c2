// The negative sampler's probabilities and TensorFlow expected counts in deterministic float64
// (det-math.ts): the one JavaScript definition of ln Q, used by the sampled-softmax loss and by the
// reference kernel `sampler_logq_f64`; assembly/sampler.ts computes the same bits in wasm.
import { detExpm1, detLog, detLog1p, detPow } from './det-math.js';

/** Sampler kinds as kernels take them: log-uniform over 1..N−1, TF's log-uniform, uniform. */
export const SAMPLER_KIND = { logUniform: 0, tfLogUniform: 1, uniform: 2 } as const;
export type SamplerKindCode = (typeof SAMPLER_KIND)[keyof typeof SAMPLER_KIND];

/** k ↦ P(k) for one catalogue, its denominator computed once (the same operations, the same bits). */
export function probabilityOf(kind: SamplerKindCode, N: number): (k: number) => number {
  if (kind === SAMPLER_KIND.uniform) return () => 1 / (N - 1);
  // TF's log_uniform_candidate_sampler over 0..N−1 (range_max N) with id 0 (padding) rejected: the
  // accepted draws are i.i.d. from P renormalised over 1..N−1, so Q uses that P and the accepted
  // draws only (P(0) = ln 2 / ln(N+1) is far from negligible on small catalogues).
  if (kind === SAMPLER_KIND.tfLogUniform) {
    const den = detLog(N + 1) - detLog(2);
    return (k) => (detLog(k + 2) - detLog(k + 1)) / den;
  }
  const den = detLog(N);
  return (k) => (detLog(k + 1) - detLog(k)) / den;
}

/** TF ExpectedCountHelper: S·P if every draw was new, else 1 − (1 − P)^tries. */
export function expectedCount(p: number, tries: number, S: number): number {
  if (tries === S) return S * p;
  return -detExpm1(tries * detLog1p(-p));
}

/** ln E[count] of each id after `tries` draws of which S were unique: `sampler_logq_f64` in JS. */
export function logQInto(out: Float64Array, ids: ArrayLike<number>, kind: SamplerKindCode, N: number, tries: number, S: number): Float64Array {
  const P = probabilityOf(kind, N);
  for (let j = 0; j < out.length; j++) out[j] = detLog(expectedCount(P(ids[j]), tries, S));
  return out;
}

/** The log-uniform index over 1..n−1 of a uniform u in [0, 1): ⌊n^u⌋ clamped (Rng.logUniform). */
export function logUniformOf(n: number, u: number): number {
  const k = Math.floor(detPow(n, u));
  return k > n - 1 ? n - 1 : k < 1 ? 1 : k;
}
