// Tag-profile metrics of docs/protocols.md#tag-metrics: AUC (ties count one half, O(n log n) via ranks),
// GAUC (row-weighted over users, one-class users skipped), Precision@K / Recall@K of ranked tag
// profiles against ground-truth tag sets, and vocabulary coverage of the top-10 profiles.
// Undefined cases (one class only, no qualifying user, no user) are NaN, never a thrown error.
// topTags ranks a model's tag scores; it lives with the tag-model interface that serves profiles.
export { topTags } from '../models/tag-model.js';

/**
 * Mann–Whitney sum of positive ranks over order[start..end), which is sorted by score
 * ascending; tied scores share their average rank, so a tied (pos, neg) pair counts one half.
 */
function aucOfSorted(order: Uint32Array, start: number, end: number,
  scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let pos = 0;
  let rankSum = 0;
  for (let a = start; a < end;) {
    let b = a + 1;
    while (b < end && scores[order[b]] === scores[order[a]]) b++;
    const avgRank = (a - start + 1 + (b - start)) / 2; // mean of 1-based ranks a+1..b
    for (let i = a; i < b; i++) {
      if (labels[order[i]] === 1) {
        pos++;
        rankSum += avgRank;
      }
    }
    a = b;
  }
  const neg = end - start - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Ascending comparison that is safe for ±Infinity (x − y would give NaN for ∞ − ∞). */
function cmp(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function checkRows(op: string, scores: ArrayLike<number>, labels: ArrayLike<number>,
  users?: ArrayLike<number>): void {
  if (scores.length !== labels.length || (users !== undefined && users.length !== scores.length)) {
    throw new Error(`${op}: lengths differ: scores[${scores.length}], labels[${labels.length}]` +
      (users === undefined ? '' : `, users[${users.length}]`) + '; expected one entry per row');
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`${op}: row ${i}: score is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new Error(`${op}: row ${i}: label ${labels[i]}; expected 0 or 1`);
    }
  }
}

/**
 * AUC = P(score of a random positive > score of a random negative), ties counting one half,
 * computed from average ranks in O(n log n).
 * @param scores one score per row
 * @param labels 0 or 1 per row
 * @returns the AUC; NaN when all rows are of one class (or there are none)
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkRows('auc', scores, labels);
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => cmp(scores[a], scores[b]));
  return aucOfSorted(order, 0, order.length, scores, labels);
}

/**
 * GAUC = Σ_u w_u AUC_u / Σ_u w_u with w_u = the user's number of rows; users whose rows are all
 * of one class are skipped. One sort of all rows by (user, score): O(n log n).
 * @param scores one score per row
 * @param labels 0 or 1 per row
 * @param users the user id of each row (rows of a user need not be contiguous)
 * @returns GAUC and the counts of users used and skipped; `gauc` is NaN when no user qualifies
 */
export function gauc(scores: ArrayLike<number>, labels: ArrayLike<number>, users: ArrayLike<number>):
  { gauc: number; users: number; skipped: number } {
  checkRows('gauc', scores, labels, users);
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => cmp(users[a], users[b]) || cmp(scores[a], scores[b]));
  let num = 0;
  let den = 0;
  let used = 0;
  let skipped = 0;
  for (let a = 0; a < order.length;) {
    let b = a + 1;
    while (b < order.length && users[order[b]] === users[order[a]]) b++;
    const value = aucOfSorted(order, a, b, scores, labels);
    if (Number.isNaN(value)) {
      skipped++;
    } else {
      num += (b - a) * value;
      den += b - a;
      used++;
    }
    a = b;
  }
  return { gauc: den > 0 ? num / den : NaN, users: used, skipped };
}

/**
 * Precision@K = |top-K ∩ GT| / K and Recall@K = |top-K ∩ GT| / |GT| for one user's ranked
 * profile. Throws on an empty GT: such users are skipped (docs/protocols.md#tag-metrics), see
 * {@link TagProfileAccumulator}.
 * @param profile tags ranked best first (the whole vocabulary, or at least K)
 * @param truth the user's ground-truth tags (GT_ctr or GT_cvr), repeats ignored
 * @param k the cutoff K
 */
export function precisionRecallAtK<T>(profile: ArrayLike<T>, truth: Iterable<T> | ArrayLike<T>, k: number):
  { precision: number; recall: number } {
  const gt = new Set<T>(Array.from(truth as ArrayLike<T>));
  if (gt.size === 0) throw new Error('precisionRecallAtK: ground truth is empty; skip this user');
  if (!Number.isInteger(k) || k < 1) throw new Error(`precisionRecallAtK: K = ${k}; expected an integer ≥ 1`);
  const seen = new Set<T>();
  let hits = 0;
  for (let r = 0; r < Math.min(k, profile.length); r++) {
    const t = profile[r];
    if (!seen.has(t) && gt.has(t)) hits++;
    seen.add(t);
  }
  return { precision: hits / k, recall: hits / gt.size };
}

/**
 * Coverage = distinct tags in all top-K profiles / vocabulary size (K = 10 in docs/protocols.md#tag-metrics).
 * @param profiles ranked profiles, one per user
 * @param vocabularySize number of real tags (padding excluded)
 * @param k profile cutoff, default 10
 */
export function coverage<T>(profiles: Iterable<ArrayLike<T>>, vocabularySize: number, k = 10): number {
  const tags = new Set<T>();
  for (const p of profiles) for (let r = 0; r < Math.min(k, p.length); r++) tags.add(p[r]);
  return tags.size / vocabularySize;
}

/** Options of {@link TagProfileAccumulator}. */
export interface TagProfileOptions {
  /** Cutoffs K. Default [1, 3, 5, 10]. */
  ks?: readonly number[];
  /** Real tags in the vocabulary (padding excluded); enables coverage. */
  vocabularySize?: number;
  /** Profile cutoff for coverage. Default 10. */
  coverageK?: number;
}

/** Averaged Precision@K / Recall@K over users with a non-empty GT, plus coverage. */
export interface TagProfileReport {
  /** Users with a non-empty GT (the averaging denominator). */
  users: number;
  /** Users skipped for an empty GT (their profiles still count for coverage). */
  skipped: number;
  /** One row per K, ascending; NaN when no user counted. */
  rows: { k: number; precision: number; recall: number }[];
  /** Coverage, or `undefined` without `vocabularySize`. */
  coverage: number | undefined;
}

/**
 * Averages Precision@K and Recall@K of tag profiles over users (empty-GT users skipped) and
 * tracks coverage of the top-`coverageK` profiles. For per-group figures (docs/protocols.md#tag-metrics), feed one
 * accumulator per tag group with the profile and GT restricted to that group.
 */
export class TagProfileAccumulator<T = number> {
  /** Cutoffs, ascending. */
  readonly ks: readonly number[];
  private readonly sums: Float64Array; // [ks.length, 2]
  private readonly covered = new Set<T>();
  private counted = 0;
  private skippedUsers = 0;

  /** @param options cutoffs, vocabulary size and coverage cutoff */
  constructor(private readonly options: TagProfileOptions = {}) {
    this.ks = [...new Set(options.ks ?? [1, 3, 5, 10])].sort((a, b) => a - b);
    this.sums = new Float64Array(this.ks.length * 2);
  }

  /**
   * Add one user.
   * @param profile tags ranked best first
   * @param truth ground-truth tags; an empty GT skips the user for P/R
   */
  add(profile: ArrayLike<T>, truth: Iterable<T> | ArrayLike<T>): void {
    const cov = this.options.coverageK ?? 10;
    for (let r = 0; r < Math.min(cov, profile.length); r++) this.covered.add(profile[r]);
    const gt = Array.from(truth as ArrayLike<T>);
    if (gt.length === 0) {
      this.skippedUsers++;
      return;
    }
    this.ks.forEach((k, i) => {
      const { precision, recall } = precisionRecallAtK(profile, gt, k);
      this.sums[2 * i] += precision;
      this.sums[2 * i + 1] += recall;
    });
    this.counted++;
  }

  /** Averages so far. */
  result(): TagProfileReport {
    const u = this.counted;
    const v = this.options.vocabularySize;
    return {
      users: u,
      skipped: this.skippedUsers,
      rows: this.ks.map((k, i) => ({ k, precision: this.sums[2 * i] / u, recall: this.sums[2 * i + 1] / u })),
      coverage: v === undefined ? undefined : this.covered.size / v,
    };
  }
}
