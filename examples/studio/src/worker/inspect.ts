// Inspection in the worker: one user's history, each interest's top items and the weights it puts
// on the history (the models' explain()), the merged or diversity-aggregated top-N exactly as
// the library serves it (retrieve), the held-out items marked when hit; the λ sweep of the test
// users (Recall@N and Diversity@N); and the PCA map of the item table.
import {
  casesBatch, engine, evaluateRetrieval, hashString, noGrad, ops, pcaProjection, retrieve, tensor,
  type EvalCases, type RetrievalBatch, type RetrievalModel,
} from '../../../../src/index.js';
import type { InspectResult, InterestView, ItemView, MapData, Sweep, SweepPoint } from '../protocol.js';
import { cases, categoryTable } from './data.js';
import { isRetrieval, state } from './state.js';

const PER_INTEREST = 8;
const SWEEP_USERS = 1000;

function view(index: number, score?: number): ItemView {
  const id = state.vocab!.raw(index);
  const c = state.categories, table = categoryTable();
  const cat = table && table[index] >= 0 ? c!.names[table[index]] : undefined;
  return { id, index, title: c?.titles.get(id), category: cat, score };
}

function seqLen(): number {
  const m = state.model!;
  return isRetrieval(m) ? m.config.seqLen : 20;
}

/** Test case row of a raw user id, or an error naming the user. */
function testRow(user: string): { c: EvalCases; b: number } {
  const data = state.data;
  if (!data || data.ds.vocab !== state.vocab) throw new Error(`user ${user}: test users need the data the model was trained on; type a history of item ids instead`);
  const c = cases('test', seqLen());
  for (let b = 0; b < c.B; b++) if (data.ds.userIds[c.users[b]] === user) return { c, b };
  throw new Error(`user ${JSON.stringify(user)} is not a test user of ${data.name} (pick one from the list)`);
}

export function inspect(req: { user?: string; history?: string[]; topN: number; lambda: number }): InspectResult {
  const model = state.model, vocab = state.vocab;
  if (!model || !vocab) throw new Error('train a model or open a checkpoint first');
  if (!(Number.isInteger(req.topN) && req.topN >= 1 && req.topN <= 500)) throw new Error(`top-N must be a whole number 1..500, got ${req.topN}`);
  if (!(req.lambda >= 0)) throw new Error(`λ must be ≥ 0, got ${req.lambda}`);
  const T = seqLen();
  let hist: number[], truth: Int32Array | undefined, unknown: string[] = [];
  if (req.user !== undefined) {
    const { c, b } = testRow(req.user);
    hist = Array.from(c.hist.subarray(b * T, b * T + c.len[b]));
    truth = c.truth[b];
  } else {
    const raw = (req.history ?? []).map((s) => s.trim()).filter(Boolean);
    if (!raw.length) throw new Error('type at least one item id (comma or space separated)');
    const known = raw.map((r) => vocab.index(r));
    unknown = raw.filter((_, i) => known[i] <= 0);
    hist = known.filter((i) => i > 0).slice(-T);
    if (!hist.length) throw new Error(`none of the ${raw.length} ids is in the model's catalogue (e.g. ${raw.slice(0, 3).join(', ')})`);
  }
  state.lastInspect = { user: req.user, history: hist.map((i) => vocab.raw(i)), topN: req.topN };
  const batch: RetrievalBatch = {
    B: 1, T, hist: new Int32Array(T), mask: new Float32Array(T), len: Int32Array.of(hist.length),
    userKeys: req.user !== undefined ? Uint32Array.of(hashString(req.user)) : undefined,
  };
  batch.hist.set(hist);
  batch.mask.fill(1, 0, hist.length);
  const table = categoryTable();
  if (req.lambda > 0 && !table) throw new Error('λ > 0 needs item categories: open a category file (e.g. MovieLens movies.csv) or use a synthetic preset');
  const e = engine();
  try {
    const merged = retrieve(model, batch, { topN: req.topN, diversity: req.lambda > 0 ? { lambda: req.lambda, categories: table! } : undefined })[0];
    const truthSet = new Set(truth ?? []);
    const mergedSet = new Set(merged.ids);
    const mergedView = Array.from(merged.ids, (id, r) => ({ ...view(id, merged.scores[r]), hit: truth ? truthSet.has(id) : undefined }));
    const heldOut = truth ? [...truthSet].map((id) => ({ ...view(id), hit: mergedSet.has(id) })) : [];
    const explained = isRetrieval(model) && model.explain ? interestViews(model, batch) : undefined;
    const interests = explained?.views ?? [];
    return {
      user: req.user, model: model.toString(), weightKind: explained?.kind ?? 'none',
      history: hist.map((i) => view(i)), unknown, interests, merged: mergedView, heldOut, lambda: req.lambda, topN: req.topN,
      hits: mergedView.filter((v) => v.hit).length,
    };
  } finally {
    e.heap.resetArena();
  }
}

function interestViews(model: RetrievalModel, batch: RetrievalBatch): { kind: InspectResult['weightKind']; views: InterestView[] } {
  const x = model.explain!(batch);
  const { K, T } = x;
  const D = model.config.dim;
  const n = batch.len[0];
  const scores = noGrad(() => ops.matmul(tensor(x.vectors, [K, D], 'f32', engine()), model.itemTable(), false, true).data); // [K, N]
  const N = scores.length / K;
  const proj = state.projection?.version === state.version ? state.projection.proj : undefined;
  const views = Array.from({ length: K }, (_, k): InterestView => {
    const active = x.active[k] === 1;
    const list = active ? topRow(scores, k * N, N, PER_INTEREST) : undefined;
    const row = (w: ArrayLike<number>) => Array.from({ length: n }, (_, t) => w[k * T + t]);
    return {
      k, active, weights: row(x.weights), attention: x.attention ? row(x.attention) : undefined,
      top: list ? Array.from(list.ids, (id, r) => view(id, list.scores[r])) : [],
      xy: proj && active ? (proj.project(x.vectors.subarray(k * D, (k + 1) * D)) as [number, number]) : undefined,
      prototype: x.prototypes?.[k], aggregation: x.aggregation?.[k],
    };
  });
  return { kind: x.kind, views };
}

/** The last inspected user again with another λ (the slider). */
export function rerank(lambda: number): InspectResult {
  const last = state.lastInspect;
  if (!last) throw new Error('inspect a user first');
  return inspect(last.user !== undefined ? { user: last.user, topN: last.topN, lambda } : { history: last.history, topN: last.topN, lambda });
}

let sweepCache: { version: number; n: number; sweep: Sweep } | undefined;

/** The first `max` cases (the sweep's users). */
function head(c: EvalCases, max: number): EvalCases {
  const B = Math.min(max, c.B), T = c.T;
  return { ...c, B, users: c.users.subarray(0, B), userKeys: c.userKeys?.subarray(0, B), hist: c.hist.subarray(0, B * T), mask: c.mask.subarray(0, B * T), len: c.len.subarray(0, B), truth: c.truth.slice(0, B) };
}

/** Recall@N and Diversity@N of the test users over a λ grid (0 .. the median top-1 − top-N gap), plus `lambda`. */
export function sweep(n: number, lambda?: number): Sweep & { current?: SweepPoint } {
  const model = state.model;
  if (!model || !state.data || state.data.ds.vocab !== state.vocab) throw new Error('the λ sweep needs a model trained on the loaded data');
  const table = categoryTable();
  if (!table) throw new Error('the λ sweep needs item categories: open a category file or use a synthetic preset');
  if (!(Number.isInteger(n) && n >= 1 && n <= 500)) throw new Error(`N must be a whole number 1..500, got ${n}`);
  const c = head(cases('test', seqLen()), SWEEP_USERS);
  const point = (l: number): SweepPoint => {
    const row = evaluateRetrieval(model, c, { ns: [n], categories: table, diversity: l }).rows[0];
    return { lambda: l, recall: row.recall, diversity: row.diversity ?? NaN };
  };
  if (!sweepCache || sweepCache.version !== state.version || sweepCache.n !== n) {
    const gaps: number[] = [];
    for (let s = 0; s < c.B; s += 256) {
      for (const l of retrieve(model, casesBatch(c, s, 256), { topN: n })) if (l.scores.length) gaps.push(l.scores[0] - l.scores[l.scores.length - 1]);
      engine().heap.resetArena();
    }
    gaps.sort((a, b) => a - b);
    const lambdaMax = Math.max(1e-3, gaps[gaps.length >> 1] ?? 1);
    const points = Array.from({ length: 9 }, (_, i) => point((lambdaMax * i) / 8));
    sweepCache = { version: state.version, n, sweep: { n, users: c.B, lambdaMax, points } };
  }
  return { ...sweepCache.sweep, current: lambda !== undefined ? point(lambda) : undefined };
}

/** The PCA map of the item table (cached until the weights change). */
export function map(): MapData {
  const model = state.model;
  if (!isRetrieval(model)) throw new Error('the map needs a model with an item table (train one or open a checkpoint)');
  if (state.projection?.version !== state.version) state.projection = { version: state.version, proj: pcaProjection(model.itemTable()) };
  const p = state.projection.proj;
  const table = categoryTable();
  return {
    coords: p.coords, categories: table ?? new Int32Array(p.coords.length / 2).fill(-1), categoryNames: state.categories && table ? state.categories.names : [],
    explained: [p.variance[0] / p.totalVariance, p.variance[1] / p.totalVariance], items: p.coords.length / 2,
  };
}

/** The n best items of one score row (item 0, padding, skipped), best first, ties lower index. */
function topRow(scores: ArrayLike<number>, at: number, N: number, n: number): { ids: number[]; scores: number[] } {
  const ids: number[] = [], vals: number[] = [];
  for (let i = 1; i < N; i++) {
    const v = scores[at + i];
    if (ids.length === n && !(v > vals[n - 1])) continue;
    let j = ids.length < n ? ids.length : n - 1;
    ids[j] = i;
    vals[j] = v;
    while (j > 0 && vals[j] > vals[j - 1]) {
      [ids[j], ids[j - 1]] = [ids[j - 1], ids[j]];
      [vals[j], vals[j - 1]] = [vals[j - 1], vals[j]];
      j--;
    }
  }
  return { ids, scores: vals };
}
