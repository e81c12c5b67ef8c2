// Tables and queries of the `ann` bench: the clustered synthetic tables (src/ann/synthetic.ts) and
// a trained checkpoint's item table with its test users' interest vectors (ComiRec protocol, the
// same data preparation as `mirec eval`), plus mirec's exact top-50 per user as the truth.
import type { Engine } from '../../src/engine/engine.js';
import { poolTensor, Tensor } from '../../src/tensor.js';
import { noGrad } from '../../src/autograd/tape.js';
import { clusterCentres, clusteredQueries, clusteredRows } from '../../src/ann/synthetic.js';
import { retrieve } from '../../src/serve/retrieve.js';
import { Recommender } from '../../src/serve/recommender.js';
import { readEvents } from '../../src/data/read-events.js';
import { casesBatch, evalCases, prepareRetrieval, type EvalCases } from '../../src/data/protocol.js';
import type { RetrievalModel } from '../../src/models/types.js';

export const D = 64;
export const K = 4;
export const TOP = 50;

export interface BenchTable {
  name: string;
  /** [N, D] in engine memory (row 0 padding). */
  E: Tensor;
  /** Users' interest vectors [U, K, D] and active flags [U·K]. */
  queries: Float32Array;
  active: Uint8Array;
  users: number;
  /** The trained model and its test cases (real tables only). */
  model?: RetrievalModel;
  cases?: EvalCases;
}

export function syntheticTable(e: Engine, rows: number, users: number): BenchTable {
  const o = { rows, dim: D };
  const cen = clusterCentres(o);
  const E = poolTensor([rows, D], undefined, e); // [N, D]
  const chunk = 65_536;
  for (let lo = 0; lo < rows; lo += chunk) {
    const hi = Math.min(rows, lo + chunk);
    E.data.set(clusteredRows(o, cen, lo, hi), lo * D);
  }
  return { name: `clustered ${rows - 1 >= 1e6 ? `${(rows - 1) / 1e6}M` : `${(rows - 1) / 1e3}k`} x ${D}`, E, queries: clusteredQueries(o, cen, users * K), active: new Uint8Array(users * K).fill(1), users };
}

/**
 * A checkpoint's item table and the interest vectors of its first `users` test users; the test
 * cases (for Recall@50) are every test user, or the first `evalUsers`.
 */
export async function trainedTable(checkpoint: string, data: string, users: number, evalUsers?: number): Promise<BenchTable> {
  const rec = await Recommender.load(checkpoint);
  const events = await readEvents(data, { format: 'auto', strict: false, onWarning: undefined });
  const ds = prepareRetrieval(events, { filter: true, splitSeed: 1230, vocabCounts: 'train' });
  if (ds.vocab.size !== rec.vocab.size) throw new Error(`ann bench: ${data} gives ${ds.vocab.size} items, ${checkpoint} has ${rec.vocab.size}`);
  const model = rec.model;
  if (evalUsers !== undefined && !(Number.isInteger(evalUsers) && evalUsers >= 1)) throw new Error(`ann bench: --ann-eval-users=${evalUsers}; expected a positive integer`);
  const cases = evalCases(ds, 'test', model.config.seqLen, evalUsers === undefined ? undefined : ds.test.slice(0, evalUsers));
  const U = Math.min(users, cases.B);
  const q = noGrad(() => model.queries(casesBatch(cases, 0, U)));
  const [, Q] = q.vectors.shape;
  if (Q !== K) throw new Error(`ann bench: the checkpoint serves ${Q} interests; the bench assumes K = ${K}`);
  const out: BenchTable = { name: `${model.kind} ${data.split('/').pop()} (${rec.vocab.size - 1} items)`, E: model.itemTable(), queries: Float32Array.from(q.vectors.data), active: Uint8Array.from(q.active), users: U, model, cases };
  model.itemTable().engine.heap.resetArena();
  return out;
}

/** A stand-in model that serves the bench's query vectors (for mirec's exact retrieve). */
export function vectorModel(t: BenchTable): { model: RetrievalModel; user: (u0: number, B: number) => Parameters<typeof retrieve>[1] } {
  const e = t.E.engine;
  let at = 0;
  const model = {
    itemTable: () => t.E,
    queries: (b: { B: number }) => {
      const v = new Tensor(e, e.heap.scratch(b.B * K * D * 4), [b.B, K, D]); // [B, K, D]
      v.data.set(t.queries.subarray(at * K * D, (at + b.B) * K * D));
      return { vectors: v, active: t.active.subarray(at * K, (at + b.B) * K) };
    },
  } as unknown as RetrievalModel;
  const user = (u0: number, B: number) => {
    at = u0;
    return { B, T: 1, hist: new Int32Array(B), mask: new Float32Array(B), len: new Int32Array(B) };
  };
  return { model, user };
}

/** mirec's exact top-50 per user [U, 50] (padded with 0) and the one-user latencies (ms, sorted). */
export function exactTruth(t: BenchTable): { truth: Int32Array; ms: number[] } {
  const { model, user } = vectorModel(t);
  const e = t.E.engine;
  const truth = new Int32Array(t.users * TOP);
  const ms: number[] = [];
  for (let u = 0; u < t.users; u++) {
    const t0 = performance.now();
    const r = retrieve(model, user(u, 1), { topN: TOP })[0];
    ms.push(performance.now() - t0);
    truth.set(r.ids, u * TOP);
    e.heap.resetArena();
  }
  return { truth, ms: ms.sort((a, b) => a - b) };
}
