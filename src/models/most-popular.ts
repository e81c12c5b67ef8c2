// MostPopular (THUDM/ComiRec:src/mostpop.py; docs/model-guide.md#retrieval-baselines): the top-N items by training count.
// Item indices are assigned by descending training frequency, so this is simply 1..N — an
// acceptance check of the vocabulary as much as a baseline.
import type { RetrievalBatch, ScoredItems } from './types.js';

export class MostPopular {
  readonly kind = 'MostPopular';
  /** @param items rows of the item table including padding row 0. */
  constructor(readonly items: number) {
    if (!(items >= 2)) throw new Error(`MostPopular: items = ${items}; need ≥ 2 (row 0 is padding)`);
  }

  /** The same list for every user: items 1..min(N, items−1), scored by −rank. */
  rank(batch: RetrievalBatch, topN: number): ScoredItems[] {
    const n = Math.min(topN, this.items - 1);
    const ids = Int32Array.from({ length: n }, (_, i) => i + 1);
    const scores = Float64Array.from({ length: n }, (_, i) => -i);
    return Array.from({ length: batch.B }, () => ({ ids, scores }));
  }

  toString(): string {
    return `MostPopular(items=${this.items})`;
  }
}
