// One user of the planted-interest generator (docs/protocols.md#synthetic-data): planted clusters and
// weights, length, affinities, profile fields, then the sticky Markov sequence with noise and its
// conversions. Shared by the in-memory generator and the streaming writer, so both draw exactly
// the same sequence from the same seed.
import type { Rng } from '../engine/random.js';
import { detExp, detPow } from '../engine/det-math.js';

/** The generator parameters a user's draw reads (SyntheticConfig has them all). */
export interface UserParams {
  clusters: number;
  itemsPerCluster: number;
  zipfItem: number;
  zipfCluster: number;
  kMax: number;
  minWeight: number;
  minLength: number;
  maxLength: number;
  stickiness: number;
  noise: number;
  repeats: boolean;
  beta0: number;
  beta1: number;
}

/** Cumulative Zipf weights rank^−s for ranks 1..n. */
export function zipfCdf(n: number, s: number): Float64Array {
  const c = new Float64Array(n);
  let acc = 0;
  for (let r = 1; r <= n; r++) { acc += detPow(r, -s); c[r - 1] = acc; }
  return c;
}

/** Index of the first cdf entry above u·total (binary search). */
export function drawCdf(rng: Rng, cdf: Float64Array): number {
  const x = rng.uniform() * cdf[cdf.length - 1];
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] > x) hi = mid; else lo = mid + 1; }
  return lo;
}

/** What every user's draw needs: the config, the cluster prior and the in-cluster popularity. */
export interface UserContext {
  cfg: UserParams;
  prior: Float64Array;
  itemCdf: Float64Array;
  seen: Set<number>;
}

/** One user's draw; the arrays hold `n` valid entries (buffers reused across users). */
export interface UserDraw {
  items: Int32Array;
  latent: Int32Array;
  converted: Uint8Array;
  n: number;
  planted: Int32Array;
  weights: Float64Array;
  affinity: Float64Array;
  segment: number;
  activity: number;
  region: number;
}

export function userContext(cfg: UserParams): UserContext {
  const prior = zipfCdf(cfg.clusters, cfg.zipfCluster).map((v, i, a) => (i === 0 ? v : v - a[i - 1])); // rank^−s
  return { cfg, prior, itemCdf: zipfCdf(cfg.itemsPerCluster, cfg.zipfItem), seen: new Set() };
}

/** Draw the next user from `userRng` into `out` (internal item indices; `cluster` maps item → cluster). */
export function drawUser(userRng: Rng, ctx: UserContext, out: UserDraw, cluster: Int32Array | ((j: number) => number)): void {
  const { cfg, prior, itemCdf, seen } = ctx;
  const C = cfg.clusters, M = cfg.itemsPerCluster, N = C * M;
  const clusterOf = typeof cluster === 'function' ? cluster : (j: number) => cluster[j];
  const k = Math.min(C, 1 + userRng.int(cfg.kMax));
  const w = Float64Array.from(prior);
  const P = new Int32Array(k);
  for (let i = 0; i < k; i++) { P[i] = userRng.weighted(w); w[P[i]] = 0; }
  const cuts = Array.from({ length: k - 1 }, () => userRng.uniform()).sort((x, y) => x - y);
  const pi = new Float64Array(k);
  let prev = 0, sum = 0;
  for (let i = 0; i < k; i++) { const next = i < k - 1 ? cuts[i] : 1; pi[i] = Math.max(next - prev, cfg.minWeight); prev = next; sum += pi[i]; }
  for (let i = 0; i < k; i++) pi[i] /= sum;
  const n = cfg.minLength + userRng.int(cfg.maxLength - cfg.minLength + 1);
  const aff = new Float64Array(C).fill(-2);
  for (let i = 0; i < k; i++) aff[P[i]] = userRng.normal();
  let dom = 0;
  for (let i = 1; i < k; i++) if (pi[i] > pi[dom]) dom = i;
  out.segment = userRng.uniform() < 0.5 ? P[dom] : userRng.int(C);
  let act = 0;
  for (let m = n; m >= 2; m = Math.floor(m / 2)) act++;
  out.activity = act; // ⌊log2 n⌋
  out.region = userRng.int(10);
  out.planted = P; out.weights = pi; out.affinity = aff;
  seen.clear();
  let z = P[userRng.weighted(pi)];
  for (let t = 0; t < n; t++) {
    if (t > 0 && !(userRng.uniform() < cfg.stickiness)) z = P[userRng.weighted(pi)];
    const drawItem = () => (userRng.uniform() < cfg.noise ? userRng.int(N) : z * M + drawCdf(userRng, itemCdf));
    let item = drawItem();
    if (!cfg.repeats) for (let r = 0; r < 20 && seen.has(item); r++) item = drawItem();
    seen.add(item);
    const p = 1 / (1 + detExp(-(cfg.beta0 + cfg.beta1 * aff[clusterOf(item)])));
    out.converted[t] = userRng.uniform() < p ? 1 : 0;
    out.latent[t] = z;
    out.items[t] = item;
  }
  out.n = n;
}
