// The controllable-aggregation experiment of docs/protocols.md#aggregation-sweep: one checkpoint, the test users,
// the greedy aggregation of docs/model-guide.md#controllable-aggregation at N = 50 for λ ∈ {0, 0.05, …, 0.25}; Recall@50 and
// Diversity@50 per λ, the median top-1 score (λ is on the raw score scale), and the four "right
// shape" checks of docs/protocols.md#aggregation-sweep (recall non-increasing within 0.05 points, diversity non-decreasing, the
// first step the largest diversity gain, recall at the last λ ≥ 90 % of recall at λ = 0).
import type { EvalCases } from '../data/protocol.js';
import { casesBatch } from '../data/protocol.js';
import { engine } from '../engine/current.js';
import type { CategoryLookup } from '../eval/categories.js';
import type { RetrievalReport } from '../eval/retrieval-accumulator.js';
import type { RetrievalModel } from '../models/types.js';
import { retrieve } from '../serve/retrieve.js';
import { evaluateRetrieval } from './evaluate.js';

export const SWEEP_LAMBDAS = [0, 0.05, 0.1, 0.15, 0.2, 0.25];

export interface SweepRow {
  lambda: number;
  report: RetrievalReport;
  /** Recall@N and Diversity@N of this λ (fractions). */
  recall: number;
  diversity: number;
}

export interface DiversitySweep {
  n: number;
  rows: SweepRow[];
  /** Median over the test users of the best item's raw score (plain merge). */
  medianTop1: number;
  /** docs/protocols.md#aggregation-sweep shape checks, each true when it holds. */
  shape: { recallNonIncreasing: boolean; diversityNonDecreasing: boolean; firstStepLargestGain: boolean; recallKept90: boolean };
}

/** Run the docs/protocols.md#aggregation-sweep sweep of `model` on `cases` with item categories (item index → category). */
export function diversitySweep(model: RetrievalModel, cases: EvalCases, categories: CategoryLookup, opts: { lambdas?: number[]; n?: number } = {}): DiversitySweep {
  const n = opts.n ?? 50;
  const lambdas = opts.lambdas ?? SWEEP_LAMBDAS;
  const rows = lambdas.map((lambda): SweepRow => {
    const report = evaluateRetrieval(model, cases, { ns: [n], categories, diversity: lambda });
    const row = report.rows.find((r) => r.n === n)!;
    return { lambda, report, recall: row.recall, diversity: row.diversity ?? NaN };
  });
  const top1: number[] = [];
  for (let start = 0; start < cases.B; start += 256) {
    engine().step(() => {
      for (const l of retrieve(model, casesBatch(cases, start, 256), { topN: 1 })) if (l.scores.length) top1.push(l.scores[0]);
    });
  }
  top1.sort((a, b) => a - b);
  const medianTop1 = top1.length ? (top1[(top1.length - 1) >> 1] + top1[top1.length >> 1]) / 2 : NaN;
  const gains = rows.slice(1).map((r, i) => r.diversity - rows[i].diversity);
  const shape = {
    recallNonIncreasing: rows.every((r, i) => i === 0 || r.recall <= rows[i - 1].recall + 0.0005),
    diversityNonDecreasing: gains.every((g) => g >= 0),
    firstStepLargestGain: gains.length > 0 && gains.every((g) => g <= gains[0]),
    recallKept90: rows[rows.length - 1].recall >= 0.9 * rows[0].recall,
  };
  return { n, rows, medianTop1, shape };
}
