// The planted-interest generator at the size of the papers' data sets, written as text while it
// is drawn (nothing but the item permutation is held): `book` ≈ ComiRec's Amazon Book (460k
// users, 310k items, ≈9.2M events) in the ComiRec `user,item,index` format, `taobao` ≈ Taobao
// after the 5-core filter (1M users, 1.7M items, ≈25M events) in the UserBehavior.csv format,
// with the item's cluster as its category. Same draws as generateSynthetic for the same config.
import { Rng } from '../engine/random.js';
import { SYNTHETIC_PRESETS, type SyntheticConfig } from './synthetic.js';
import { drawUser, userContext, type UserDraw } from './synthetic-user.js';

/** Output formats the readers take (`readEvents` detects both). */
export type SynthFormat = 'comirec' | 'taobao';

/** Scale presets: flatter in-cluster popularity (Zipf 0.7) so most items survive the 5-core filter. */
export const SCALE_PRESETS: Record<'book' | 'taobao', { config: SyntheticConfig; format: SynthFormat }> = {
  book: {
    config: { ...SYNTHETIC_PRESETS.small, users: 460_000, clusters: 500, itemsPerCluster: 620, minLength: 5, maxLength: 35, zipfItem: 0.7 },
    format: 'comirec',
  },
  taobao: {
    config: { ...SYNTHETIC_PRESETS.small, users: 1_000_000, clusters: 2000, itemsPerCluster: 850, minLength: 10, maxLength: 40, zipfItem: 0.7 },
    format: 'taobao',
  },
};

export interface SynthStreamStats {
  users: number;
  items: number;
  events: number;
  bytes: number;
}

/**
 * Draw `config`'s users one at a time and hand the text to `sink` in chunks of about `chunkBytes`
 * characters (awaited, so a file writer's back-pressure holds). Lines: comirec `user,item,t`
 * (t = position in the user's sequence); taobao `user,item,category,pv,time`.
 */
export async function writeSynthetic(
  config: SyntheticConfig,
  format: SynthFormat,
  sink: (text: string) => void | Promise<void>,
  opts: { chunkBytes?: number; onUser?: (u: number) => void } = {},
): Promise<SynthStreamStats> {
  const cfg = config;
  const { clusters: C, itemsPerCluster: M, users: U } = cfg;
  if (!(C >= 1 && M >= 1 && U >= 1 && cfg.minLength >= 1 && cfg.maxLength >= cfg.minLength)) {
    throw new Error(`writeSynthetic: need clusters, itemsPerCluster, users, minLength >= 1 and maxLength >= minLength; got ${JSON.stringify(cfg)}`);
  }
  const N = C * M;
  const root = new Rng(cfg.seed);
  const perm = root.fork(1).shuffle(Int32Array.from({ length: N }, (_, j) => j + 1)); // raw item ids, as generateSynthetic
  const userRng = root.fork(3);
  const ctx = userContext(cfg);
  const draw: UserDraw = {
    items: new Int32Array(cfg.maxLength), latent: new Int32Array(cfg.maxLength), converted: new Uint8Array(cfg.maxLength), n: 0,
    planted: new Int32Array(0), weights: new Float64Array(0), affinity: new Float64Array(0), segment: 0, activity: 0, region: 0,
  };
  const clusterOf = (j: number) => Math.floor(j / M);
  const limit = opts.chunkBytes ?? 1 << 20;
  let parts: string[] = [];
  let size = 0, events = 0, bytes = 0, clock = 0;
  for (let u = 0; u < U; u++) {
    drawUser(userRng, ctx, draw, clusterOf);
    const user = String(u + 1);
    for (let t = 0; t < draw.n; t++) {
      const j = draw.items[t];
      const line = format === 'comirec' ? `${user},${perm[j]},${t}\n` : `${user},${perm[j]},${clusterOf(j) + 1},pv,${++clock}\n`;
      parts.push(line);
      size += line.length;
    }
    events += draw.n;
    if (size >= limit) {
      bytes += size;
      await sink(parts.join(''));
      parts = [];
      size = 0;
    }
    opts.onUser?.(u);
  }
  if (size > 0) {
    bytes += size;
    await sink(parts.join(''));
  }
  return { users: U, items: N, events, bytes };
}
