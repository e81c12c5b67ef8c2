// The library's one seeded random generator: xoshiro128** (Blackman & Vigna) on 32-bit integer
// ops, seeded through splitmix32. Every draw (negatives, routing logits, data order, synthetic
// data) goes through it, and non-uniform draws use det-math, so a seed gives the same stream on
// every runtime. State is four uint32 words (getState/setState) for resumable training.
import { detCos, detLog } from './det-math.js';
import { logUniformOf } from './det-sampler.js';

const TWO_PI = 6.283185307179586;
const TWO32 = 4294967296;

/** splitmix32 step: returns [next state, output]; used for seeding and forking only. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [s, (z ^ (z >>> 15)) >>> 0];
}

function seedState(a: number, b: number): Uint32Array {
  const s = new Uint32Array(4);
  let st = (a ^ Math.imul(b, 0x85ebca6b)) | 0;
  for (let i = 0; i < 4; i++) { const [ns, out] = splitmix32(st); st = ns; s[i] = out; }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
  return s;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units (stable across runtimes; e.g. a user id → seed). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Seeded pseudo-random generator (xoshiro128**). Same seed → same stream on every runtime. */
export class Rng {
  private s: Uint32Array;

  /**
   * @param seed any finite number; integers up to 2^53 are distinct seeds (low and high words
   *   are both mixed in). Non-integers are truncated.
   */
  constructor(seed = 1) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    const t = Math.trunc(Math.abs(seed));
    const lo = t % TWO32, hi = Math.floor(t / TWO32) % TWO32;
    this.s = seedState(lo | 0, (seed < 0 ? ~hi : hi) | 0);
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const s1 = s[1];
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    const s3 = s[3];
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (two 32-bit draws). */
  uniform(): number {
    const a = this.nextU32() >>> 5, b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Unbiased integer in 0..n−1 (1 <= n <= 2^53, rejection sampling). */
  int(n: number): number {
    if (!(n >= 1) || n > 9007199254740992 || Math.floor(n) !== n) throw new Error(`Rng.int: n must be an integer in 1..2^53, got ${n}`);
    if (n <= TWO32) {
      const reject = TWO32 % n; // values below this would bias the modulo
      for (;;) { const r = this.nextU32(); if (r >= reject) return r % n; }
    }
    const reject = 9007199254740992 % n;
    for (;;) {
      const v = (this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6); // 53 bits
      if (v >= reject) return v % n;
    }
  }

  /** Standard normal (or N(mean, std²)) by Box–Muller with det-math; consumes two uniforms. */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // (0, 1], keeps log finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * detLog(u1)) * detCos(TWO_PI * u2);
  }

  /** Normal redrawn until within 2 standard deviations (TF truncated_normal semantics). */
  truncatedNormal(mean = 0, std = 1): number {
    for (;;) { const z = this.normal(); if (z >= -2 && z <= 2) return mean + std * z; }
  }

  /**
   * Log-uniform index over 1..n−1 (docs/model-guide.md#sampled-softmax): k = ⌊n^u⌋, u ~ U[0,1), clamped to n−1,
   * so P(k) = ln((k+1)/k) / ln n. Requires n >= 2.
   */
  logUniform(n: number): number {
    if (!(n >= 2)) throw new Error(`Rng.logUniform: n must be >= 2 (indices 1..n-1), got ${n}`);
    return logUniformOf(n, this.uniform());
  }

  /** Bernoulli draw: true with probability p. */
  bernoulli(p: number): boolean { return this.uniform() < p; }

  /** In-place Fisher–Yates shuffle; returns the same array. */
  shuffle<T, A extends { length: number; [i: number]: T }>(a: A): A {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  /** A uniformly chosen element of a non-empty array. */
  choice<T>(a: ArrayLike<T>): T {
    if (a.length === 0) throw new Error('Rng.choice: empty array');
    return a[this.int(a.length)];
  }

  /** Index drawn with probability proportional to non-negative weights (linear scan). */
  weighted(weights: ArrayLike<number>, total?: number): number {
    let sum = total ?? 0;
    if (total === undefined) for (let i = 0; i < weights.length; i++) sum += weights[i];
    if (!(sum > 0)) throw new Error('Rng.weighted: weights must have a positive sum');
    let r = this.uniform() * sum;
    for (let i = 0; i < weights.length; i++) { r -= weights[i]; if (r < 0) return i; }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i; // round-off
    return 0;
  }

  /** The four state words, for checkpoints. */
  getState(): number[] { return Array.from(this.s); }

  /** Restore a state saved by getState (four uint32 words, not all zero). */
  setState(state: ArrayLike<number>): void {
    if (state.length !== 4) throw new Error(`Rng.setState: expected 4 uint32 words, got ${state.length}`);
    const s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      const v = state[i];
      if (!Number.isInteger(v) || v < 0 || v >= TWO32) throw new Error(`Rng.setState: word ${i} = ${v} is not a uint32`);
      s[i] = v;
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new Error('Rng.setState: the all-zero state is invalid');
    this.s = s;
  }

  /**
   * An independent generator derived from the current state and `stream`, without advancing
   * this one: fork(k) called twice at the same point gives the same child; different k give
   * unrelated streams.
   */
  fork(stream = 0): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    let st = (Math.imul(stream | 0, 0x9e3779b9) ^ 0x5bd1e995) | 0;
    const s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      const [ns, out] = splitmix32(st ^ this.s[i]);
      st = ns ^ out;
      s[i] = out;
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    child.s = s;
    return child;
  }

  toString(): string { return `Rng(xoshiro128**, state=[${this.getState().join(', ')}])`; }
}
