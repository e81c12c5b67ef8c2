// k-means (Lloyd) for the IVF coarse quantizer, deterministic for a seed: trained on a seeded
// sample of rows (at most `samplePerCentroid`·k), initialised by k-means++ (D² sampling,
// Arthur & Vassilvitskii 2007) or by k distinct random sample rows (Faiss's default), assignment
// as GEMM + argmax in the kernels (assign.ts), centroid means accumulated in float64 in row
// order. An empty cluster takes half of a large one: a cluster is drawn with probability
// ∝ (size − 1), its centroid copied and both copies nudged by ±1/1024 (Faiss's split rule).
import type { Engine } from '../engine/engine.js';
import { Rng } from '../engine/random.js';
import { assignNearest, centroidBias, type HeapRows } from './assign.js';
import type { Ptr } from '../engine/abi/index.js';

export interface KMeansOptions {
  /** Number of centroids k (≥ 1). */
  k: number;
  /** Seed of the sample, the init and the empty-cluster splits (default 1). */
  seed?: number;
  /** Lloyd iterations at most (default 10); stops early when no assignment changes. */
  iterations?: number;
  /** Train on at most this many rows per centroid (default 64), drawn without replacement. */
  samplePerCentroid?: number;
  /** 'kmeans++' (default; D² sampling, k GEMV passes over the sample) or 'random' sample rows. */
  init?: 'kmeans++' | 'random';
  /** Rows below this index are never sampled (1 skips the padding row 0 of an item table). */
  firstRow?: number;
  /**
   * Assignment rule: 'l2' (nearest centroid, default) or 'ip' (largest inner product with the
   * centroid, as Faiss trains an inner-product IVF); means are the update either way.
   */
  metric?: 'l2' | 'ip';
}

export interface KMeansResult {
  /** Centroids [k, D], row-major. */
  centroids: Float32Array;
  /** Rows trained on. */
  sampleRows: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** Empty clusters re-seeded by splitting, summed over iterations. */
  splits: number;
  /** Mean squared distance of the sample to its centroid after the last assignment. */
  meanSquaredError: number;
}

/** k-means over rows firstRow..rows−1 of `x`; see KMeansOptions for the defaults. */
export function kmeans(x: HeapRows, opts: KMeansOptions): KMeansResult {
  const { engine: e, dim: D } = x;
  const { rng, sample } = drawKmeansSample(x.rows, opts);
  const m = sample.length;
  const h = e.heap;
  const X = h.alloc(m * D * 4); // [m, D] the sample, contiguous
  const ids = h.alloc(m * 4);
  try {
    h.i32.set(sample, ids >>> 2);
    e.k.gather_rows_f32(x.ptr, x.rows, ids, X, m, D);
    return lloyd(e, X, m, D, rng, opts);
  } finally {
    h.free(X);
    h.free(ids);
  }
}

/**
 * Check the options and draw the training sample (sorted row indices) of a table of `rows` rows:
 * the first step of kmeans, shared with the streaming builder, which reads the sampled rows itself.
 * The returned generator continues into the init and the splits.
 */
export function drawKmeansSample(rows: number, opts: KMeansOptions): { rng: Rng; sample: Int32Array } {
  const first = opts.firstRow ?? 0;
  const k = opts.k;
  const avail = rows - first;
  if (!Number.isInteger(k) || k < 1) throw new Error(`kmeans: k = ${k}; expected an integer ≥ 1`);
  if (avail < k) throw new Error(`kmeans: ${avail} rows for k = ${k} centroids; need at least k rows`);
  const iters = opts.iterations ?? 10;
  if (!Number.isInteger(iters) || iters < 0) throw new Error(`kmeans: iterations = ${iters}; expected an integer ≥ 0`);
  const per = opts.samplePerCentroid ?? 64;
  if (!(per >= 1)) throw new Error(`kmeans: samplePerCentroid = ${per}; expected ≥ 1`);
  const init = opts.init ?? 'kmeans++';
  if (init !== 'kmeans++' && init !== 'random') throw new Error(`kmeans: init "${init}"; expected 'kmeans++' or 'random'`);
  const rng = new Rng(opts.seed ?? 1);
  const m = Math.min(avail, Math.max(k, Math.floor(per * k)));
  return { rng, sample: sampleRows(rng, first, avail, m) };
}

/** Init and Lloyd iterations on the sample X [m, D] (byte pointer), continuing `rng`. */
export function lloyd(e: Engine, X: Ptr, m: number, D: number, rng: Rng, opts: KMeansOptions): KMeansResult {
  const k = opts.k;
  const iters = opts.iterations ?? 10;
  const h = e.heap;
  const C = h.alloc(k * D * 4); // [k, D]
  const bias = h.alloc(k * 4);
  try {
    const cent = opts.init === 'random' ? randomInit(rng, m, k, D, e, X) : plusPlusInit(rng, m, k, D, e, X);
    const assign = new Int32Array(m);
    const prev = new Int32Array(m).fill(-1);
    let it = 0;
    let splits = 0;
    for (; ; it++) {
      h.floats.set(cent, C >>> 2);
      if (opts.metric === 'ip') h.zero(bias, k);
      else centroidBias(e, C, k, D, bias);
      assignNearest(e, X, m, D, C, k, bias, assign);
      if (it === iters || sameAssignment(assign, prev)) break;
      prev.set(assign);
      splits += updateMeans(e.floats, X >>> 2, m, D, k, assign, cent, rng);
    }
    return { centroids: cent, sampleRows: m, iterations: it, splits, meanSquaredError: mse(e.floats, X >>> 2, m, D, cent, assign) };
  } finally {
    h.free(C);
    h.free(bias);
  }
}

/** m distinct row indices of [first, first + avail), sorted (partial Fisher–Yates when sampling). */
function sampleRows(rng: Rng, first: number, avail: number, m: number): Int32Array {
  const out = new Int32Array(m);
  if (m === avail) {
    for (let i = 0; i < m; i++) out[i] = first + i;
    return out;
  }
  const picked = new Map<number, number>(); // sparse Fisher–Yates: position → swapped-in value
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(avail - i);
    const vj = picked.get(j) ?? j;
    picked.set(j, picked.get(i) ?? i);
    out[i] = first + vj;
  }
  return out.sort();
}

function randomInit(rng: Rng, m: number, k: number, D: number, e: Engine, X: Ptr): Float32Array {
  const rows = sampleRows(rng, 0, m, k);
  const F = e.floats;
  const cent = new Float32Array(k * D);
  for (let j = 0; j < k; j++) cent.set(F.subarray((X >>> 2) + rows[j] * D, (X >>> 2) + rows[j] * D + D), j * D);
  return cent;
}

/** k-means++: each next centroid is a sample row drawn with probability ∝ its D² to the chosen ones. */
function plusPlusInit(rng: Rng, m: number, k: number, D: number, e: Engine, X: Ptr): Float32Array {
  const h = e.heap;
  const cent = new Float32Array(k * D);
  const d2 = new Float64Array(m).fill(Infinity);
  const xn = h.alloc(m * 4);
  const c = h.alloc(D * 4);
  const g = h.alloc(m * 4);
  try {
    e.k.dot_rows_f32(X, X, xn, m, D);
    let pick = rng.int(m);
    for (let j = 0; ; j++) {
      const F = e.floats;
      const row = F.subarray((X >>> 2) + pick * D, (X >>> 2) + pick * D + D);
      cent.set(row, j * D);
      if (j === k - 1) break;
      F.set(row, c >>> 2);
      let cn = 0;
      for (let t = 0; t < D; t++) cn += row[t] * row[t];
      e.k.gemm_f32_nt(1, m, D, 1, c, D, X, D, 0, g, m); // [1, m] = c·Xᵀ
      const G = e.floats;
      let total = 0;
      for (let i = 0; i < m; i++) {
        const d = Math.max(0, G[(xn >>> 2) + i] + cn - 2 * G[(g >>> 2) + i]);
        if (d < d2[i]) d2[i] = d;
        total += d2[i];
      }
      pick = total > 0 ? rng.weighted(d2, total) : rng.int(m); // all points covered: any row
    }
    return cent;
  } finally {
    h.free(xn);
    h.free(c);
    h.free(g);
  }
}

function sameAssignment(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Centroids ← means of their rows (float64, row order); empty ones split a large cluster. */
function updateMeans(F: ArrayLike<number>, x0: number, m: number, D: number, k: number, assign: Int32Array, cent: Float32Array, rng: Rng): number {
  const sum = new Float64Array(k * D);
  const count = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    const j = assign[i];
    count[j]++;
    const o = x0 + i * D;
    for (let t = 0; t < D; t++) sum[j * D + t] += F[o + t];
  }
  for (let j = 0; j < k; j++) if (count[j] > 0) for (let t = 0; t < D; t++) cent[j * D + t] = sum[j * D + t] / count[j];
  let splits = 0;
  for (let j = 0; j < k; j++) {
    if (count[j] > 0) continue;
    // Draw a cluster to split with probability ∝ size − 1 (singletons cannot split).
    let total = 0;
    for (let t = 0; t < k; t++) total += Math.max(0, count[t] - 1);
    if (total <= 0) break; // fewer distinct rows than centroids: leave the rest duplicated
    const w = Float64Array.from(count, (c) => Math.max(0, c - 1));
    const s = rng.weighted(w, total);
    for (let t = 0; t < D; t++) {
      const v = cent[s * D + t];
      const eps = (t % 2 === 0 ? 1 : -1) / 1024;
      cent[j * D + t] = v * (1 + eps);
      cent[s * D + t] = v * (1 - eps);
    }
    count[j] = Math.floor(count[s] / 2);
    count[s] -= count[j];
    splits++;
  }
  return splits;
}

function mse(F: ArrayLike<number>, x0: number, m: number, D: number, cent: Float32Array, assign: Int32Array): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    const j = assign[i];
    for (let t = 0; t < D; t++) {
      const d = F[x0 + i * D + t] - cent[j * D + t];
      s += d * d;
    }
  }
  return m ? s / m : 0;
}
