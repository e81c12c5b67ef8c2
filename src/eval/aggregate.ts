// Controllable aggregation (docs/model-guide.md#controllable-aggregation, ComiRec eqs. 12–13): greedily pick N items from the
// merged candidate pool maximising f(u,i) − λ·count[cate(i)], trading accuracy for category
// diversity. Follows `THUDM/ComiRec:src/train.py` (`coef`), except that uncategorised items are
// singleton categories unless `uncategorised: 'drop'` (the official behaviour).
import { type CategoryLookup, denseCategories } from './categories.js';
import { candidatePool, type ScoredItems, type ScoredList } from './merge.js';

/** Options of {@link aggregatePool} and {@link controllableAggregate}. */
export interface AggregateOptions {
  /** How many items to return (fewer when the pool is smaller). */
  n: number;
  /** Diversity weight λ ≥ 0, on the scale of raw inner products; 0 reproduces the merge. */
  lambda: number;
  /** Item → category. */
  categories: CategoryLookup;
  /**
   * Items without a category: `'singleton'` (default) makes each its own category, never
   * penalised; `'drop'` removes them from the pool, as the official code does.
   */
  uncategorised?: 'singleton' | 'drop';
  /**
   * Stop scanning the pool once f(u,i) ≤ the best adjusted score so far (valid because the
   * pool is score-sorted and λ·count ≥ 0). Default true; same result either way.
   */
  earlyExit?: boolean;
}

/**
 * Greedy controllable aggregation over a score-sorted, de-duplicated pool:
 *
 *     repeat N times: pick i in pool maximising f(u,i) − λ·count[cate(i)] (ties: earlier in
 *     pool); append i; count[cate(i)] += 1; remove i from pool
 *
 * @param pool the output of {@link candidatePool} (score descending, ties lower id, distinct)
 * @param options N, λ, categories, uncategorised handling, early exit
 * @returns the picked items in pick order with their raw scores f(u,i)
 */
export function aggregatePool(pool: ScoredList, options: AggregateOptions): ScoredItems {
  const { n, lambda, categories } = options;
  if (!Number.isInteger(n) || n < 0) throw new Error(`aggregatePool: N = ${n}; expected an integer ≥ 0`);
  if (!(lambda >= 0)) throw new Error(`aggregatePool: lambda = ${lambda}; expected a number ≥ 0`);
  const m = pool.ids.length;
  if (pool.scores.length !== m) {
    throw new Error(`aggregatePool: pool ids[${m}] and scores[${pool.scores.length}] differ in length`);
  }
  for (let j = 1; j < m; j++) {
    if (!(pool.scores[j] <= pool.scores[j - 1])) {
      throw new Error(`aggregatePool: pool is not score-sorted at position ${j}; pass candidatePool(lists)`);
    }
  }
  const cate = denseCategories(pool.ids, categories).index; // −1 = uncategorised
  const drop = options.uncategorised === 'drop';
  const earlyExit = options.earlyExit ?? true;
  // Singleton categories need no counter: their count is 0 until picked, and picking removes
  // the only member. So only categorised items are ever penalised.
  const count = new Float64Array(m);
  const taken = new Uint8Array(m);
  if (drop) for (let j = 0; j < m; j++) if (cate[j] < 0) taken[j] = 1;
  const outIds = new Int32Array(Math.min(n, m));
  const outScores = new Float64Array(outIds.length);
  let picked = 0;
  let start = 0; // pool[0 .. start) is all taken
  while (picked < outIds.length) {
    while (start < m && taken[start]) start++;
    if (start === m) break;
    let bestJ = -1;
    let best = -Infinity;
    for (let j = start; j < m; j++) {
      if (taken[j]) continue;
      const f = pool.scores[j];
      if (earlyExit && bestJ >= 0 && f <= best) break; // every later item has f ≤ this f
      const c = cate[j];
      // count 0 → no penalty; avoids 0·∞ = NaN when λ = ∞.
      const adjusted = c >= 0 && count[c] > 0 ? f - lambda * count[c] : f;
      if (bestJ < 0 || adjusted > best) {
        bestJ = j;
        best = adjusted;
      }
    }
    taken[bestJ] = 1;
    if (cate[bestJ] >= 0) count[cate[bestJ]]++;
    outIds[picked] = pool.ids[bestJ];
    outScores[picked++] = pool.scores[bestJ];
  }
  return { ids: outIds.slice(0, picked), scores: outScores.slice(0, picked) };
}

/**
 * Controllable aggregation from per-interest top-N lists: builds the merged, de-duplicated
 * pool of docs/model-guide.md#multi-interest-retrieval-merge before truncation (up to K·N items) and runs {@link aggregatePool}.
 * With λ = 0 (and no dropped items) the result equals `mergeInterests(lists, n)`.
 * @param lists one ranked list per active interest (each its interest's top-N)
 * @param options N, λ, categories, uncategorised handling, early exit
 */
export function controllableAggregate(lists: readonly ScoredList[], options: AggregateOptions): ScoredItems {
  return aggregatePool(candidatePool(lists), options);
}
