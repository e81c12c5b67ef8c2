// Multi-interest retrieval merge (docs/model-guide.md#multi-interest-retrieval-merge): pool the per-interest top-N lists, sort by
// score descending (ties: lower item id first), keep each id's first occurrence, return the
// first N. Also the brute-force path over a dense [K, Nitems] score matrix (tests, small
// catalogues). Item 0 is padding and is never returned.
import type { ScoredItems, ScoredList } from '../models/types.js';

export type { ScoredItems, ScoredList };


/** Options of the dense (brute-force) path. */
export interface DenseOptions {
  /** Per-interest flag (nonzero = active, e.g. MIND's K′ active capsules); default all active. */
  active?: ArrayLike<number>;
  /** Item ids never returned (history with `filterHistory: true`); removed before the top-N. */
  exclude?: ArrayLike<number>;
}

/** True when (sa, ia) ranks before (sb, ib): higher score, ties lower id. */
function before(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa > sb || (sa === sb && ia < ib);
}

/**
 * The de-duplicated candidate pool of docs/model-guide.md#multi-interest-retrieval-merge before truncation: every (id, score) of every
 * interest list, sorted by score descending (ties lower id first), first occurrence of each id
 * kept, id 0 (padding) dropped. Up to K·N items; the input order of each list is not relied on.
 * @param lists one ranked list per interest
 */
export function candidatePool(lists: readonly ScoredList[]): ScoredItems {
  let total = 0;
  lists.forEach((l, k) => {
    if (l.ids.length !== l.scores.length) {
      throw new Error(`candidatePool: interest ${k}: ids[${l.ids.length}] and ` +
        `scores[${l.scores.length}] differ in length`);
    }
    total += l.ids.length;
  });
  const ids = new Int32Array(total);
  const scores = new Float64Array(total);
  let m = 0;
  lists.forEach((l, k) => {
    for (let j = 0; j < l.ids.length; j++) {
      const id = l.ids[j];
      const s = l.scores[j];
      if (!Number.isInteger(id) || id < 0) {
        throw new Error(`candidatePool: interest ${k} position ${j}: item id ${id}; expected an integer ≥ 0`);
      }
      if (Number.isNaN(s)) throw new Error(`candidatePool: interest ${k} position ${j}: score is NaN`);
      if (id === 0) continue; // padding
      ids[m] = id;
      scores[m++] = s;
    }
  });
  const order = Uint32Array.from({ length: m }, (_, i) => i);
  order.sort((a, b) => (scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : ids[a] - ids[b]));
  const seen = new Set<number>();
  const outIds = new Int32Array(m);
  const outScores = new Float64Array(m);
  let n = 0;
  for (let i = 0; i < m; i++) {
    const id = ids[order[i]];
    if (seen.has(id)) continue;
    seen.add(id);
    outIds[n] = id;
    outScores[n++] = scores[order[i]];
  }
  return { ids: outIds.slice(0, n), scores: outScores.slice(0, n) };
}

/**
 * Merge per-interest top-N lists into the user's top-N (docs/model-guide.md#multi-interest-retrieval-merge). When each list is its
 * interest's exact top-N (same tie rule), the result is exactly the top-N of
 * score(i) = max_k ⟨e_i, v_k⟩ over the catalogue.
 * @param lists one ranked list per active interest
 * @param n how many items to return (fewer when the pool is smaller)
 */
export function mergeInterests(lists: readonly ScoredList[], n: number): ScoredItems {
  checkCount('mergeInterests', n);
  const pool = candidatePool(lists);
  return { ids: pool.ids.slice(0, n), scores: pool.scores.slice(0, n) };
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${op}: N = ${n}; expected an integer ≥ 0`);
}

/**
 * Bounded selection of the best `n` of a stream of (id, score): a binary heap with the worst
 * kept item at the root, O(len · log n). Returns the kept items best first.
 */
class TopN {
  readonly ids: Int32Array;
  readonly scores: Float64Array;
  size = 0;
  constructor(readonly n: number) {
    this.ids = new Int32Array(n);
    this.scores = new Float64Array(n);
  }
  /** Offer one candidate. */
  push(id: number, s: number): void {
    const { ids, scores } = this;
    if (this.size < this.n) {
      let i = this.size++;
      while (i > 0) { // sift up while the parent is better (the root must be the worst)
        const p = (i - 1) >> 1;
        if (!before(scores[p], ids[p], s, id)) break;
        ids[i] = ids[p];
        scores[i] = scores[p];
        i = p;
      }
      ids[i] = id;
      scores[i] = s;
    } else if (this.n > 0 && before(s, id, scores[0], ids[0])) {
      let i = 0;
      for (;;) { // sift down: move the worse child up while it is worse than the newcomer
        const l = 2 * i + 1;
        if (l >= this.n) break;
        const r = l + 1;
        const w = r < this.n && before(scores[l], ids[l], scores[r], ids[r]) ? r : l;
        if (!before(s, id, scores[w], ids[w])) break;
        ids[i] = ids[w];
        scores[i] = scores[w];
        i = w;
      }
      ids[i] = id;
      scores[i] = s;
    }
  }
  /** Kept items, best first. */
  sorted(): ScoredItems {
    const order = Uint32Array.from({ length: this.size }, (_, i) => i);
    const { ids, scores } = this;
    order.sort((a, b) => (before(scores[a], ids[a], scores[b], ids[b]) ? -1 : 1));
    return { ids: Int32Array.from(order, (i) => ids[i]), scores: Float64Array.from(order, (i) => scores[i]) };
  }
}

function denseShape(op: string, scores: ArrayLike<number>, k: number, options: DenseOptions) {
  if (!Number.isInteger(k) || k < 1 || scores.length % k !== 0) {
    throw new Error(`${op}: scores[${scores.length}] is not [K=${k}, Nitems]; expected length K·Nitems`);
  }
  const items = scores.length / k;
  const { active, exclude } = options;
  if (active !== undefined && active.length !== k) {
    throw new Error(`${op}: active[${active.length}] does not match K=${k}`);
  }
  const skip = new Uint8Array(items);
  skip[0] = 1; // padding
  if (exclude !== undefined) for (let j = 0; j < exclude.length; j++) if (exclude[j] < items) skip[exclude[j]] = 1;
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      throw new Error(`${op}: interest ${Math.floor(i / items)} item ${i % items}: score is NaN`);
    }
  }
  return { items, skip, isActive: (row: number) => active === undefined || active[row] !== 0 };
}

/**
 * Each active interest's exact top-N over items 1..Nitems−1 (ties lower id first): what the
 * engine's GEMM + top-k produces, in pure TS. Column 0 (padding) and `exclude` are skipped.
 * @param scores dense [K, Nitems] row-major scores ⟨e_i, v_k⟩
 * @param k number of interests K (rows)
 * @param n list length per interest
 * @param options active interests and excluded items
 * @returns one list per active interest, in row order
 */
export function topNPerInterest(
  scores: ArrayLike<number>, k: number, n: number, options: DenseOptions = {},
): ScoredItems[] {
  checkCount('topNPerInterest', n);
  const { items, skip, isActive } = denseShape('topNPerInterest', scores, k, options);
  const lists: ScoredItems[] = [];
  for (let row = 0; row < k; row++) {
    if (!isActive(row)) continue;
    const top = new TopN(n);
    for (let i = 1; i < items; i++) if (!skip[i]) top.push(i, scores[row * items + i]);
    lists.push(top.sorted());
  }
  return lists;
}

/**
 * Brute-force merged top-N: the N best items by max over active interests of the dense
 * scores (ties lower id first), padding column 0 and `exclude` skipped. The reference the
 * list merge is tested against; also the serving path for small catalogues.
 * @param scores dense [K, Nitems] row-major scores
 * @param k number of interests K (rows)
 * @param n how many items to return
 * @param options active interests and excluded items
 */
export function mergeDense(
  scores: ArrayLike<number>, k: number, n: number, options: DenseOptions = {},
): ScoredItems {
  checkCount('mergeDense', n);
  const { items, skip, isActive } = denseShape('mergeDense', scores, k, options);
  const rows = Array.from({ length: k }, (_, r) => r).filter(isActive);
  const top = new TopN(n);
  if (rows.length === 0) return top.sorted();
  for (let i = 1; i < items; i++) {
    if (skip[i]) continue;
    let best = -Infinity;
    for (const row of rows) best = Math.max(best, scores[row * items + i]);
    top.push(i, best);
  }
  return top.sorted();
}
