// Per-user retrieval metrics of docs/protocols.md#retrieval-metrics: Recall, HitRate, NDCG (standard and
// ComiRec-compatible), Diversity and the leave-one-out HR / NDCG. Written to read like the
// definitions; `RetrievalAccumulator` (retrieval-accumulator.ts) computes the same numbers in
// one pass at several N and is tested against these functions.
import { type CategoryLookup, denseCategories } from './categories.js';

/**
 * What the numerator of Recall@N counts (docs/protocols.md#retrieval-metrics):
 * `'occurrences'` (default, the code behind ComiRec's paper tables) counts every ground-truth
 * occurrence found in R; `'distinctHits'` (ComiRec `master` since a3489df) counts distinct
 * recommended items that are in G.
 */
export type RecallNumerator = 'occurrences' | 'distinctHits';

/** 1 / log₂(r + 2): the DCG discount of 0-based position r (internal, shared with the accumulator). */
export function discount(r: number): number {
  return 1 / Math.log2(r + 2);
}

/**
 * The first min(N, len) items of a ranked list as a set; throws on a repeated item because
 * every definition assumes R holds distinct items (the merge guarantees it). Internal.
 */
export function topSet(op: string, ranked: ArrayLike<number>, n: number): Set<number> {
  checkN(op, n);
  const len = Math.min(n, ranked.length);
  const set = new Set<number>();
  for (let r = 0; r < len; r++) {
    if (set.has(ranked[r])) {
      throw new Error(`${op}: ranked list holds item ${ranked[r]} twice (position ${r}); ` +
        'expected distinct items, as the merge returns');
    }
    set.add(ranked[r]);
  }
  return set;
}

/** Throws unless n is a positive integer. Internal. */
export function checkN(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: N = ${n}; expected an integer ≥ 1`);
}

function checkTruth(op: string, truth: ArrayLike<number>): void {
  if (truth.length === 0) {
    throw new Error(`${op}: ground truth is empty; every evaluated user needs ≥ 1 held-out item`);
  }
}

/**
 * Recall@N = #{j : G_j ∈ R} / len(G) — "each occurrence in the ground-truth list counts, above
 * and below the line". With `numerator: 'distinctHits'`: #(R ∩ G*) / len(G).
 * R = the first min(N, len) items of `ranked` (distinct); G = `truth`, repeats kept.
 * Throws on an empty G (recall is undefined there).
 */
export function recallAtN(
  ranked: ArrayLike<number>,
  truth: ArrayLike<number>,
  n: number,
  numerator: RecallNumerator = 'occurrences',
): number {
  checkTruth('recallAtN', truth);
  const r = topSet('recallAtN', ranked, n);
  let hits = 0;
  if (numerator === 'occurrences') {
    for (let j = 0; j < truth.length; j++) if (r.has(truth[j])) hits++;
  } else {
    const g = new Set(Array.from(truth));
    for (const item of r) if (g.has(item)) hits++;
  }
  return hits / truth.length;
}

/** HitRate@N = 1 if R ∩ G* ≠ ∅, else 0. */
export function hitRateAtN(ranked: ArrayLike<number>, truth: ArrayLike<number>, n: number): number {
  checkTruth('hitRateAtN', truth);
  const r = topSet('hitRateAtN', ranked, n);
  for (let j = 0; j < truth.length; j++) if (r.has(truth[j])) return 1;
  return 0;
}

function dcgAndHits(op: string, ranked: ArrayLike<number>, truth: ArrayLike<number>, n: number) {
  checkTruth(op, truth);
  topSet(op, ranked, n);
  const g = new Set(Array.from(truth));
  let dcg = 0;
  let hits = 0;
  const len = Math.min(n, ranked.length);
  for (let r = 0; r < len; r++) {
    if (g.has(ranked[r])) {
      dcg += discount(r);
      hits++;
    }
  }
  return { dcg, hits, distinct: g.size };
}

/**
 * NDCG@N (standard) = DCG / IDCG; DCG = Σ_r 1[R_r ∈ G*] / log₂(r+2);
 * IDCG = Σ_{r < min(#G*, N)} 1 / log₂(r+2). Repeats in G count once.
 */
export function ndcgAtN(ranked: ArrayLike<number>, truth: ArrayLike<number>, n: number): number {
  const { dcg, distinct } = dcgAndHits('ndcgAtN', ranked, truth, n);
  let idcg = 0;
  for (let r = 0; r < Math.min(distinct, n); r++) idcg += discount(r);
  return dcg / idcg;
}

/**
 * NDCG@N, ComiRec-compatible (ComiRec `master`, labelled so in reports; not the paper's NDCG):
 * DCG / Σ_{r < h} 1 / log₂(r+2) with h = #(R ∩ G*); 0 when h = 0. The ideal DCG runs over the
 * number of hits, so this is far above the standard NDCG.
 */
export function ndcgComiRec(ranked: ArrayLike<number>, truth: ArrayLike<number>, n: number): number {
  const { dcg, hits } = dcgAndHits('ndcgComiRec', ranked, truth, n);
  if (hits === 0) return 0;
  let idcg = 0;
  for (let r = 0; r < hits; r++) idcg += discount(r);
  return dcg / idcg;
}

/**
 * Diversity@N = Σ_{i<j} 1[cate(R_i) ≠ cate(R_j)] / (len(R)·(len(R)−1)/2), as ComiRec's
 * `compute_diversity`. An uncategorised item is its own singleton category (differs from every
 * other item). A list of fewer than 2 items has no pairs: returns 0 (ComiRec divides by zero).
 */
export function diversityAtN(ranked: ArrayLike<number>, n: number, categories: CategoryLookup): number {
  topSet('diversityAtN', ranked, n);
  const len = Math.min(n, ranked.length);
  if (len < 2) return 0;
  const { index, count } = denseCategories(Array.prototype.slice.call(ranked, 0, len), categories);
  const perCate = new Float64Array(count);
  let samePairs = 0;
  for (let i = 0; i < len; i++) {
    const c = index[i];
    if (c >= 0) samePairs += perCate[c]++;
  }
  const pairs = (len * (len - 1)) / 2;
  return (pairs - samePairs) / pairs;
}

/** Leave-one-out HR@N = 1[y ∈ R] for the single target y. */
export function looHitRate(ranked: ArrayLike<number>, target: number, n: number): number {
  return looRank('looHitRate', ranked, target, n) >= 0 ? 1 : 0;
}

/** Leave-one-out NDCG@N = 1 / log₂(rank(y)+2) if y ∈ R (rank 0-based), else 0. */
export function looNdcg(ranked: ArrayLike<number>, target: number, n: number): number {
  const r = looRank('looNdcg', ranked, target, n);
  return r >= 0 ? discount(r) : 0;
}

/** 0-based rank of `target` within the first min(N, len) items, or −1. */
function looRank(op: string, ranked: ArrayLike<number>, target: number, n: number): number {
  topSet(op, ranked, n);
  const len = Math.min(n, ranked.length);
  for (let r = 0; r < len; r++) if (ranked[r] === target) return r;
  return -1;
}
