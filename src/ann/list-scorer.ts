// One query of a partitioned index scored list by list, as each list arrives: engine memory holds
// one list at a time instead of every probed list at once. Per interest, each list's top-k comes
// from the same kernels as scoreProbed; the candidates are merged by (score desc, probe rank,
// position), the order of a top-k over the concatenated lists, so the answer equals the in-memory
// index's exactly. Also the per-query byte cap (which probes a query keeps under a budget).
import type { Engine } from '../engine/engine.js';
import type { ScoredItems } from '../eval/merge.js';
import { align, writeListBody, type IvfHead } from './ivf-format.js';
import { padRows, withoutIds } from './ivf-search.js';
import type { QueryPlan } from './ivf-query.js';
import { NULL_PTR } from '../engine/abi/index.js';

interface Candidate { s: number; j: number; pos: number; id: number }

/**
 * Which probes of a plan fit `maxBytes` of list blocks: probes are taken best rank first (every
 * interest's nearest list, then every second-nearest, ...); a list already taken costs nothing;
 * a probe whose list would overflow the budget is dropped. Keep flags [R·p] and bytes taken.
 */
export function capProbes(plan: QueryPlan, lengths: Int32Array, maxBytes: number): { keep: Uint8Array; bytes: number; dropped: number } {
  const R = plan.owner.length, p = plan.p;
  const keep = new Uint8Array(R * p);
  const taken = new Set<number>();
  let bytes = 0, dropped = 0;
  for (let j = 0; j < p; j++) {
    for (let r = 0; r < R; r++) {
      const l = plan.probes[r * p + j];
      if (!taken.has(l)) {
        if (bytes + lengths[l] > maxBytes) {
          if (j === 0) throw new Error(`ivf search: the nearest lists of the query's interests need more than maxQueryBytes = ${maxBytes} bytes (list ${l} has ${lengths[l]})`);
          dropped++;
          continue;
        }
        taken.add(l);
        bytes += lengths[l];
      }
      keep[r * p + j] = 1;
    }
  }
  return { keep, bytes, dropped };
}

export class ProbedScorer {
  /** Lists this query needs (distinct, ascending). */
  readonly lists: number[];
  private readonly probers = new Map<number, { r: number; j: number }[]>();
  private readonly cand: Candidate[][];
  private readonly len: number[];

  constructor(private readonly e: Engine, private readonly head: IvfHead, private readonly plan: QueryPlan, keep?: Uint8Array) {
    const R = plan.owner.length, p = plan.p;
    this.cand = Array.from({ length: R }, () => []);
    this.len = new Array<number>(R).fill(0);
    if (plan.n === 0) { this.lists = []; return; }
    for (let r = 0; r < R; r++) {
      for (let j = 0; j < p; j++) {
        if (keep && !keep[r * p + j]) continue;
        const l = plan.probes[r * p + j];
        this.len[r] += head.counts[l];
        let who = this.probers.get(l);
        if (!who) this.probers.set(l, (who = []));
        who.push({ r, j });
      }
    }
    this.lists = [...this.probers.keys()].sort((a, b) => a - b);
  }

  /** Score list l (its checked block: ids, then the stored rows) for every interest probing it. */
  score(l: number, block: Uint8Array): void {
    const who = this.probers.get(l);
    const n = this.head.counts[l];
    if (!who || n === 0) return;
    const e = this.e, h = e.heap, { dim: D, storage } = this.head.header, { plan } = this;
    const p = padRows(n);
    const mark = h.mark();
    try {
      const values = h.scratch(Math.max(4, storage === 'f32' ? n * D * 4 : storage === 'f16' ? p * D * 2 : p * D));
      const scales = storage === 'int8' ? h.scratch(p * 4) : NULL_PTR;
      writeListBody(e, storage, n, D, block.subarray(align(4 * n, 16)), values, scales);
      const q = h.scratch(D * 4); // [1, D]
      const S = h.scratch(n * 4); // [1, n]
      const kmax = Math.min(n, Math.max(...who.map(({ r }) => plan.k[r])));
      const idx = h.scratch(kmax * 4), val = h.scratch(kmax * 4);
      const ids = new DataView(block.buffer, block.byteOffset, 4 * n);
      for (const { r, j } of who) {
        h.floats.set(plan.rows.subarray(r * D, r * D + D), q >>> 2);
        if (storage === 'f32') e.k.gemm_f32_nt(1, n, D, 1, q, D, values, D, 0, S, n);
        else if (storage === 'int8') e.k.score_i8_nt(1, n, D, q, D, values, scales, S, n);
        else e.k.score_f16_nt(1, n, D, q, D, values, S, n);
        const kr = Math.min(plan.k[r], n);
        e.k.topk_rows_f32(S, 1, n, kr, idx, val, -1);
        const I = h.i32, F = h.floats, out = this.cand[r];
        for (let t = 0; t < kr; t++) {
          const c = I[(idx >>> 2) + t];
          if (c < 0) break; // -Infinity / NaN rows are never returned
          out.push({ s: F[(val >>> 2) + t], j, pos: c, id: ids.getInt32(4 * c, true) });
        }
      }
    } finally {
      h.release(mark);
    }
  }

  /** Per user, the per-interest candidate lists (as runQuery returns them, without re-rank). */
  finish(): ScoredItems[][] {
    const { B, Q, owner, n, k, exclude } = this.plan;
    const perUser: ScoredItems[][] = Array.from({ length: B }, () => []);
    if (owner.length === 0 || n === 0) return perUser;
    owner.forEach((o, r) => {
      const c = this.cand[r].sort((a, b) => b.s - a.s || a.j - b.j || a.pos - b.pos).slice(0, Math.min(k[r], this.len[r]));
      const u = Math.floor(o / Q);
      const list = { ids: Int32Array.from(c, (x) => x.id), scores: Float64Array.from(c, (x) => x.s) };
      perUser[u].push(withoutIds(list, exclude[u], n));
    });
    return perUser;
  }
}
