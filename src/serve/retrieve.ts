// Exact multi-interest retrieval for a batch of users (models.md §1.5): the serving query vectors
// are scored against the whole item table with one GEMM per chunk of users, each interest keeps
// its top-N with the top-k kernel (padding item 0 never returned; history optionally masked),
// and the per-interest lists are merged by max score with de-duplication.
import type { RetrievalBatch, RetrievalModel } from '../models/types.js';
import type { Engine } from '../engine/engine.js';
import { Tensor, empty, idTensor } from '../tensor.js';
import { noGrad } from '../autograd/tape.js';
import { matmul } from '../ops/index.js';
import { mergeInterests, type ScoredItems, type ScoredList } from './merge.js';
import { controllableAggregate } from './aggregate.js';
import type { CategoryLookup } from '../eval/categories.js';

export interface RetrieveOptions {
  /** List length N. */
  topN: number;
  /** Remove each user's history items before the per-interest top-N (default false, paper protocol). */
  filterHistory?: boolean;
  /** Controllable aggregation (models.md §1.6): λ on the scale of raw scores, item index → category. */
  diversity?: { lambda: number; categories: CategoryLookup };
  /** Cap on score-matrix floats per GEMM (default 16 M ≈ 64 MB); users are processed in chunks. */
  maxScores?: number;
}

/** Anything that ranks without vectors (MostPopular). */
export interface Ranker {
  rank(batch: RetrievalBatch, topN: number): ScoredItems[];
}

/** Top-N items per user of `batch`, best first (item indices, never 0). */
export function retrieve(model: RetrievalModel | Ranker, batch: RetrievalBatch, opts: RetrieveOptions): ScoredItems[] {
  if ('rank' in model) return model.rank(batch, opts.topN);
  const E = model.itemTable();
  const e = E.engine;
  const [N] = E.shape;
  const out: ScoredItems[] = [];
  const maxScores = opts.maxScores ?? 1 << 24;
  noGrad(() => {
    const q = model.queries(batch);
    const [B, Q, D] = q.vectors.shape;
    const usersPerChunk = Math.max(1, Math.floor(maxScores / (Q * N)));
    const n = Math.min(opts.topN, N - 1);
    const idx = empty([usersPerChunk * Q, n], 'i32', e);
    const val = empty([usersPerChunk * Q, n], 'f32', e);
    for (let u0 = 0; u0 < B; u0 += usersPerChunk) {
      const U = Math.min(usersPerChunk, B - u0);
      const rows = U * Q;
      const chunk = new Tensor(e, q.vectors.ptr + u0 * Q * D * 4, [rows, D], 'f32', 'arena'); // [U·Q, D]
      const scores = matmul(chunk, E, false, true); // [U·Q, N]
      if (opts.filterHistory) maskHistory(scores.ptr, batch, u0, U, Q, N, e);
      e.k.topk_rows_f32(scores.ptr, rows, N, n, idx.ptr, val.ptr, 0);
      const I = idx.ids;
      const V = val.data;
      for (let u = 0; u < U; u++) {
        const lists: ScoredList[] = [];
        for (let k = 0; k < Q; k++) {
          if (!q.active[(u0 + u) * Q + k]) continue; // inactive interests are never scored
          const r = u * Q + k;
          let len = n;
          while (len > 0 && I[r * n + len - 1] < 0) len--; // -1 pads when fewer candidates remain
          lists.push({ ids: I.subarray(r * n, r * n + len), scores: V.subarray(r * n, r * n + len) });
        }
        out.push(opts.diversity ? controllableAggregate(lists, { n, ...opts.diversity }) : mergeInterests(lists, n));
      }
    }
  });
  return out;
}

function maskHistory(scores: number, batch: RetrievalBatch, u0: number, U: number, Q: number, N: number, e: Engine): void {
  const { T } = batch;
  const cols = idTensor(new Int32Array(U * Q * T), [U * Q * T], e);
  const counts = idTensor(new Int32Array(U * Q), [U * Q], e);
  const C = cols.ids;
  const K = counts.ids;
  for (let u = 0; u < U; u++) {
    for (let k = 0; k < Q; k++) {
      const r = u * Q + k;
      let c = 0;
      for (let t = 0; t < T; t++) if (batch.mask[(u0 + u) * T + t]) C[r * T + c++] = batch.hist[(u0 + u) * T + t];
      K[r] = c;
    }
  }
  e.k.mask_cols_f32(scores, U * Q, N, cols.ptr, counts.ptr, T, -Infinity);
}
