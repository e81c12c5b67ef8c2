// The §1.4 test procedure: for every evaluation case, the serving-mode top-N over the whole
// catalogue (merged across interests), scored against the ground-truth list with Recall,
// HitRate, NDCG (standard and ComiRec-compatible) and Diversity at N ∈ {20, 50}.
import type { EvalCases } from '../data/protocol.js';
import { casesBatch } from '../data/protocol.js';
import { engine } from '../engine/load.js';
import { RetrievalAccumulator, type RetrievalReport } from '../eval/retrieval-accumulator.js';
import type { CategoryLookup } from '../eval/categories.js';
import type { RetrievalModel } from '../models/types.js';
import { retrieve, type Ranker } from '../serve/retrieve.js';

export interface EvaluateOptions {
  /** Cutoffs (default [20, 50]). */
  ns?: number[];
  /** Item index → category, for Diversity@N. */
  categories?: CategoryLookup;
  /** Remove history items before ranking (a labelled variant; default false). */
  filterHistory?: boolean;
  /** Users per retrieval call (default 256). */
  batchSize?: number;
}

/** Metrics of `model` on `cases`, averaged over users (a user without a hit counts 0). */
export function evaluateRetrieval(model: RetrievalModel | Ranker, cases: EvalCases, opts: EvaluateOptions = {}): RetrievalReport {
  const ns = opts.ns ?? [20, 50];
  const acc = new RetrievalAccumulator({ ns, categories: opts.categories });
  const topN = Math.max(...ns);
  const step = opts.batchSize ?? 256;
  const e = engine();
  for (let start = 0; start < cases.B; start += step) {
    const batch = casesBatch(cases, start, step);
    const lists = retrieve(model, batch, { topN, filterHistory: opts.filterHistory });
    lists.forEach((l, i) => acc.add(l.ids, cases.truth[start + i]));
    e.heap.resetArena();
  }
  return acc.result();
}

/** Recall@N of a report (throws if N was not evaluated). */
export function recallAt(report: RetrievalReport, n: number): number {
  const row = report.rows.find((r) => r.n === n);
  if (!row) throw new Error(`evaluate: N=${n} was not evaluated (have ${report.rows.map((r) => r.n).join(', ')})`);
  return row.recall;
}
