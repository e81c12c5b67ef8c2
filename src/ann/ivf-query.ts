// One IVF query from interest vectors to per-interest candidate lists, in two halves so a host
// that fetches lists on demand can await between them: planQuery (compact the active interest
// rows, probe the centroids) and runQuery (score the probed lists, re-rank, drop excluded ids).
// The in-memory, partitioned and sharded indexes all go through here, so they agree exactly.
import type { Engine } from '../engine/engine.js';
import type { ScoredItems } from '../eval/merge.js';
import type { HeapRows } from './assign.js';
import { probeLists, rerankExact, scoreProbed, withoutIds, type IvfSearchOptions, type IvfStorage, type ResidentList } from './ivf-search.js';
import { ptrAt, type Ptr } from '../engine/abi/index.js';

/** Interest vectors of B users: [B, Q, D] row-major, with the active flags of each interest. */
export interface QueryVectors {
  /** [B·Q·D] floats. */
  vectors: ArrayLike<number>;
  /** Interests per user Q (default: all rows belong to one user). */
  interests?: number;
  /** 1 = active, per interest row [B·Q] (default all active). */
  active?: ArrayLike<number>;
}

export interface QueryPlan {
  B: number;
  Q: number;
  /** Active interest rows (b·Q + k), in order. */
  owner: number[];
  /** Compact copy of the active rows [R, D] (JS), re-copied into scratch per phase. */
  rows: Float32Array;
  /** Probed lists [R, p]. */
  probes: Int32Array;
  p: number;
  /** Final list length. */
  n: number;
  /** Candidates kept per interest before re-rank and exclusion. */
  k: number[];
  exclude: (Set<number> | null)[];
}

/** Shape-check the query and probe the centroids. */
export function planQuery(
  e: Engine, D: number, centroids: Ptr, L: number, query: QueryVectors, opts: IvfSearchOptions, defaultNprobe: number, hasRows: boolean,
): QueryPlan {
  const v = query.vectors;
  const Q = query.interests ?? v.length / D;
  if (!Number.isInteger(Q) || Q < 1 || v.length % (Q * D) !== 0) {
    throw new Error(`ivf search: ${v.length} query floats are not [B, Q=${query.interests ?? '?'}, D=${D}]`);
  }
  const B = v.length / (Q * D);
  const act = query.active;
  if (act && act.length !== B * Q) throw new Error(`ivf search: active has ${act.length} flags for B·Q = ${B * Q} interests`);
  const n = opts.topN ?? 10;
  if (!Number.isInteger(n) || n < 0) throw new Error(`ivf search: topN = ${n}; expected an integer ≥ 0`);
  const np = opts.nprobe ?? defaultNprobe;
  if (!Number.isInteger(np) || np < 1) throw new Error(`ivf search: nprobe = ${np}; expected an integer ≥ 1`);
  const rerank = opts.rerank ?? 0;
  if (!Number.isInteger(rerank) || rerank < 0) throw new Error(`ivf search: rerank = ${rerank}; expected an integer ≥ 0`);
  if (rerank > 0 && !hasRows) throw new Error('ivf search: rerank needs the exact float32 rows; attach the item table to the index (IvfIndex.attachRows)');
  if (opts.exclude && opts.exclude.length !== B) throw new Error(`ivf search: exclude has ${opts.exclude.length} lists for ${B} users`);
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new Error(`ivf search: query value ${i} is ${v[i]}; expected finite floats`);
  const owner: number[] = [];
  for (let r = 0; r < B * Q; r++) if (!act || act[r]) owner.push(r);
  const R = owner.length;
  const rows = new Float32Array(R * D);
  owner.forEach((o, r) => { for (let t = 0; t < D; t++) rows[r * D + t] = v[o * D + t]; });
  const p = Math.min(np, L);
  const exclude = Array.from({ length: B }, (_, b) => (opts.exclude && opts.exclude[b].length ? new Set(Array.from(opts.exclude[b])) : null));
  const k = owner.map((o) => Math.max(n, rerank) + (exclude[Math.floor(o / Q)]?.size ?? 0));
  let probes: Int32Array = new Int32Array(0);
  if (R > 0 && n > 0) {
    const h = e.heap;
    const mark = h.mark();
    try {
      const q = h.scratch(R * D * 4);
      h.floats.set(rows, q >>> 2);
      probes = probeLists(e, q, R, D, centroids, L, p);
    } finally {
      h.release(mark);
    }
  }
  return { B, Q, owner, rows, probes, p, n, k, exclude };
}

/** Lists the plan needs (distinct, ascending). */
export function neededLists(plan: QueryPlan): number[] {
  return [...new Set(plan.probes)].sort((a, b) => a - b);
}

/**
 * Per user, the per-interest candidate lists (active interests only, in order), each the top-n
 * after re-rank and exclusion. `list` must resolve every list of neededLists(plan).
 */
export function runQuery(
  e: Engine, D: number, plan: QueryPlan, list: (l: number) => ResidentList, storage: IvfStorage, opts: IvfSearchOptions, rows?: HeapRows,
): ScoredItems[][] {
  const { B, Q, owner, p, n } = plan;
  const R = owner.length;
  const perUser: ScoredItems[][] = Array.from({ length: B }, () => []);
  if (R === 0 || n === 0) return perUser;
  const rerank = opts.rerank ?? 0;
  const h = e.heap;
  const mark = h.mark();
  try {
    const q = h.scratch(R * D * 4); // [R, D]
    h.floats.set(plan.rows, q >>> 2);
    // One scoring pass per distinct k keeps the scratch small; k differs only with exclusions.
    for (let r = 0; r < R; r++) {
      const u = Math.floor(owner[r] / Q);
      let cand = scoreProbed(e, ptrAt(q, r * D * 4), 1, D, plan.probes.subarray(r * p, r * p + p), p, list, storage, plan.k[r])[0];
      if (rerank > 0 && rows) cand = rerankExact(e, ptrAt(q, r * D * 4), D, cand, rows);
      perUser[u].push(withoutIds(cand, plan.exclude[u], n));
    }
    return perUser;
  } finally {
    h.release(mark);
  }
}
