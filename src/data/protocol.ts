// The ComiRec strong-generalisation protocol (docs/protocols.md#comirec-user-split): group and time-sort
// events per user, the one-pass 5/5 filter, the seeded 80/10/10 user split, the vocabulary,
// random-cut training batches (docs/protocols.md#training-samples) and the 80 % cut evaluation cases (docs/protocols.md#test-procedure).
import { checkOptions } from '../engine/check-options.js';
import { Rng, hashString } from '../engine/random.js';
import type { Events } from './events.js';
import { buildVocabulary, type Vocabulary } from './vocab.js';

/** Options of prepareRetrieval (defaults: docs/protocols.md#preprocessing). */
export interface ProtocolOptions {
  /** Apply the docs/protocols.md#preprocessing filter (default true; off for synthetic data, the Book sample, the Taobao head). */
  filter?: boolean;
  /** Keep items with at least this many events in the whole file (default 5). */
  minItemCount?: number;
  /** Then keep users with at least this many events on kept items (default 5). Items are not re-filtered. */
  minUserCount?: number;
  /** Seed of the user shuffle (default 1230, as ComiRec's script). */
  splitSeed?: number;
  /** Count item frequency over training users (default, docs/protocols.md#preprocessing) or over all users ('all', as ComiRec). */
  vocabCounts?: 'train' | 'all';
}

/** Per-user item sequences with the user split and the vocabulary. User index = position in `userIds`. */
export interface SplitDataset {
  vocab: Vocabulary;
  /** Raw ids of kept users, sorted (numerically when every id is a decimal integer). */
  userIds: string[];
  /** Per user: vocabulary indices in time order (ties: file order). */
  sequences: Int32Array[];
  /** Per user: the Events row of each sequence element (for ratings, behaviours, categories). */
  rows: Int32Array[];
  /** User indices of each split, in shuffled order. */
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
  /** Training users with at least 5 events: the only ones docs/protocols.md#training-samples can sample (k ~ U{4..n−1}). */
  trainPool: Int32Array;
  /**
   * Optional single-valued user profile fields (MIND's profile head): value-vocabulary size per
   * field and the ids [U·F] (0 = unknown); batches then carry `profile`. See `withProfiles`.
   */
  profiles?: { names: string[]; sizes: number[]; values: Int32Array };
  stats: { users: number; items: number; events: number; droppedUsers: number; droppedItems: number; droppedEvents: number };
  options: Required<ProtocolOptions>;
}

const DEC = /^\d+$/;
function compareIds(a: string, b: string, numeric: boolean): number {
  if (numeric) {
    const x = a.replace(/^0+(?=\d)/, ''), y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Steps 1–4 of docs/protocols.md#preprocessing on a read Events collection.
 * @throws when the filter leaves no user, naming the thresholds to lower.
 */
export function prepareRetrieval(events: Events, opts: ProtocolOptions = {}): SplitDataset {
  if (!events || !(events.user instanceof Int32Array) || !(events.item instanceof Int32Array)) throw new TypeError('prepareRetrieval: the first argument must be an Events table (readEvents(file), eventsFromRows(rows) or generateSynthetic(...).events)');
  checkOptions('prepareRetrieval options', opts, { filter: 'boolean', minItemCount: 'integer', minUserCount: 'integer', splitSeed: 'number', vocabCounts: ['train', 'all'] });
  const o: Required<ProtocolOptions> = {
    filter: opts.filter ?? true, minItemCount: opts.minItemCount ?? 5, minUserCount: opts.minUserCount ?? 5,
    splitSeed: opts.splitSeed ?? 1230, vocabCounts: opts.vocabCounts ?? 'train',
  };
  const { length: E, user, item, time } = events;
  const U0 = events.userIds.length, I0 = events.itemIds.length;
  const itemCount = new Int32Array(I0);
  for (let e = 0; e < E; e++) itemCount[item[e]]++;
  const minItem = o.filter ? o.minItemCount : 1, minUser = o.filter ? o.minUserCount : 1;
  // group kept-item events by user (CSR in file order)
  const perUser = new Int32Array(U0 + 1);
  for (let e = 0; e < E; e++) if (itemCount[item[e]] >= minItem) perUser[user[e] + 1]++;
  for (let u = 0; u < U0; u++) perUser[u + 1] += perUser[u];
  const fill = perUser.slice(0, U0);
  const byUser = new Int32Array(perUser[U0]);
  for (let e = 0; e < E; e++) if (itemCount[item[e]] >= minItem) byUser[fill[user[e]]++] = e;
  const keptUsers: number[] = [];
  for (let u = 0; u < U0; u++) if (perUser[u + 1] - perUser[u] >= minUser) keptUsers.push(u);
  if (keptUsers.length === 0) {
    throw new Error(`prepareRetrieval: ${events.source}: no user has ${minUser} events on items with ${minItem}+ events; lower minUserCount/minItemCount or pass filter: false`);
  }
  const numeric = keptUsers.every((u) => DEC.test(events.userIds[u]));
  keptUsers.sort((a, b) => compareIds(events.userIds[a], events.userIds[b], numeric));
  const U = keptUsers.length;
  const rows = keptUsers.map((u) => {
    const r = Array.from(byUser.subarray(perUser[u], perUser[u + 1]));
    r.sort((a, b) => time[a] - time[b] || a - b); // stable: ties keep file order
    return Int32Array.from(r);
  });
  // split
  const perm = new Rng(o.splitSeed).shuffle(Int32Array.from({ length: U }, (_, i) => i));
  const n1 = Math.floor(0.8 * U), n2 = Math.floor(0.9 * U);
  const train = perm.slice(0, n1), valid = perm.slice(n1, n2), test = perm.slice(n2);
  // vocabulary: first appearance = file order of the counted users' events
  const isTrain = new Uint8Array(U0), isKept = new Uint8Array(U0);
  for (const d of train) isTrain[keptUsers[d]] = 1;
  for (const u of keptUsers) isKept[u] = 1;
  const counted: number[] = [], all: number[] = [];
  let events1 = 0;
  for (let e = 0; e < E; e++) {
    const u = user[e];
    if (!isKept[u] || itemCount[item[e]] < minItem) continue;
    all.push(item[e]); events1++;
    if (o.vocabCounts === 'all' || isTrain[u]) counted.push(item[e]);
  }
  const { vocab, toIndex } = buildVocabulary(events.itemIds, counted, all);
  const sequences = rows.map((r) => { const s = new Int32Array(r.length); for (let j = 0; j < r.length; j++) s[j] = toIndex[item[r[j]]]; return s; });
  const trainPool = train.filter((d) => sequences[d].length >= 5);
  let droppedItems = 0;
  for (let i = 0; i < I0; i++) if (itemCount[i] < minItem) droppedItems++;
  return {
    vocab, userIds: keptUsers.map((u) => events.userIds[u]), sequences, rows, train, valid, test, trainPool,
    stats: { users: U, items: vocab.size - 1, events: events1, droppedUsers: U0 - U, droppedItems, droppedEvents: E - events1 },
    options: o,
  };
}

/** A batch in the RetrievalBatch layout (models/types.ts) plus the dataset user of each row. */
export interface TrainBatch {
  B: number;
  T: number;
  /** [B*T] item indices, left-aligned (slot 0 oldest), 0-padded on the right. */
  hist: Int32Array;
  /** [B*T] 1 where a slot holds an item. */
  mask: Float32Array;
  /** [B] valid history length. */
  len: Int32Array;
  /** [B] target item. */
  target: Int32Array;
  /** [B] dataset user index of each row. */
  users: Int32Array;
  /** [B·F] profile field ids when the dataset has profiles. */
  profile?: Int32Array;
}

/**
 * Attach user profile fields: `fields[f].value(userIndex)` gives an id in 1..size−1 (0 = unknown)
 * for each dataset user. Returns the same dataset object.
 */
export function withProfiles(ds: SplitDataset, fields: { name: string; size: number; value: (user: number, rawId: string) => number }[]): SplitDataset {
  const U = ds.userIds.length, F = fields.length;
  const values = new Int32Array(U * F);
  for (let u = 0; u < U; u++) {
    fields.forEach((f, j) => {
      const v = f.value(u, ds.userIds[u]);
      if (!(Number.isInteger(v) && v >= 0 && v < f.size)) throw new Error(`withProfiles: field "${f.name}" of user "${ds.userIds[u]}" is ${v}; expected an id in 0..${f.size - 1}`);
      values[u * F + j] = v;
    });
  }
  ds.profiles = { names: fields.map((f) => f.name), sizes: fields.map((f) => f.size), values };
  return ds;
}

/** The profile ids [B·F] of `users` (undefined when the dataset has no profiles). */
export function profileRows(ds: SplitDataset, users: ArrayLike<number>): Int32Array | undefined {
  const p = ds.profiles;
  if (!p) return undefined;
  const F = p.sizes.length;
  const out = new Int32Array(users.length * F);
  for (let b = 0; b < users.length; b++) out.set(p.values.subarray(users[b] * F, users[b] * F + F), b * F);
  return out;
}

/** Write the left-aligned window s[max(0, k−T) .. k−1] into row b. */
function writeWindow(s: Int32Array, k: number, T: number, b: number, hist: Int32Array, mask: Float32Array, len: Int32Array): void {
  const start = Math.max(0, k - T);
  const n = k - start;
  hist.set(s.subarray(start, k), b * T);
  mask.fill(1, b * T, b * T + n);
  len[b] = n;
}

/**
 * One docs/protocols.md#training-samples training batch: B distinct users drawn uniformly from `trainPool` (Floyd's
 * algorithm, B draws), then per row in order a cut k ~ Uniform{4..n−1}: target s[k], history
 * the last T items before it. Users with fewer than 5 events cannot be drawn.
 */
export function sampleTrainBatch(ds: SplitDataset, rng: Rng, B: number, T: number): TrainBatch {
  const pool = ds.trainPool, P = pool.length;
  if (!(B >= 1 && T >= 1)) throw new Error(`sampleTrainBatch: B and T must be >= 1, got B=${B}, T=${T}`);
  if (B > P) throw new Error(`sampleTrainBatch: batch size B=${B} exceeds the ${P} training users with at least 5 events; lower B`);
  const users = new Int32Array(B);
  const chosen = new Set<number>();
  for (let j = P - B, r = 0; j < P; j++, r++) {
    const t = rng.int(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    users[r] = pool[pick];
  }
  const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B), target = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const s = ds.sequences[users[b]];
    const k = 4 + rng.int(s.length - 4);
    target[b] = s[k];
    writeWindow(s, k, T, b, hist, mask, len);
  }
  return { B, T, hist, mask, len, target, users, profile: profileRows(ds, users) };
}

/** Evaluation users of one split with their docs/protocols.md#test-procedure histories and ground-truth lists. */
export interface EvalCases {
  split: 'valid' | 'test';
  /** Number of cases (rows). */
  B: number;
  T: number;
  /** [B] dataset user index. */
  users: Int32Array;
  /** [B] hashString of each raw user id (MIND's per-user serving routing); optional in hand-made cases. */
  userKeys?: Uint32Array;
  /** [B*T] last T items before the cut, left-aligned. */
  hist: Int32Array;
  mask: Float32Array;
  len: Int32Array;
  /** Per row: ground truth s[k .. n−1] as a list (duplicates kept). */
  truth: Int32Array[];
  /** Users skipped because their history would be empty (n = 1). */
  skipped: number;
  /** [B·F] profile field ids when the dataset has profiles. */
  profile?: Int32Array;
}

/** docs/protocols.md#test-procedure cases: cut k = ⌊0.8 n⌋, history = last T items of s[0..k−1], truth = s[k..n−1]. */
export function evalCases(ds: SplitDataset, split: 'valid' | 'test', T: number, only?: ArrayLike<number>): EvalCases {
  const all = only ?? (split === 'valid' ? ds.valid : ds.test);
  const us = Array.from(all).filter((d) => Math.floor(0.8 * ds.sequences[d].length) >= 1);
  const B = us.length;
  const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B);
  const truth: Int32Array[] = [];
  us.forEach((d, b) => {
    const s = ds.sequences[d];
    const k = Math.floor(0.8 * s.length);
    writeWindow(s, k, T, b, hist, mask, len);
    truth.push(s.slice(k));
  });
  const userKeys = Uint32Array.from(us, (d) => hashString(ds.userIds[d]));
  return { split, B, T, users: Int32Array.from(us), userKeys, hist, mask, len, truth, skipped: all.length - B, profile: profileRows(ds, us) };
}

/** Rows start..start+count−1 of evaluation cases as a batch (views, no copy). */
export function casesBatch(c: EvalCases, start: number, count: number): { B: number; T: number; hist: Int32Array; mask: Float32Array; len: Int32Array; userKeys?: Uint32Array; profile?: Int32Array } {
  const end = Math.min(c.B, start + count), T = c.T;
  const F = c.profile ? c.profile.length / c.B : 0;
  return {
    B: end - start, T, hist: c.hist.subarray(start * T, end * T), mask: c.mask.subarray(start * T, end * T),
    len: c.len.subarray(start, end), userKeys: c.userKeys?.subarray(start, end), profile: c.profile?.subarray(start * F, end * F),
  };
}
