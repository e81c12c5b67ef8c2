// A clustered synthetic item table and matching interest vectors, for tests, benchmarks and the
// examples: C cluster centres ~ N(0, 1/D) per dimension (norm ≈ 1), items = a centre + N(0, σ²/D)
// noise with a per-item norm scale in [0.75, 1.25] (inner-product search must cope with norms),
// queries = a random centre + the same noise. Row 0 is the zero padding row. Deterministic.
import { Rng } from '../engine/random.js';

export interface ClusteredOptions {
  /** Rows including the padding row 0. */
  rows: number;
  /** Dimension D. */
  dim: number;
  /** Number of clusters (default max(1, rows / 1000)). */
  clusters?: number;
  /** Noise norm relative to the centres (default 0.5). */
  noise?: number;
  /** Seed (default 1). */
  seed?: number;
}

/** Centres [C, D] of a clustered table: what both the table and the queries are drawn around. */
export function clusterCentres(opts: ClusteredOptions): Float32Array {
  const C = opts.clusters ?? Math.max(1, Math.floor(opts.rows / 1000));
  const rng = new Rng(opts.seed ?? 1);
  const s = 1 / Math.sqrt(opts.dim);
  return Float32Array.from({ length: C * opts.dim }, () => rng.normal(0, s));
}

/**
 * Rows lo..hi−1 of the table into `out` [(hi − lo)·D] (the whole table: lo = 0, hi = rows). Each
 * row depends only on its index and the seed, so a large table can be written in slices.
 */
export function clusteredRows(opts: ClusteredOptions, centres: Float32Array, lo: number, hi: number, out: Float32Array | Float64Array = new Float32Array((hi - lo) * opts.dim)): Float32Array | Float64Array {
  const D = opts.dim;
  const C = centres.length / D;
  const s = (opts.noise ?? 0.5) / Math.sqrt(D);
  for (let i = lo; i < hi; i++) {
    const o = (i - lo) * D;
    if (i === 0) { out.fill(0, o, o + D); continue; }
    const rng = new Rng((opts.seed ?? 1) * 0x9e3779b1 + i);
    const c = rng.int(C) * D;
    const scale = 0.75 + 0.5 * rng.uniform();
    for (let t = 0; t < D; t++) out[o + t] = scale * (centres[c + t] + rng.normal(0, s));
  }
  return out;
}

/** `count` interest vectors [count, D] near random centres (seeded apart from the table). */
export function clusteredQueries(opts: ClusteredOptions, centres: Float32Array, count: number, seed = 7): Float32Array {
  const D = opts.dim;
  const C = centres.length / D;
  const s = (opts.noise ?? 0.5) / Math.sqrt(D);
  const rng = new Rng(seed);
  const out = new Float32Array(count * D);
  for (let r = 0; r < count; r++) {
    const c = rng.int(C) * D;
    for (let t = 0; t < D; t++) out[r * D + t] = centres[c + t] + rng.normal(0, s);
  }
  return out;
}

/** The clustered table as a row source for the streaming builder (rows generated on demand). */
export function clusteredSource(opts: ClusteredOptions, centres: Float32Array): { name: string; rows: number; dim: number; read(lo: number, hi: number, out: Float32Array): void } {
  return { name: `clustered ${opts.rows}x${opts.dim}`, rows: opts.rows, dim: opts.dim, read: (lo, hi, out) => void clusteredRows(opts, centres, lo, hi, out) };
}
