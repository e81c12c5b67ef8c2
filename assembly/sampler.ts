// Negative-sampler kernels: log-uniform ids from uniforms, and ln Q (TensorFlow's expected count)
// of candidate ids for the sampled softmax, in float64 with the deterministic math of det-math.ts
// and det-pow.ts, so the results have the bits of the JavaScript (Rng.logUniform; expectedCount
// and probabilityOf of engine/det-sampler.ts). Every element is independent, so a call splits
// between threads by ranges. C ABI: byte offsets and integers in.
import { detExpm1, detLog, detLog1p } from './det-math';
import { detPowPos } from './det-pow';

/** Sampler kinds, as the `kind` argument: log-uniform over 1..N−1, TF's log-uniform, uniform. */
const LOG_UNIFORM = 0;
const TF_LOG_UNIFORM = 1;

/**
 * out[j] = ln E[count of ids[j]] for j < count (out f64, ids i32): with P the sampler's
 * probability over 1..N−1, E = S·P when every one of the `tries` draws was new (tries = S), else
 * 1 − (1 − P)^tries = −expm1(tries · log1p(−P)). kind 0: P(k) = (ln(k+1) − ln k) / ln N;
 * 1: (ln(k+2) − ln(k+1)) / (ln(N+1) − ln 2); 2: 1 / (N − 1).
 */
export function sampler_logq_f64(ids: usize, out: usize, count: i32, N: i32, tries: i32, S: i32, kind: i32): void {
  const den: f64 = kind == LOG_UNIFORM ? detLog(<f64>N) : kind == TF_LOG_UNIFORM ? detLog(<f64>N + 1) - detLog(2) : 0;
  const dt = <f64>tries;
  for (let j = 0; j < count; j++) {
    const k = <f64>load<i32>(ids + ((<usize>j) << 2));
    let p: f64;
    if (kind == LOG_UNIFORM) p = (detLog(k + 1) - detLog(k)) / den;
    else if (kind == TF_LOG_UNIFORM) p = (detLog(k + 2) - detLog(k + 1)) / den;
    else p = 1 / (<f64>N - 1);
    const e = tries == S ? <f64>S * p : -detExpm1(dt * detLog1p(-p));
    store<f64>(out + ((<usize>j) << 3), detLog(e));
  }
}

/**
 * Log-uniform draws over 1..n−1 from uniforms: out[j] = ⌊n^u[j]⌋ clamped to [1, n−1] (u f64 in
 * [0, 1), out i32), Rng.logUniform's formula with detPow's bits. n >= 2. The uniforms come from the
 * caller's generator in order, so the stream is the one the JavaScript sampler consumes.
 */
export function log_uniform_draws(u: usize, out: usize, count: i32, n: i32): void {
  const dn = <f64>n;
  const top = dn - 1;
  for (let j = 0; j < count; j++) {
    const y = load<f64>(u + ((<usize>j) << 3));
    const k = Math.floor(y == 0 ? 1 : detPowPos(dn, y));
    store<i32>(out + ((<usize>j) << 2), <i32>(k > top ? top : k < 1 ? 1 : k));
  }
}

/**
 * `count` draws of Rng.uniform into out (f64), from the xoshiro128** state at `state` (four u32),
 * which is advanced in place: each double takes two 32-bit outputs, the high 27 and 26 bits, as
 * in engine/random.ts, so the stream and the final state are the JavaScript generator's bits.
 */
export function rng_uniforms(state: usize, out: usize, count: i32): void {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  for (let j = 0; j < count; j++) {
    let r = rotl<u32>(s1 * 5, 7) * 9;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const a = r >>> 5;
    r = rotl<u32>(s1 * 5, 7) * 9;
    t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
    const b = r >>> 6;
    store<f64>(out + ((<usize>j) << 3), (<f64>a * 67108864 + <f64>b) / 9007199254740992);
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}
