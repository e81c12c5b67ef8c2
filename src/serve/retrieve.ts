// Exact multi-interest retrieval for a batch of users (docs/model-guide.md#multi-interest-retrieval-merge, docs/protocols.md#test-procedure).
// Float32 tables: the active serving query vectors go through the fused score + top-k kernel
// (item tiles scored into a cache-sized buffer and scanned at once, history excluded inside,
// threads take whole query rows), so no [rows, items] score matrix is ever written. Compact
// (int8 / f16) tables (compact.ts): blocks of items are scored, each block's per-row top-N comes
// from the top-k kernel and is merged into a running top-N. Padding row 0 is never returned; the
// per-interest lists are merged by max score with de-duplication, or aggregated for diversity
// (docs/model-guide.md#controllable-aggregation).
import type { RetrievalBatch, RetrievalModel } from '../models/types.js';
import type { Engine } from '../engine/engine.js';
import { empty, type Tensor } from '../tensor.js';
import { noGrad } from '../autograd/tape.js';
import { mergeInterests, type ScoredItems, type ScoredList } from '../eval/merge.js';
import { controllableAggregate } from '../eval/aggregate.js';
import type { CategoryLookup } from '../eval/categories.js';
import { PANEL_ITEMS, type CompactItemTable } from './compact.js';
import { ptrAt, type Ptr } from '../engine/abi/index.js';

export interface RetrieveOptions {
  /** List length N. */
  topN: number;
  /** Remove each user's history items before the per-interest top-N (default false, paper protocol). */
  filterHistory?: boolean;
  /** Controllable aggregation (docs/model-guide.md#controllable-aggregation): λ on the scale of raw scores, item index → category. */
  diversity?: { lambda: number; categories: CategoryLookup };
  /** Cap on score-buffer floats per call (default 16 M ≈ 64 MB): query rows are processed in chunks. */
  maxScores?: number;
  /** Items per scoring block (compact tables: default 65,536; float32: caps the fused kernel's tile, default 256). */
  itemBlock?: number;
  /** Score from this compact copy of the model's item table instead of the float32 table. */
  table?: CompactItemTable;
}

/** Top-N items per user of `batch`, best first (item indices, never 0). */
export function retrieve(model: RetrievalModel, batch: RetrievalBatch, opts: RetrieveOptions): ScoredItems[] {
  if (!Number.isInteger(opts.topN) || opts.topN < 0) throw new Error(`retrieve: topN = ${opts.topN}; expected an integer ≥ 0`);
  const E = model.itemTable();
  const e = E.engine;
  const [N, D] = E.shape;
  const n = Math.min(opts.topN, N - 1);
  const compact = opts.table;
  if (compact && (compact.rows !== N || compact.dim !== D || compact.engine !== e)) {
    throw new Error(`retrieve: compact table [${compact.rows},${compact.dim}] was not built from this item table [${E.shape}] on this engine`);
  }
  return noGrad(() => {
    const q = model.queries(batch);
    const [B, Q, D2] = q.vectors.shape;
    if (D2 !== D || B !== batch.B) throw new Error(`retrieve: queries [${q.vectors.shape}] do not fit the batch (B ${batch.B}) and item table [${E.shape}]`);
    // Only active interests are scored (MIND's K′ ≤ K capsules).
    const owner: number[] = [];
    for (let r = 0; r < B * Q; r++) if (q.active[r]) owner.push(r);
    const R = owner.length;
    const best = new TopRows(R, n);
    if (R > 0 && n > 0 && !compact) fusedTopN(e, E, q.vectors, owner, n, batch, Q, best, opts);
    else if (R > 0 && n > 0 && compact) {
      let NB = Math.min(N - 1, Math.max(1, Math.floor(opts.itemBlock ?? 65_536)));
      // Compact blocks start at item 0 (a panel boundary; padding is skipped by the top-k instead).
      NB = NB >= N - 1 ? N : Math.max(PANEL_ITEMS, NB - (NB % PANEL_ITEMS));
      const RC = Math.max(1, Math.min(R, Math.floor((opts.maxScores ?? 1 << 24) / NB)));
      const kb = Math.min(n, NB);
      const qc = empty([RC, D], 'f32', e);
      const S = empty([RC, NB], 'f32', e);
      const bIdx = empty([RC, kb], 'i32', e);
      const bVal = empty([RC, kb], 'f32', e);
      const cols = opts.filterHistory ? empty([RC, batch.T], 'i32', e) : null;
      const counts = opts.filterHistory ? empty([RC], 'i32', e) : null;
      for (let r0 = 0; r0 < R; r0 += RC) {
        const rows = Math.min(RC, R - r0);
        copyRows(q.vectors, owner, r0, rows, qc);
        for (let i0 = 0; i0 < N; i0 += NB) {
          const nb = Math.min(NB, N - i0);
          compact.scoreInto(rows, qc.ptr, D, i0, nb, S.ptr, nb); // [rows, nb]
          if (cols && counts) maskHistory(e, S.ptr, rows, nb, i0, batch, Q, owner, r0, cols, counts);
          const k = Math.min(n, nb);
          e.k.topk_rows_f32(S.ptr, rows, nb, k, bIdx.ptr, bVal.ptr, i0 === 0 ? 0 : -1);
          best.merge(r0, rows, k, bIdx.ids, bVal.data, i0);
        }
      }
    }
    const out: ScoredItems[] = [];
    let r = 0;
    for (let u = 0; u < B; u++) {
      const lists: ScoredList[] = [];
      while (r < R && Math.floor(owner[r] / Q) === u) lists.push(best.list(r++));
      out.push(opts.diversity ? controllableAggregate(lists, { n, ...opts.diversity }) : mergeInterests(lists, n));
    }
    return out;
  });
}

/** Query rows per fused call: 256 users of K = 4 (the split gives each thread whole rows). */
const FUSED_ROWS = 1024;
/** Item tile cap of the fused kernel (it narrows the tile further so [rows, tile] stays in cache). */
const FUSED_TILE = 256;

/** Copy query rows owner[r0 .. r0 + rows) of V [B, Q, D] into qc [rows, D]. */
function copyRows(vectors: Tensor, owner: number[], r0: number, rows: number, qc: Tensor): void {
  const D = qc.shape[1];
  const V = vectors.data; // views re-derived after any allocation
  const dst = qc.data;
  for (let r = 0; r < rows; r++) dst.set(V.subarray(owner[r0 + r] * D, owner[r0 + r] * D + D), r * D);
}

/**
 * Float32 path: each chunk of query rows goes through the fused scoring + top-k kernel over
 * items 1..N−1 (tiles of the item table scored into a cache-sized buffer and scanned at once;
 * threads take whole rows), with history items excluded inside the kernel.
 */
function fusedTopN(e: Engine, E: Tensor, vectors: Tensor, owner: number[], n: number, batch: RetrievalBatch, Q: number, best: TopRows, opts: RetrieveOptions): void {
  const [N, D] = E.shape;
  const R = owner.length;
  const tn = Math.max(8, Math.min(FUSED_TILE, Math.floor(opts.itemBlock ?? FUSED_TILE)));
  const RC = Math.max(1, Math.min(R, FUSED_ROWS, Math.floor((opts.maxScores ?? 1 << 24) / tn)));
  const { T } = batch;
  const filter = opts.filterHistory === true && T > 0;
  const qc = empty([RC, D], 'f32', e);
  const idx = empty([RC, n], 'i32', e);
  const val = empty([RC, n], 'f32', e);
  const buf = empty([RC, tn], 'f32', e);
  const cols = empty([RC, filter ? T : 1], 'i32', e);
  const counts = empty([RC], 'i32', e);
  for (let r0 = 0; r0 < R; r0 += RC) {
    const rows = Math.min(RC, R - r0);
    copyRows(vectors, owner, r0, rows, qc);
    if (filter) {
      const C = cols.ids, K = counts.ids;
      for (let r = 0; r < rows; r++) {
        const u = Math.floor(owner[r0 + r] / Q);
        let c = 0;
        for (let t = 0; t < T; t++) if (batch.mask[u * T + t]) C[r * T + c++] = batch.hist[u * T + t] - 1; // columns start at item 1
        K[r] = c;
      }
    }
    // Item columns start at 1: the padding row is never scored.
    e.k.score_topk_nt_f32(rows, D, qc.ptr, D, ptrAt(E.ptr, D * 4), N - 1, n, idx.ptr, val.ptr, buf.ptr, tn, cols.ptr, counts.ptr, filter ? T : 0); // [rows, n]
    best.merge(r0, rows, n, idx.ids, val.data, 1);
  }
}

/** Per query row, the best n (item, score) so far, sorted by score descending, ties lower item. */
class TopRows {
  private ids: Int32Array;
  private vals: Float64Array;
  private tmpIds: Int32Array;
  private tmpVals: Float64Array;
  private readonly len: Int32Array;

  constructor(rows: number, private readonly n: number) {
    this.ids = new Int32Array(rows * n);
    this.vals = new Float64Array(rows * n);
    this.tmpIds = new Int32Array(n);
    this.tmpVals = new Float64Array(n);
    this.len = new Int32Array(rows);
  }

  /** Merge a block's per-row top-k (local columns + offset; −1 pads) into rows r0.. r0+rows−1. */
  merge(r0: number, rows: number, k: number, idx: Int32Array, val: ArrayLike<number>, offset: number): void {
    const { n, tmpIds, tmpVals } = this;
    for (let r = 0; r < rows; r++) {
      const at = (r0 + r) * n;
      const la = this.len[r0 + r];
      let lb = k;
      while (lb > 0 && idx[r * k + lb - 1] < 0) lb--;
      let a = 0;
      let b = 0;
      let m = 0;
      // Earlier blocks hold lower item indices, so on equal scores the running list wins.
      while (m < n && (a < la || b < lb)) {
        if (b >= lb || (a < la && this.vals[at + a] >= val[r * k + b])) {
          tmpIds[m] = this.ids[at + a];
          tmpVals[m++] = this.vals[at + a++];
        } else {
          tmpIds[m] = idx[r * k + b] + offset;
          tmpVals[m++] = val[r * k + b++];
        }
      }
      this.ids.set(tmpIds.subarray(0, m), at);
      this.vals.set(tmpVals.subarray(0, m), at);
      this.len[r0 + r] = m;
    }
  }

  list(r: number): ScoredList {
    const at = r * this.n;
    return { ids: this.ids.subarray(at, at + this.len[r]), scores: this.vals.subarray(at, at + this.len[r]) };
  }
}

/** Set the scores of each row's history items inside block [i0, i0 + nb) to −Infinity. */
function maskHistory(
  e: Engine, scores: Ptr, rows: number, nb: number, i0: number, batch: RetrievalBatch, Q: number,
  owner: number[], r0: number, cols: Tensor, counts: Tensor,
): void {
  const { T } = batch;
  const C = cols.ids;
  const K = counts.ids;
  for (let r = 0; r < rows; r++) {
    const u = Math.floor(owner[r0 + r] / Q);
    let c = 0;
    for (let t = 0; t < T; t++) if (batch.mask[u * T + t]) C[r * T + c++] = batch.hist[u * T + t] - i0; // outside [0, nb) is ignored
    K[r] = c;
  }
  e.k.mask_cols_f32(scores, rows, nb, cols.ptr, counts.ptr, T, -Infinity);
}
