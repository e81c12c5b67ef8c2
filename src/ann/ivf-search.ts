// The IVF search core shared by the in-memory index, the partitioned (fetch-on-demand) index and
// the shards: probe (GEMM of the query rows against the centroids + top-nprobe per row), score
// each interest against the lists it probed (GEMM for f32 rows, score_i8_nt / score_f16_nt for
// compact rows), a top-k per interest, optional exact re-rank from float32 rows, and the per-user
// finish: history removal, merge by max over interests or the controllable aggregation.
import type { Engine } from '../engine/engine.js';
import type { CategoryLookup } from '../eval/categories.js';
import { mergeInterests, type ScoredItems } from '../eval/merge.js';
import { controllableAggregate } from '../eval/aggregate.js';
import type { HeapRows } from './assign.js';
import { ptrAt, type Ptr } from '../engine/abi/index.js';

/** How list rows are stored: float32, IEEE float16, or int8 with one float32 scale per row. */
export type IvfStorage = 'f32' | 'f16' | 'int8';
export const IVF_STORAGES: readonly IvfStorage[] = ['f32', 'f16', 'int8'];

/** Items per panel of the compact layouts (assembly/quant.ts): lists start on a panel. */
export const PANEL = 8;
export const padRows = (n: number): number => Math.ceil(n / PANEL) * PANEL;

/** One inverted list in engine memory. */
export interface ResidentList {
  /** Item ids of the list, in stored order. */
  ids: Int32Array;
  /** Byte pointer of the rows: f32 [n, D] row-major, or compact panels (padRows(n) items). */
  values: Ptr;
  /** Byte pointer of the per-row f32 scales (int8), else 0. */
  scales: Ptr;
}

/** Per-search options of every IVF index. */
export interface IvfSearchOptions {
  /** List length N per user (default 10). */
  topN?: number;
  /** Lists probed by each active interest (default: the index's nprobe; capped at the list count). */
  nprobe?: number;
  /** Item ids never returned, one array per user (e.g. their history with filterHistory). */
  exclude?: readonly ArrayLike<number>[];
  /** Controllable aggregation over the candidates: λ and item id → category. */
  diversity?: { lambda: number; categories: CategoryLookup };
  /**
   * Re-score this many candidates per interest (≥ topN) from exact float32 rows before the
   * top-N; needs rows (the model's item table) given to the index. 0 (default) = off.
   */
  rerank?: number;
}

/** Top-p lists per query row: Int32Array [R, p] (best first, ties to the lower list). */
export function probeLists(e: Engine, q: Ptr, R: number, D: number, centroids: Ptr, L: number, p: number): Int32Array {
  const h = e.heap;
  const mark = h.mark();
  try {
    const S = h.scratch(R * L * 4); // [R, L]
    const idx = h.scratch(R * p * 4); // [R, p] i32
    const val = h.scratch(R * p * 4);
    e.k.gemm_f32_nt(R, L, D, 1, q, D, centroids, D, 0, S, L);
    e.k.topk_rows_f32(S, R, L, p, idx, val, -1);
    return h.i32.slice(idx >>> 2, (idx >>> 2) + R * p);
  } finally {
    h.release(mark);
  }
}

/**
 * Each query row's top-k over the items of its probed lists (scores as stored: exact for f32,
 * approximate for compact rows), ids and float64 scores best first, ties to the earlier
 * stored position. `exclude` ids are dropped after scoring (k should include room for them).
 */
export function scoreProbed(
  e: Engine, q: Ptr, R: number, D: number, probes: Int32Array, p: number,
  list: (l: number) => ResidentList, storage: IvfStorage, k: number,
): ScoredItems[] {
  const h = e.heap;
  const out: ScoredItems[] = [];
  let maxLen = 0;
  for (let r = 0; r < R; r++) {
    let len = 0;
    for (let j = 0; j < p; j++) len += list(probes[r * p + j]).ids.length;
    maxLen = Math.max(maxLen, len);
  }
  const mark = h.mark();
  try {
    const S = h.scratch(Math.max(1, maxLen) * 4); // [len] one interest's scores
    const kk = Math.max(1, Math.min(k, maxLen));
    const idx = h.scratch(kk * 4);
    const val = h.scratch(kk * 4);
    const segStart = new Int32Array(p + 1);
    const lists: ResidentList[] = new Array(p);
    for (let r = 0; r < R; r++) {
      const qr = ptrAt(q, r * D * 4);
      let len = 0;
      for (let j = 0; j < p; j++) {
        const L = (lists[j] = list(probes[r * p + j]));
        const n = L.ids.length;
        segStart[j] = len;
        if (n > 0) {
          if (storage === 'f32') e.k.gemm_f32_nt(1, n, D, 1, qr, D, L.values, D, 0, ptrAt(S, len * 4), n); // [1, n]
          else if (storage === 'int8') e.k.score_i8_nt(1, n, D, qr, D, L.values, L.scales, ptrAt(S, len * 4), n);
          else e.k.score_f16_nt(1, n, D, qr, D, L.values, ptrAt(S, len * 4), n);
        }
        len += n;
      }
      segStart[p] = len;
      const kr = Math.min(k, len);
      if (kr <= 0) {
        out.push({ ids: new Int32Array(0), scores: new Float64Array(0) });
        continue;
      }
      e.k.topk_rows_f32(S, 1, len, kr, idx, val, -1);
      const I = h.i32, F = h.floats;
      const ids = new Int32Array(kr);
      const scores = new Float64Array(kr);
      let m = 0;
      for (let t = 0; t < kr; t++) {
        const c = I[(idx >>> 2) + t];
        if (c < 0) break; // -Infinity / NaN rows are never returned
        let j = 0;
        while (segStart[j + 1] <= c) j++;
        ids[m] = lists[j].ids[c - segStart[j]];
        scores[m++] = F[(val >>> 2) + t];
      }
      out.push({ ids: ids.subarray(0, m), scores: scores.subarray(0, m) });
    }
    return out;
  } finally {
    h.release(mark);
  }
}

/** Re-score one interest's candidates from exact f32 rows (by item id) and sort best first. */
export function rerankExact(e: Engine, q: Ptr, D: number, cand: ScoredItems, rows: HeapRows): ScoredItems {
  const n = cand.ids.length;
  if (n === 0) return cand;
  const h = e.heap;
  const mark = h.mark();
  try {
    const ids = h.scratch(n * 4);
    const X = h.scratch(n * D * 4); // [n, D]
    const s = h.scratch(n * 4);
    h.i32.set(cand.ids, ids >>> 2);
    e.k.gather_rows_f32(rows.ptr, rows.rows, ids, X, n, D);
    e.k.gemm_f32_nt(1, n, D, 1, q, D, X, D, 0, s, n); // [1, n]
    const F = h.floats;
    const sc = Float64Array.from({ length: n }, (_, i) => F[(s >>> 2) + i]);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => sc[b] - sc[a] || cand.ids[a] - cand.ids[b]);
    return { ids: Int32Array.from(order, (i) => cand.ids[i]), scores: Float64Array.from(order, (i) => sc[i]) };
  } finally {
    h.release(mark);
  }
}

/** Drop excluded ids and keep the first n of a best-first list. */
export function withoutIds(l: ScoredItems, exclude: ReadonlySet<number> | null, n: number): ScoredItems {
  if (!exclude || exclude.size === 0) return l.ids.length <= n ? l : { ids: l.ids.subarray(0, n), scores: l.scores.subarray(0, n) };
  const ids: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < l.ids.length && ids.length < n; i++) {
    if (exclude.has(l.ids[i])) continue;
    ids.push(l.ids[i]);
    scores.push(l.scores[i]);
  }
  return { ids: Int32Array.from(ids), scores: Float64Array.from(scores) };
}

/** A user's final list from its per-interest lists: merge by max, or the diversity aggregation. */
export function finishUser(lists: readonly ScoredItems[], n: number, diversity?: IvfSearchOptions['diversity']): ScoredItems {
  return diversity ? controllableAggregate(lists, { n, ...diversity }) : mergeRanked(lists, n);
}

/** True when (sa, ia) ranks before (sb, ib): higher score, ties lower id. */
const before = (sa: number, ia: number, sb: number, ib: number): boolean => sa > sb || (sa === sb && ia < ib);

/**
 * mergeInterests (score descending, ties lower id, each id once at its best score, id 0 never)
 * for lists already ranked best first, as the IVF search returns them: a K-way merge of the list
 * heads that stops at n items instead of sorting the whole pool (the sort was a fifth of a 100k
 * query). Runs of equal scores inside one list are put in id order first, so the result is
 * mergeInterests' exactly; a list that is not ranked falls back to it.
 */
export function mergeRanked(lists: readonly ScoredItems[], n: number): ScoredItems {
  if (!Number.isInteger(n) || n < 0) return mergeInterests(lists, n); // its error
  const K = lists.length;
  const heads = new Int32Array(K);
  const ranked: ScoredItems[] = [];
  for (const l of lists) {
    let tie = false;
    if (l.ids.length !== l.scores.length) return mergeInterests(lists, n);
    for (let i = 0; i < l.ids.length; i++) {
      // Unranked, NaN or a negative id: the general path (and its errors).
      if (Number.isNaN(l.scores[i]) || l.ids[i] < 0 || (i > 0 && !(l.scores[i - 1] >= l.scores[i]))) return mergeInterests(lists, n);
      if (i > 0 && l.scores[i - 1] === l.scores[i] && l.ids[i - 1] > l.ids[i]) tie = true;
    }
    if (!tie) { ranked.push(l); continue; }
    const order = Array.from(l.ids, (_, i) => i).sort((a, b) => (before(l.scores[a], l.ids[a], l.scores[b], l.ids[b]) ? -1 : 1));
    ranked.push({ ids: Int32Array.from(order, (i) => l.ids[i]), scores: Float64Array.from(order, (i) => l.scores[i]) });
  }
  const ids = new Int32Array(n), scores = new Float64Array(n);
  const seen = new Set<number>();
  let m = 0;
  while (m < n) {
    let best = -1;
    for (let k = 0; k < K; k++) {
      const h = heads[k], l = ranked[k];
      if (h >= l.ids.length) continue;
      if (best < 0 || before(l.scores[h], l.ids[h], ranked[best].scores[heads[best]], ranked[best].ids[heads[best]])) best = k;
    }
    if (best < 0) break;
    const l = ranked[best], id = l.ids[heads[best]], s = l.scores[heads[best]++];
    if (id === 0 || seen.has(id)) continue;
    seen.add(id);
    ids[m] = id;
    scores[m++] = s;
  }
  return { ids: ids.slice(0, m), scores: scores.slice(0, m) };
}

/**
 * Merge several shards' per-interest lists of one user (same interests, disjoint items): per
 * interest the best n over all shards (score descending, ties to the lower id), then the usual
 * finish. Equals one index over the union when every shard probes with the same centroids.
 */
export function mergeShardInterests(perShard: readonly (readonly ScoredItems[])[], n: number, diversity?: IvfSearchOptions['diversity']): ScoredItems {
  const R = perShard.length ? perShard[0].length : 0;
  for (const s of perShard) if (s.length !== R) throw new Error(`mergeShardInterests: shards returned ${s.length} and ${R} interest lists`);
  const lists: ScoredItems[] = [];
  for (let r = 0; r < R; r++) {
    const ids: number[] = [];
    const scores: number[] = [];
    for (const s of perShard) for (let i = 0; i < s[r].ids.length; i++) { ids.push(s[r].ids[i]); scores.push(s[r].scores[i]); }
    const order = ids.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || ids[a] - ids[b]).slice(0, n);
    lists.push({ ids: Int32Array.from(order, (i) => ids[i]), scores: Float64Array.from(order, (i) => scores[i]) });
  }
  return finishUser(lists, n, diversity);
}
