// Labelled rows of the tag-profile protocol (docs/protocols.md#tag-rows): per user, a time-ordered cut
// c = ⌊0.8 n⌋ into input events and (at most maxTargets) target events, popularity-weighted
// negatives the user never touched — or, with `negatives: 'exposures'`, the target window's own
// exposures labelled by `clicked` (real non-clicks, docs/protocols.md#real-exposures) — item rows
// (UTPM's joint loss) and tag rows (MVKE, tag metrics).
// Input *fields* (hist_items, hist_genres, …) are dataset-specific and built by the caller from `inputs`.
import { Rng } from '../engine/random.js';
import type { Events } from './events.js';

/** Options of buildTagSamples (defaults: docs/protocols.md#tag-rows). */
export interface TagSampleOptions {
  /** Seed of the user split (default 1230). */
  splitSeed?: number;
  /** Seed of the negative draws (default 1). */
  negativeSeed?: number;
  /** Negatives per target (default 4). */
  negPerPos?: number;
  /** Earliest targets kept per user (default 50). */
  maxTargets?: number;
  /** Users with fewer events are dropped (default 5). */
  minEvents?: number;
  /**
   * 'drawn' (default): every target is a click and `negPerPos` unseen items per target are drawn
   * by training popularity. 'exposures': every distinct item of the target window is an
   * exposure, a click when `clicked` holds for one of its events there; nothing is drawn.
   */
  negatives?: 'drawn' | 'exposures';
}

/** Rows of one kind, column-wise. `user` is an index into `users`; `item`/`tag` are caller ids. */
export interface LabelledRows { user: Int32Array; key: Int32Array; click: Uint8Array; conversion: Uint8Array }

export interface TagSamples {
  /** Kept users (Events user-table indices), sorted by raw id. */
  users: Int32Array;
  /** Per kept user: Events rows of the input part (events 0..c−1, time order). */
  inputs: Int32Array[];
  /** Indices into `users` per split (shuffled with splitSeed, 80/10/10). */
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
  /** (user, item, click, conversion); key = Events item-table index. */
  itemRows: LabelledRows;
  /** (user, tag, click, conversion); key = tag id from `itemTags`. */
  tagRows: LabelledRows;
}

/**
 * Build docs/protocols.md#tag-rows rows.
 * @param itemTags tags of an Events item-table index (empty when the item has none).
 * @param converted conversion label of an Events row (e.g. rating ≥ 4, behaviour 'buy'); default none.
 */
export function buildTagSamples(
  events: Events, itemTags: (item: number) => ArrayLike<number>, converted: (row: number) => boolean = () => false, opts: TagSampleOptions = {},
  clicked?: (row: number) => boolean,
): TagSamples {
  const exposures = opts.negatives === 'exposures';
  if (opts.negatives !== undefined && opts.negatives !== 'drawn' && !exposures) throw new Error(`buildTagSamples: negatives = ${JSON.stringify(opts.negatives)}; use 'drawn' or 'exposures'`);
  if (exposures && !clicked) throw new Error(`buildTagSamples: ${events.source}: negatives 'exposures' needs a click label per event (this dataset logs no non-clicks)`);
  const negPer = opts.negPerPos ?? 4, maxT = opts.maxTargets ?? 50, minN = opts.minEvents ?? 5;
  const U0 = events.userIds.length, I0 = events.itemIds.length;
  const byUser: number[][] = Array.from({ length: U0 }, () => []);
  for (let e = 0; e < events.length; e++) byUser[events.user[e]].push(e);
  const kept: number[] = [];
  for (let u = 0; u < U0; u++) if (byUser[u].length >= minN) kept.push(u);
  if (kept.length === 0) throw new Error(`buildTagSamples: ${events.source}: no user has ${minN}+ events; lower minEvents`);
  const numeric = kept.every((u) => /^\d+$/.test(events.userIds[u]));
  const key = (u: number) => events.userIds[u];
  kept.sort((a, b) => numeric && key(a).length !== key(b).length ? key(a).length - key(b).length : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  for (const u of kept) byUser[u].sort((a, b) => events.time[a] - events.time[b] || a - b);
  const U = kept.length;
  const perm = new Rng(opts.splitSeed ?? 1230).shuffle(Int32Array.from({ length: U }, (_, i) => i));
  const n1 = Math.floor(0.8 * U), n2 = Math.floor(0.9 * U);
  // negatives ∝ training-set event count
  const count = new Float64Array(I0);
  for (const d of perm.subarray(0, n1)) for (const e of byUser[kept[d]]) count[events.item[e]]++;
  const cdf = new Float64Array(I0);
  let acc = 0;
  for (let i = 0; i < I0; i++) { acc += count[i]; cdf[i] = acc; }
  const rng = new Rng(opts.negativeSeed ?? 1);
  const iu: number[] = [], ik: number[] = [], ic: number[] = [], iv: number[] = [];
  const tu: number[] = [], tk: number[] = [], tc: number[] = [], tv: number[] = [];
  const inputs: Int32Array[] = [];
  kept.forEach((u, d) => {
    const rows = byUser[u], n = rows.length, c = Math.floor(0.8 * n);
    inputs.push(Int32Array.from(rows.slice(0, c)));
    const targets = rows.slice(c, c + maxT);
    const tags = new Map<number, [number, number]>(); // tag → [click, conversion]
    const expose = (item: number, click: number, conv: number) => {
      iu.push(d); ik.push(item); ic.push(click); iv.push(conv);
      const t = itemTags(item);
      for (let j = 0; j < t.length; j++) {
        const cur = tags.get(t[j]) ?? [0, 0];
        tags.set(t[j], [cur[0] | click, cur[1] | conv]);
      }
    };
    if (exposures) {
      // One exposure per distinct item of the window (first-seen order): clicked if any of its
      // events is a click, converted if any is a conversion that is also a click.
      const seen = new Map<number, [number, number]>();
      for (const e of targets) {
        const cl = clicked!(e) ? 1 : 0;
        const cur = seen.get(events.item[e]) ?? [0, 0];
        seen.set(events.item[e], [cur[0] | cl, cur[1] | (cl && converted(e) ? 1 : 0)]);
      }
      for (const [item, [cl, cv]] of seen) expose(item, cl, cv);
      for (const [t, [cl, cv]] of tags) { tu.push(d); tk.push(t); tc.push(cl); tv.push(cv); }
      return;
    }
    const touched = new Set(rows.map((e) => events.item[e]));
    let available = 0;
    for (let i = 0; i < I0; i++) if (count[i] > 0 && !touched.has(i)) available++;
    const want = Math.min(negPer * targets.length, available);
    const negs = new Set<number>();
    while (negs.size < want) {
      const x = rng.uniform() * acc;
      let lo = 0, hi = I0 - 1;
      while (lo < hi) { const m = (lo + hi) >> 1; if (cdf[m] > x) hi = m; else lo = m + 1; }
      if (!touched.has(lo)) negs.add(lo);
    }
    for (const e of targets) expose(events.item[e], 1, converted(e) ? 1 : 0);
    for (const item of negs) expose(item, 0, 0);
    for (const [t, [cl, cv]] of tags) { tu.push(d); tk.push(t); tc.push(cl); tv.push(cv); }
  });
  const rowsOf = (u: number[], k: number[], c: number[], v: number[]): LabelledRows =>
    ({ user: Int32Array.from(u), key: Int32Array.from(k), click: Uint8Array.from(c), conversion: Uint8Array.from(v) });
  return {
    users: Int32Array.from(kept), inputs, train: perm.slice(0, n1), valid: perm.slice(n1, n2), test: perm.slice(n2),
    itemRows: rowsOf(iu, ik, ic, iv), tagRows: rowsOf(tu, tk, tc, tv),
  };
}
