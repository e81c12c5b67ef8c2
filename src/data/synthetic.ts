// The planted-interest generator of docs/protocols.md#synthetic-data: item clusters (categories) with in-cluster
// Zipf popularity, tags, users holding 1..kMax planted interests, sticky Markov sequences with
// noise, profile fields and conversions. Only Rng and det-math are used on the sampling path, so
// a seed gives byte-identical output on every runtime (a golden sha256 pins the `tiny` preset).
import { Rng } from '../engine/random.js';
import { EventsBuilder, type Events } from './events.js';
import { drawCdf, drawUser, userContext, zipfCdf, type UserDraw } from './synthetic-user.js';

export { zipfCdf, drawCdf };

/** Generator parameters (docs/protocols.md#synthetic-data). */
export interface SyntheticConfig {
  /** Seed of every draw (default 1). */
  seed: number;
  /** Number of clusters C, which are the categories (default 20). */
  clusters: number;
  /** Items per cluster M (default 250, so N − 1 = C·M). */
  itemsPerCluster: number;
  /** Number of users (default 3,000). */
  users: number;
  /** Sequence length, uniform on minLength..maxLength (default 20..60). */
  minLength: number;
  maxLength: number;
  /** In-cluster popularity ∝ rank^−zipfItem (default 1.0). */
  zipfItem: number;
  /** Cluster prior ∝ rank^−zipfCluster (default 0.5). */
  zipfCluster: number;
  /** Interests per user uniform on 1..kMax (default 4). */
  kMax: number;
  /** Floor on mixture weights before renormalising (default 0.1). */
  minWeight: number;
  /** ρ: probability the next event stays in the current cluster (default 0.7). */
  stickiness: number;
  /** ε: probability an item is uniform over the catalogue (default 0.05). */
  noise: number;
  /** Allow repeated items in a user's sequence (default false: re-draw up to 20 times). */
  repeats: boolean;
  /** Sub-tags per cluster (default 5), shared global tags (default 10) and P(one global tag) (default 0.3). */
  subTags: number;
  globalTags: number;
  pGlobal: number;
  /** Conversion logit β0 + β1·a (defaults −1.0 and 1.5). */
  beta0: number;
  beta1: number;
}

const SMALL: SyntheticConfig = {
  seed: 1, clusters: 20, itemsPerCluster: 250, users: 3000, minLength: 20, maxLength: 60, zipfItem: 1.0,
  zipfCluster: 0.5, kMax: 4, minWeight: 0.1, stickiness: 0.7, noise: 0.05, repeats: false,
  subTags: 5, globalTags: 10, pGlobal: 0.3, beta0: -1.0, beta1: 1.5,
};

/** Presets: `tiny` for unit tests, `small` (default), `medium`. */
export const SYNTHETIC_PRESETS: Record<'tiny' | 'small' | 'medium', SyntheticConfig> = {
  tiny: { ...SMALL, clusters: 5, itemsPerCluster: 40, users: 200, minLength: 10, maxLength: 30 },
  small: SMALL,
  medium: { ...SMALL, clusters: 50, itemsPerCluster: 400, users: 20000 },
};

/** Generated data: events plus everything needed to measure interest recovery. */
export interface SyntheticData {
  config: SyntheticConfig;
  /** Events; `item` indexes the internal item order below, `user` the user order. */
  events: Events;
  /** [E] 1 when the event converted. */
  converted: Uint8Array;
  /** [E] latent cluster z_t of the event (the chain state, also for noise items). */
  latent: Int32Array;
  /** Per internal item: raw id (a seeded permutation of 1..N−1), cluster, tag indices. */
  items: { ids: string[]; cluster: Int32Array; tags: Int32Array[] };
  /** Tag names: `c<k>` cluster tags, `c<k>s<j>` sub-tags, `g<j>` global tags. */
  tagNames: string[];
  /** Per user: profile fields. */
  users: { ids: string[]; segment: Int32Array; activity: Int32Array; region: Int32Array };
  /** Per user: planted clusters P_u, weights π_u (aligned with P_u), affinity a_u over all C clusters. */
  truth: { planted: Int32Array[]; weights: Float64Array[]; affinity: Float64Array[] };
}

/**
 * Generate a dataset. `preset` picks the base parameters (default 'small'); `overrides` replace any.
 * @example const d = generateSynthetic('tiny'); d.events.length // ≈ 4,000
 */
export function generateSynthetic(preset: keyof typeof SYNTHETIC_PRESETS = 'small', overrides: Partial<SyntheticConfig> = {}): SyntheticData {
  const base = SYNTHETIC_PRESETS[preset];
  if (!base) throw new Error(`generateSynthetic: unknown preset "${preset}" (tiny, small, medium)`);
  const cfg: SyntheticConfig = { ...base, ...overrides };
  const { clusters: C, itemsPerCluster: M, users: U } = cfg;
  if (!(C >= 1 && M >= 1 && U >= 1 && cfg.minLength >= 1 && cfg.maxLength >= cfg.minLength && cfg.subTags >= 2)) {
    throw new Error(`generateSynthetic: need clusters, itemsPerCluster, users, minLength >= 1, maxLength >= minLength, subTags >= 2; got ${JSON.stringify(cfg)}`);
  }
  const N = C * M;
  const root = new Rng(cfg.seed);
  // 1. items: internal item j is cluster ⌊j/M⌋, in-cluster rank j%M + 1; raw ids permuted
  const itemRng = root.fork(1);
  const perm = itemRng.shuffle(Int32Array.from({ length: N }, (_, j) => j + 1));
  const itemIds = Array.from(perm, String);
  const cluster = Int32Array.from({ length: N }, (_, j) => Math.floor(j / M));
  // 2. tags
  const tagRng = root.fork(2);
  const tagNames: string[] = [];
  for (let c = 0; c < C; c++) { tagNames.push(`c${c}`); for (let s = 0; s < cfg.subTags; s++) tagNames.push(`c${c}s${s}`); }
  const globalBase = tagNames.length;
  for (let g = 0; g < cfg.globalTags; g++) tagNames.push(`g${g}`);
  const subCdf = zipfCdf(cfg.subTags, 1);
  const tags: Int32Array[] = [];
  for (let j = 0; j < N; j++) {
    const c = cluster[j], first = c * (cfg.subTags + 1);
    const t = [first];
    const a = drawCdf(tagRng, subCdf);
    t.push(first + 1 + a);
    if (tagRng.int(2) === 1) { let b = a; while (b === a) b = drawCdf(tagRng, subCdf); t.push(first + 1 + b); }
    if (cfg.globalTags > 0 && tagRng.uniform() < cfg.pGlobal) t.push(globalBase + tagRng.int(cfg.globalTags));
    tags.push(Int32Array.from(t));
  }
  // 3–6. users, sequences, fields, conversions
  const userRng = root.fork(3);
  const b = new EventsBuilder(false, false, false);
  const userIds = Array.from({ length: U }, (_, u) => String(u + 1));
  for (const id of itemIds) b.items.intern(id);
  for (const id of userIds) b.users.intern(id);
  const converted: number[] = [], latent: number[] = [];
  const segment = new Int32Array(U), activity = new Int32Array(U), region = new Int32Array(U);
  const planted: Int32Array[] = [], weights: Float64Array[] = [], affinity: Float64Array[] = [];
  let clock = 0;
  const ctx = userContext(cfg);
  const draw: UserDraw = { items: new Int32Array(cfg.maxLength), latent: new Int32Array(cfg.maxLength), converted: new Uint8Array(cfg.maxLength), n: 0, planted: new Int32Array(0), weights: new Float64Array(0), affinity: new Float64Array(0), segment: 0, activity: 0, region: 0 };
  for (let u = 0; u < U; u++) {
    drawUser(userRng, ctx, draw, cluster);
    segment[u] = draw.segment;
    activity[u] = draw.activity;
    region[u] = draw.region;
    planted.push(draw.planted); weights.push(draw.weights); affinity.push(draw.affinity);
    for (let t = 0; t < draw.n; t++) {
      converted.push(draw.converted[t]);
      latent.push(draw.latent[t]);
      b.push(userIds[u], itemIds[draw.items[t]], ++clock);
    }
  }
  const events = b.finish({ hasTime: true, source: `synthetic:${preset}:seed${cfg.seed}`, format: 'synthetic', summary: { lines: 0, events: b.length, skipped: 0, filtered: 0, reasons: {}, examples: [] } });
  return {
    config: cfg, events, converted: Uint8Array.from(converted), latent: Int32Array.from(latent),
    items: { ids: itemIds, cluster, tags }, tagNames,
    users: { ids: userIds, segment, activity, region }, truth: { planted, weights, affinity },
  };
}

/** Canonical text form of the events (`user item time converted` per line), e.g. for hashing. */
export function serializeSynthetic(d: SyntheticData): string {
  const e = d.events, out: string[] = [];
  for (let i = 0; i < e.length; i++) out.push(`${e.userIds[e.user[i]]} ${e.itemIds[e.item[i]]} ${e.time[i]} ${d.converted[i]}`);
  return out.join('\n') + '\n';
}

/**
 * The generator's user profile fields (segment, activity bucket, region) as `withProfiles` fields
 * for a dataset prepared from its events: ids shifted by one so 0 stays "unknown".
 */
export function syntheticProfileFields(synth: SyntheticData): { name: string; size: number; value: (user: number, rawId: string) => number }[] {
  const index = new Map(synth.users.ids.map((id, u) => [id, u]));
  const at = (raw: string) => {
    const u = index.get(raw);
    if (u === undefined) throw new Error(`syntheticProfileFields: user "${raw}" is not in the synthetic data`);
    return u;
  };
  const { segment, activity, region } = synth.users;
  const size = (a: Int32Array) => a.reduce((m, x) => Math.max(m, x), 0) + 2;
  return [
    { name: 'segment', size: size(segment), value: (_u, raw) => segment[at(raw)] + 1 },
    { name: 'activity', size: size(activity), value: (_u, raw) => activity[at(raw)] + 1 },
    { name: 'region', size: size(region), value: (_u, raw) => region[at(raw)] + 1 },
  ];
}
