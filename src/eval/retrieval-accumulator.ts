// Averaging of the docs/protocols.md#retrieval-metrics retrieval metrics over users, at several N from one ranked
// list per user (length max N), in a single pass per user. Users without a hit count 0
// (docs/protocols.md#test-procedure). Also the leave-one-out accumulator of docs/protocols.md#leave-one-out. Per-metric definitions and doc quotes
// live in retrieval-metrics.ts.
import { type CategoryKey, type CategoryLookup, categoryOf } from './categories.js';
import { checkN, discount, type RecallNumerator } from './retrieval-metrics.js';

/** The docs/protocols.md#test-procedure metrics of one cutoff N (per user, or averaged over users). */
export interface RetrievalAtN {
  /** The cutoff N. */
  n: number;
  /** Recall@N with the accumulator's numerator. */
  recall: number;
  /** HitRate@N. */
  hitRate: number;
  /** Standard NDCG@N. */
  ndcg: number;
  /** ComiRec-compatible NDCG@N (IDCG over the number of hits); label it so when reporting. */
  ndcgComiRec: number;
  /** Diversity@N; `undefined` when the accumulator has no category lookup. */
  diversity: number | undefined;
}

/** Averages over all added users. */
export interface RetrievalReport {
  /** Number of users added. */
  users: number;
  /** The Recall numerator in use. */
  recallNumerator: RecallNumerator;
  /** One row per N, ascending. All NaN when no user was added. */
  rows: RetrievalAtN[];
}

/** Options of {@link RetrievalAccumulator}. */
export interface RetrievalAccumulatorOptions {
  /** Cutoffs, any order, de-duplicated. Default [20, 50] (docs/protocols.md#test-procedure). */
  ns?: readonly number[];
  /** Recall numerator. Default 'occurrences' (the paper tables' counting). */
  recallNumerator?: RecallNumerator;
  /** Item → category, enables Diversity@N. Uncategorised items are singleton categories. */
  categories?: CategoryLookup;
}

const METRICS = 5; // recall, hitRate, ndcg, ndcgComiRec, diversity

/** Cumulative discounts: ideal[h] = Σ_{r<h} 1/log₂(r+2), grown on demand. */
let ideal = new Float64Array([0]);
function idealDcg(h: number): number {
  if (h >= ideal.length) {
    const next = new Float64Array(Math.max(h + 1, ideal.length * 2));
    next.set(ideal);
    for (let i = ideal.length; i < next.length; i++) next[i] = next[i - 1] + discount(i - 1);
    ideal = next;
  }
  return ideal[h];
}

/**
 * Averages Recall, HitRate, NDCG (standard and ComiRec-compatible) and Diversity over users at
 * several N. `add` takes one ranked list of distinct items per user (best first, length ≥ max N
 * unless the catalogue or pool is smaller) and the user's ground-truth list (repeats kept).
 */
export class RetrievalAccumulator {
  /** Cutoffs, ascending. */
  readonly ns: readonly number[];
  /** Recall numerator in use. */
  readonly recallNumerator: RecallNumerator;
  private readonly cate: ((item: number) => CategoryKey | undefined) | undefined;
  private readonly sums: Float64Array; // [ns.length, METRICS]
  private count = 0;

  /** @param options cutoffs, Recall numerator and optional category lookup */
  constructor(options: RetrievalAccumulatorOptions = {}) {
    const ns = [...new Set(options.ns ?? [20, 50])].sort((a, b) => a - b);
    if (ns.length === 0) throw new Error('RetrievalAccumulator: ns is empty; pass e.g. [20, 50]');
    for (const n of ns) checkN('RetrievalAccumulator', n);
    this.ns = ns;
    this.recallNumerator = options.recallNumerator ?? 'occurrences';
    this.cate = options.categories === undefined ? undefined : categoryOf(options.categories);
    this.sums = new Float64Array(ns.length * METRICS);
  }

  /** Number of users added so far. */
  get users(): number {
    return this.count;
  }

  /**
   * Add one user.
   * @param ranked the user's ranked list of distinct item ids, best first
   * @param truth the ground-truth list G (repeats kept, ≥ 1 item)
   * @returns the user's own metrics, one row per N
   */
  add(ranked: ArrayLike<number>, truth: ArrayLike<number>): RetrievalAtN[] {
    if (truth.length === 0) {
      throw new Error(`RetrievalAccumulator.add: user ${this.count}: ground truth is empty; ` +
        'every evaluated user needs ≥ 1 held-out item');
    }
    const occ = new Map<number, number>(); // item → occurrences in G
    for (let j = 0; j < truth.length; j++) occ.set(truth[j], (occ.get(truth[j]) ?? 0) + 1);
    const ns = this.ns;
    const len = Math.min(ranked.length, ns[ns.length - 1]);
    const seen = new Set<number>();
    const perCate = new Map<CategoryKey, number>();
    const rows: RetrievalAtN[] = [];
    let occHits = 0;
    let hits = 0;
    let dcg = 0;
    let samePairs = 0;
    let k = 0;
    const snapshot = (prefix: number) => {
      while (k < ns.length && Math.min(ns[k], len) === prefix) {
        const idcg = idealDcg(Math.min(occ.size, ns[k]));
        const pairs = (prefix * (prefix - 1)) / 2;
        const row: RetrievalAtN = {
          n: ns[k],
          recall: (this.recallNumerator === 'occurrences' ? occHits : hits) / truth.length,
          hitRate: hits > 0 ? 1 : 0,
          ndcg: dcg / idcg,
          ndcgComiRec: hits > 0 ? dcg / idealDcg(hits) : 0,
          diversity: this.cate === undefined ? undefined : pairs > 0 ? (pairs - samePairs) / pairs : 0,
        };
        rows.push(row);
        k++;
      }
    };
    snapshot(0);
    for (let r = 0; r < len; r++) {
      const item = ranked[r];
      if (seen.has(item)) {
        throw new Error(`RetrievalAccumulator.add: user ${this.count}: ranked list holds item ` +
          `${item} twice (position ${r}); expected distinct items, as the merge returns`);
      }
      seen.add(item);
      const o = occ.get(item);
      if (o !== undefined) {
        occHits += o;
        hits++;
        dcg += discount(r);
      }
      if (this.cate !== undefined) {
        const c = this.cate(item);
        if (c !== undefined) {
          const before = perCate.get(c) ?? 0;
          samePairs += before;
          perCate.set(c, before + 1);
        }
      }
      snapshot(r + 1);
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const s = i * METRICS;
      this.sums[s] += row.recall;
      this.sums[s + 1] += row.hitRate;
      this.sums[s + 2] += row.ndcg;
      this.sums[s + 3] += row.ndcgComiRec;
      this.sums[s + 4] += row.diversity ?? 0;
    }
    this.count++;
    return rows;
  }

  /** Averages over the users added so far (NaN everywhere when none). */
  result(): RetrievalReport {
    const u = this.count;
    const rows = this.ns.map((n, i) => {
      const s = i * METRICS;
      return {
        n,
        recall: this.sums[s] / u,
        hitRate: this.sums[s + 1] / u,
        ndcg: this.sums[s + 2] / u,
        ndcgComiRec: this.sums[s + 3] / u,
        diversity: this.cate === undefined ? undefined : this.sums[s + 4] / u,
      };
    });
    return { users: u, recallNumerator: this.recallNumerator, rows };
  }

  /** The averaged row of cutoff `n` (must be one of `ns`). */
  at(n: number): RetrievalAtN {
    const row = this.result().rows.find((r) => r.n === n);
    if (row === undefined) {
      throw new Error(`RetrievalAccumulator.at: N = ${n} not tracked (ns = [${this.ns.join(', ')}])`);
    }
    return row;
  }

  /** One line per N, percent with three decimals (as ComiRec reports). */
  toString(): string {
    const pct = (x: number | undefined) => (x === undefined ? '—' : (100 * x).toFixed(3));
    const { users, rows } = this.result();
    return rows.map((r) => `@${r.n}: recall ${pct(r.recall)} hitRate ${pct(r.hitRate)} ` +
      `ndcg ${pct(r.ndcg)} ndcgComiRec ${pct(r.ndcgComiRec)} diversity ${pct(r.diversity)}`)
      .join('\n') + `\n(users ${users}, recall counts ${this.recallNumerator})`;
  }
}

/** Leave-one-out averages at one cutoff (docs/protocols.md#leave-one-out). */
export interface LooAtN {
  /** The cutoff N. */
  n: number;
  /** HR@N = mean of 1[y ∈ R]. */
  hitRate: number;
  /** NDCG@N = mean of 1/log₂(rank(y)+2), 0 when missed. */
  ndcg: number;
}

/** Averages leave-one-out HR@N and NDCG@N (one target per user) at several N. */
export class LooAccumulator {
  /** Cutoffs, ascending. */
  readonly ns: readonly number[];
  private readonly sums: Float64Array; // [ns.length, 2]
  private count = 0;

  /** @param ns cutoffs, default [10, 50, 100] (docs/protocols.md#leave-one-out) */
  constructor(ns: readonly number[] = [10, 50, 100]) {
    this.ns = [...new Set(ns)].sort((a, b) => a - b);
    if (this.ns.length === 0) throw new Error('LooAccumulator: ns is empty; pass e.g. [10, 50, 100]');
    for (const n of this.ns) checkN('LooAccumulator', n);
    this.sums = new Float64Array(this.ns.length * 2);
  }

  /** Number of users added so far. */
  get users(): number {
    return this.count;
  }

  /**
   * Add one user: its ranked list (distinct ids, best first, length ≥ max N) and its target.
   * @returns the 0-based rank of the target within the first max N items, or −1
   */
  add(ranked: ArrayLike<number>, target: number): number {
    const len = Math.min(ranked.length, this.ns[this.ns.length - 1]);
    let rank = -1;
    for (let r = 0; r < len && rank < 0; r++) if (ranked[r] === target) rank = r;
    this.ns.forEach((n, i) => {
      if (rank >= 0 && rank < n) {
        this.sums[2 * i] += 1;
        this.sums[2 * i + 1] += discount(rank);
      }
    });
    this.count++;
    return rank;
  }

  /** Averages over the users added so far (NaN when none). */
  result(): { users: number; rows: LooAtN[] } {
    const u = this.count;
    const rows = this.ns.map((n, i) => ({ n, hitRate: this.sums[2 * i] / u, ndcg: this.sums[2 * i + 1] / u }));
    return { users: u, rows };
  }
}
