// A 2-D map of an item table (the studio's interest map): principal components of the centred
// rows. The covariance is accumulated block by block with the engine's GEMM kernel (Xcᵀ Xc), its
// top eigenvectors come from deflated power iteration on the small D×D matrix (float64, seeded
// start, so every runtime draws the same map), and the rows are projected with GEMM again.
import { Rng } from '../engine/random.js';
import { empty, type Tensor } from '../tensor.js';
import { gemm } from '../engine/gemm.js';

export interface ProjectionOptions {
  /** Leading rows left out of the fit and given (0, 0) (default 1: the padding row). */
  skipRows?: number;
  /** Components (default 2, at most D). */
  components?: number;
  /** Power-iteration cap per component (default 500). */
  maxIterations?: number;
  /** Stop when the eigenvector moves less than this (1 − |cos|; default 1e-12). */
  tolerance?: number;
  /** Seed of the start vectors (default 1). */
  seed?: number;
  /** Rows per GEMM block (default 16,384), so memory does not grow with the catalogue. */
  block?: number;
}

export interface Projection {
  /** Coordinates of every row [rows · components] (skipped rows 0). */
  coords: Float32Array;
  components: number;
  /** Mean of the fitted rows [D]. */
  mean: Float64Array;
  /** Unit principal axes [components · D], sign fixed so the largest entry is positive. */
  axes: Float64Array;
  /** Variance along each axis (the eigenvalues, descending). */
  variance: number[];
  /** Total variance (trace of the covariance): variance[i] / total is the explained share. */
  totalVariance: number;
  /** Power iterations each component took. */
  iterations: number[];
  /** Coordinates of any D-vector (an interest) on the same axes. */
  project(v: ArrayLike<number>): number[];
}

/** PCA of `table` [N, D] by power iteration; see the file header. */
export function pcaProjection(table: Tensor, opts: ProjectionOptions = {}): Projection {
  if (table.rank !== 2) throw new Error(`pcaProjection: expected a 2-D table, got ${table.describe()}`);
  const [N, D] = table.shape;
  const skip = opts.skipRows ?? 1;
  const P = opts.components ?? 2;
  const n = N - skip;
  if (!(Number.isInteger(skip) && skip >= 0)) throw new Error(`pcaProjection: skipRows ${skip}; expected an integer ≥ 0`);
  if (!(Number.isInteger(P) && P >= 1 && P <= D)) throw new Error(`pcaProjection: components ${P}; expected 1..${D}`);
  if (n < 2) throw new Error(`pcaProjection: ${n} rows to fit after skipping ${skip}; need ≥ 2`);
  const e = table.engine;
  const blockRows = Math.max(1, Math.min(opts.block ?? 16384, n));
  const mark = e.heap.mark();
  try {
    // Mean in float64.
    const mean = new Float64Array(D);
    {
      const X = table.data;
      for (let r = skip; r < N; r++) for (let d = 0; d < D; d++) mean[d] += X[r * D + d];
      for (let d = 0; d < D; d++) mean[d] /= n;
    }
    // C = Xcᵀ Xc / n, accumulated over row blocks of the centred table.
    const C = empty([D, D], 'f32', e);
    const Xc = empty([blockRows, D], 'f32', e);
    C.data.fill(0);
    const centre = (r0: number, rows: number) => {
      const X = table.data, out = Xc.data;
      for (let i = 0; i < rows; i++) for (let d = 0; d < D; d++) out[i * D + d] = X[(r0 + i) * D + d] - mean[d];
    };
    for (let r0 = skip; r0 < N; r0 += blockRows) {
      const rows = Math.min(blockRows, N - r0);
      centre(r0, rows);
      gemm(e, { M: D, N: D, K: rows, alpha: 1 / n, a: Xc.ptr, transA: true, b: Xc.ptr, beta: 1, c: C.ptr }); // C += Xcᵀ Xc / n  [D, D]
    }
    const cov = Float64Array.from(C.data);
    for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) cov[i * D + j] = cov[j * D + i] = (cov[i * D + j] + cov[j * D + i]) / 2;
    let total = 0;
    for (let d = 0; d < D; d++) total += cov[d * D + d];
    const { axes, variance, iterations } = topEigen(cov, D, P, opts.maxIterations ?? 500, opts.tolerance ?? 1e-12, opts.seed ?? 1);
    // Coordinates: Y = Xc Wᵀ per block [rows, P].
    const coords = new Float32Array(N * P);
    const W = empty([P, D], 'f32', e);
    W.data.set(axes);
    const Y = empty([blockRows, P], 'f32', e);
    for (let r0 = skip; r0 < N; r0 += blockRows) {
      const rows = Math.min(blockRows, N - r0);
      centre(r0, rows);
      gemm(e, { M: rows, N: P, K: D, a: Xc.ptr, b: W.ptr, transB: true, c: Y.ptr }); // [rows, P]
      coords.set(Y.data.subarray(0, rows * P), r0 * P);
    }
    const project = (v: ArrayLike<number>): number[] => {
      if (v.length !== D) throw new Error(`pcaProjection.project: vector of ${v.length} values; expected D = ${D}`);
      return Array.from({ length: P }, (_, p) => {
        let s = 0;
        for (let d = 0; d < D; d++) s += (v[d] - mean[d]) * axes[p * D + d];
        return s;
      });
    };
    return { coords, components: P, mean, axes, variance, totalVariance: total, iterations, project };
  } finally {
    e.heap.release(mark);
  }
}

/**
 * The P leading eigenpairs of the symmetric PSD matrix `a` [D, D] by power iteration with
 * deflation (each new vector is kept orthogonal to the ones found). Float64 throughout.
 */
export function topEigen(a: Float64Array, D: number, P: number, maxIterations: number, tolerance: number, seed: number): { axes: Float64Array; variance: number[]; iterations: number[] } {
  const rng = new Rng(seed);
  const axes = new Float64Array(P * D);
  const variance: number[] = [];
  const iterations: number[] = [];
  const v = new Float64Array(D), w = new Float64Array(D);
  const orthonormalise = (x: Float64Array, upto: number): number => {
    for (let q = 0; q < upto; q++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += x[d] * axes[q * D + d];
      for (let d = 0; d < D; d++) x[d] -= dot * axes[q * D + d];
    }
    let norm = 0;
    for (let d = 0; d < D; d++) norm += x[d] * x[d];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < D; d++) x[d] /= norm;
    return norm;
  };
  for (let p = 0; p < P; p++) {
    for (let d = 0; d < D; d++) v[d] = rng.nextU32() / 4294967296 - 0.5;
    orthonormalise(v, p);
    let it = 0, lambda = 0;
    for (; it < maxIterations; ) {
      it++;
      for (let i = 0; i < D; i++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += a[i * D + j] * v[j];
        w[i] = s;
      }
      lambda = orthonormalise(w, p); // ‖A v‖ after removing found directions ≈ λ_p
      if (lambda === 0) break; // rank exhausted: any orthogonal unit vector will do
      let cos = 0;
      for (let d = 0; d < D; d++) cos += w[d] * v[d];
      v.set(w);
      if (1 - Math.abs(cos) < tolerance) break;
    }
    if (lambda === 0) {
      // Fall back to a basis vector orthogonal to the found axes.
      for (let d = 0; d < D && orthonormalise(v.fill(0).fill(1, d, d + 1), p) === 0; d++);
    }
    // Rayleigh quotient for the variance; the sign is fixed by the largest-magnitude entry.
    let rq = 0, big = 0;
    for (let i = 0; i < D; i++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += a[i * D + j] * v[j];
      rq += v[i] * s;
      if (Math.abs(v[i]) > Math.abs(v[big])) big = i;
    }
    const sign = v[big] < 0 ? -1 : 1;
    for (let d = 0; d < D; d++) axes[p * D + d] = sign * v[d];
    variance.push(rq);
    iterations.push(it);
  }
  return { axes, variance, iterations };
}
