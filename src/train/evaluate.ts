// The docs/protocols.md#test-procedure test procedure: for every evaluation case, the serving-mode top-N over the whole
// catalogue (merged across interests), scored against the ground-truth list with Recall,
// HitRate, NDCG (standard and ComiRec-compatible) and Diversity at N ∈ {20, 50}; and the docs/protocols.md#interest-recovery
// interest-recovery measure on synthetic data (do the interest vectors find the planted clusters?).
import { checkOptions } from '../engine/check-options.js';
import type { EvalCases, SplitDataset } from '../data/protocol.js';
import { casesBatch } from '../data/protocol.js';
import type { SyntheticData } from '../data/synthetic.js';
import { engine } from '../engine/current.js';
import { viewAs } from '../tensor.js';
import { noGrad } from '../autograd/tape.js';
import { RetrievalAccumulator, type RetrievalReport } from '../eval/retrieval-accumulator.js';
import type { CategoryLookup } from '../eval/categories.js';
import type { RetrievalModel } from '../models/types.js';
import { retrieve } from '../serve/retrieve.js';
import { nextTurn } from './event-loop.js';

export interface EvaluateOptions {
  /** Cutoffs (default [20, 50]). */
  ns?: number[];
  /** Item index → category, for Diversity@N. */
  categories?: CategoryLookup;
  /** Remove history items before ranking (a labelled variant; default false). */
  filterHistory?: boolean;
  /** λ of the controllable aggregation (docs/model-guide.md#controllable-aggregation; needs `categories`); absent = plain merge. */
  diversity?: number;
  /** Users per retrieval call (default 256). */
  batchSize?: number;
}

/** The evaluation one batch of users at a time: yields the users scored so far, returns the report. */
function* evaluateBatches(model: RetrievalModel, cases: EvalCases, opts: EvaluateOptions): Generator<number, RetrievalReport> {
  checkOptions('evaluateRetrieval options', opts, { ns: 'array', categories: 'any', filterHistory: 'boolean', diversity: 'any', batchSize: 'integer' });
  const ns = opts.ns ?? [20, 50];
  const acc = new RetrievalAccumulator({ ns, categories: opts.categories });
  const topN = Math.max(...ns);
  if (opts.diversity !== undefined && !opts.categories) throw new Error('evaluateRetrieval: diversity needs categories (item index → category)');
  const diversity = opts.diversity !== undefined ? { lambda: opts.diversity, categories: opts.categories! } : undefined;
  const step = opts.batchSize ?? 256;
  const e = engine();
  for (let start = 0; start < cases.B; start += step) {
    const batch = casesBatch(cases, start, step);
    e.step(() => retrieve(model, batch, { topN, filterHistory: opts.filterHistory, diversity }).forEach((l, i) => acc.add(l.ids, cases.truth[start + i])));
    yield Math.min(start + step, cases.B);
  }
  return acc.result();
}

/** Metrics of `model` on `cases`, averaged over users (a user without a hit counts 0). */
export function evaluateRetrieval(model: RetrievalModel, cases: EvalCases, opts: EvaluateOptions = {}): RetrievalReport {
  const batches = evaluateBatches(model, cases, opts);
  for (;;) {
    const r = batches.next();
    if (r.done) return r.value;
  }
}

/** Options of `evaluateRetrievalAsync`. */
export interface EvaluateAsyncOptions extends EvaluateOptions {
  /** Checked after every batch of users; once `aborted` is set the evaluation stops and returns null. */
  signal?: { readonly aborted: boolean };
  /** Called after every batch with the users scored so far and the total. */
  onBatch?: (done: number, total: number) => void;
}

/**
 * As `evaluateRetrieval`, with one turn of the event loop after every batch of users, so that a
 * signal handler or timer runs during a long test pass (a million-item catalogue takes minutes);
 * the same report, or null when `signal.aborted` stopped it.
 */
export async function evaluateRetrievalAsync(model: RetrievalModel, cases: EvalCases, opts: EvaluateAsyncOptions = {}): Promise<RetrievalReport | null> {
  const { signal, onBatch, ...rest } = opts;
  const batches = evaluateBatches(model, cases, rest);
  for (;;) {
    if (signal?.aborted) return null;
    const r = batches.next();
    if (r.done) return r.value;
    onBatch?.(r.value, cases.B);
    await nextTurn();
  }
}

/** Recall@N of a report (throws if N was not evaluated). */
export function recallAt(report: RetrievalReport, n: number): number {
  const row = report.rows.find((r) => r.n === n);
  if (!row) throw new Error(`evaluate: N=${n} was not evaluated (have ${report.rows.map((r) => r.n).join(', ')})`);
  return row.recall;
}

/** What docs/protocols.md#interest-recovery needs from synthetic data, in the dataset's own indices. */
export interface PlantedTruth {
  /** Vocabulary index → planted cluster (−1 for padding); also a category map for Diversity@N. */
  cluster: Int32Array;
  /** Dataset user index → planted clusters P_u. */
  planted: (user: number) => ArrayLike<number>;
  /** Number of clusters C. */
  clusters: number;
}

/** Map the generator's truth onto a dataset prepared from its events (raw ids join the two). */
export function plantedTruth(synth: SyntheticData, ds: SplitDataset): PlantedTruth {
  const itemCluster = new Map<string, number>();
  synth.items.ids.forEach((raw, i) => itemCluster.set(raw, synth.items.cluster[i]));
  const cluster = new Int32Array(ds.vocab.size).fill(-1);
  for (let i = 1; i < ds.vocab.size; i++) {
    const c = itemCluster.get(ds.vocab.raw(i));
    if (c === undefined) throw new Error(`plantedTruth: item "${ds.vocab.raw(i)}" is not in the synthetic data (was the dataset built from these events?)`);
    cluster[i] = c;
  }
  const userIndex = new Map<string, number>();
  synth.users.ids.forEach((raw, u) => userIndex.set(raw, u));
  const planted = (user: number): Int32Array => {
    const u = userIndex.get(ds.userIds[user]);
    if (u === undefined) throw new Error(`plantedTruth: user "${ds.userIds[user]}" is not in the synthetic data`);
    return synth.truth.planted[u];
  };
  return { cluster, planted, clusters: synth.config.clusters };
}

export interface RecoveryOptions {
  /** Items retrieved per interest vector (default 20). */
  topR?: number;
  /** Share of one cluster for a vector to match it (default 0.6; > 0.5 so at most one match). */
  theta?: number;
  /** Users per forward pass (default 256). */
  batchSize?: number;
}

export interface RecoveryReport {
  users: number;
  /** Mean over users of |planted clusters matched by some vector| / |P_u|. */
  recovery: number;
  /** Mean over all interest vectors of the largest cluster share in its top R. */
  purity: number;
  /** Mean over users with a matching vector of 1 − distinct matched clusters / matching vectors. */
  redundancy: number;
  /** Mean number of interest vectors per user (MIND: active ones). */
  vectorsPerUser: number;
  /** Recovery per |P_u| = 1..kMax (users = 0 where no test user has that many). */
  byPlanted: { planted: number; users: number; recovery: number }[];
}

/**
 * docs/protocols.md#interest-recovery: each serving interest vector (SINE: the K interests, not the aggregate)
 * retrieves its top R items by exact inner product; it matches cluster c when ≥ θ of them lie
 * in c. Recovery counts the planted clusters some vector matches.
 */
export function interestRecovery(model: RetrievalModel, cases: EvalCases, truth: PlantedTruth, opts: RecoveryOptions = {}): RecoveryReport {
  const R = opts.topR ?? 20;
  const theta = opts.theta ?? 0.6;
  const step = opts.batchSize ?? 256;
  const e = engine();
  let recSum = 0, puritySum = 0, vectors = 0, redSum = 0, redUsers = 0;
  const bySize = new Map<number, { users: number; sum: number }>();
  for (let start = 0; start < cases.B; start += step) {
    const batch = casesBatch(cases, start, step);
    const { lists, K } = e.step(() => {
      const q = noGrad(() => model.interests(batch));
      const [B, K, D] = q.vectors.shape;
      if (B !== batch.B) throw new Error(`interestRecovery: ${model.kind} gave ${B} rows of interests for ${batch.B} users`);
      // Every interest vector becomes its own query row, so retrieve returns one list per vector
      // (retrieve only calls itemTable and queries).
      const perVector = {
        itemTable: () => model.itemTable(),
        queries: () => ({ vectors: viewAs(q.vectors, [B * K, 1, D]), active: q.active }),
      } as unknown as RetrievalModel;
      const rows = B * K;
      return { K, lists: retrieve(perVector, { B: rows, T: 1, hist: new Int32Array(rows), mask: new Float32Array(rows), len: new Int32Array(rows).fill(1) }, { topN: R }) };
    });
    for (let b = 0; b < batch.B; b++) {
      const P = truth.planted(cases.users[start + b]);
      const matched = new Set<number>();
      let matching = 0;
      for (let k = 0; k < K; k++) {
        const ids = lists[b * K + k].ids;
        if (ids.length === 0) continue; // inactive interest
        const share = new Map<number, number>();
        for (const i of ids) share.set(truth.cluster[i], (share.get(truth.cluster[i]) ?? 0) + 1 / ids.length);
        let top = -1, topShare = 0;
        for (const [c, v] of share) if (v > topShare || (v === topShare && c < top)) [top, topShare] = [c, v];
        puritySum += topShare;
        vectors++;
        if (topShare >= theta - 1e-12) {
          matched.add(top);
          matching++;
        }
      }
      let found = 0;
      for (const c of Array.from(P)) if (matched.has(c)) found++;
      const rec = found / P.length;
      recSum += rec;
      if (matching > 0) {
        redSum += 1 - matched.size / matching;
        redUsers++;
      }
      const g = bySize.get(P.length) ?? { users: 0, sum: 0 };
      g.users++;
      g.sum += rec;
      bySize.set(P.length, g);
    }
  }
  const maxP = Math.max(0, ...bySize.keys());
  return {
    users: cases.B,
    recovery: recSum / cases.B,
    purity: puritySum / Math.max(1, vectors),
    redundancy: redUsers ? redSum / redUsers : 0,
    vectorsPerUser: vectors / cases.B,
    byPlanted: Array.from({ length: maxP }, (_, i) => {
      const g = bySize.get(i + 1);
      return { planted: i + 1, users: g?.users ?? 0, recovery: g ? g.sum / g.users : NaN };
    }),
  };
}
