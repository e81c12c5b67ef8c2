// A partitioned IVF index for hosts with little memory (a Worker's 128 MB): only the head of the
// index file (header, centroids, directory) is loaded; the lists a query probes are fetched on
// demand (index-source.ts) into a few reused fetch buffers, at most `fetchConcurrency` at once,
// and each is scored as it arrives (list-scorer.ts), so engine memory holds one list at a time.
// A ring cache of `cacheBytes` keeps recent lists (first in, first out, no allocation per list);
// `maxQueryBytes` caps the lists one query may probe. Answers equal the in-memory index's (same
// kernels, same tie order).
import type { Engine } from '../engine/engine.js';
import type { ScoredItems } from '../eval/merge.js';
import { RingCache } from './ring-cache.js';
import { decodeIvfHead, type IvfHead } from './ivf-format.js';
import { finishUser, type IvfSearchOptions } from './ivf-search.js';
import { planQuery, type QueryVectors } from './ivf-query.js';
import { ProbedScorer, capProbes } from './list-scorer.js';
import type { IndexSource } from './index-source.js';
import type { Ptr } from '../engine/abi/index.js';

export { httpRangeSource, bytesSource, keyedSource, splitIndexFile, type IndexSource, type RangeFetch, type RangeResponse } from './index-source.js';

export interface RemoteIndexOptions {
  /** Bytes of fetched lists kept between queries, in one buffer filled first in, first out (default 32 MiB). */
  cacheBytes?: number;
  /** Lists fetched at once over all queries (default 4); each fetch reuses one buffer. */
  fetchConcurrency?: number;
  /**
   * Bytes of list blocks one query may probe, cached or not (default: no cap). Over it the
   * lowest-ranked probes are dropped (counted in `stats.probesDropped`); if the nearest list of
   * every interest alone is over it, the search fails with an error naming the cap.
   */
  maxQueryBytes?: number;
}

/** A query's use of a list: run synchronously when the list's bytes are at hand. */
interface Waiter { use: (block: Uint8Array) => void; done: () => void; fail: (e: unknown) => void }

export class RemoteIvfIndex {
  private readonly cache: RingCache;
  private readonly inflight = new Map<number, Waiter[]>();
  /** Fetch buffers not in use (each grows to the largest list it carried). */
  private readonly buffers: Uint8Array[] = [];
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private readonly concurrency: number;
  private readonly maxQueryBytes: number;
  /** Lists fetched, cache hits, bytes fetched, probes dropped by maxQueryBytes, since open. */
  readonly stats = { fetches: 0, hits: 0, bytesFetched: 0, probesDropped: 0 };

  private constructor(readonly engine: Engine, readonly source: IndexSource, readonly head: IvfHead, private readonly centroids: Ptr, opts: RemoteIndexOptions) {
    this.cache = new RingCache(opts.cacheBytes ?? 32 * 1048576);
    this.concurrency = opts.fetchConcurrency ?? 4;
    this.maxQueryBytes = opts.maxQueryBytes ?? Infinity;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new Error(`RemoteIvfIndex: fetchConcurrency = ${opts.fetchConcurrency}; expected an integer ≥ 1`);
    if (!(this.maxQueryBytes > 0)) throw new Error(`RemoteIvfIndex: maxQueryBytes = ${opts.maxQueryBytes}; expected bytes > 0`);
  }

  /** Read the head (one request) and keep the centroids in engine memory. */
  static async open(e: Engine, source: IndexSource, opts: RemoteIndexOptions = {}): Promise<RemoteIvfIndex> {
    const head = decodeIvfHead(await source.head(), source.name);
    const { lists: L, dim: D } = head.header;
    const C = e.heap.alloc(Math.max(1, L * D) * 4);
    e.heap.floats.set(head.centroids, C >>> 2);
    return new RemoteIvfIndex(e, source, head, C, opts);
  }

  get dim(): number { return this.head.header.dim; }
  get lists(): number { return this.head.header.lists; }
  get size(): number { return this.head.header.items; }
  /** Bytes of fetched lists currently cached. */
  get cachedBytes(): number { return this.cache.bytes; }

  /** Run `use` on list l's checked block: now if cached, else when its fetch lands. */
  private withList(l: number, use: (block: Uint8Array) => void): Promise<void> {
    const hit = this.cache.get(l);
    if (hit) {
      this.stats.hits++;
      use(hit);
      return Promise.resolve();
    }
    return new Promise<void>((done, fail) => {
      const waiting = this.inflight.get(l);
      if (waiting) { waiting.push({ use, done, fail }); return; }
      this.inflight.set(l, [{ use, done, fail }]);
      this.slot(() => this.fetch(l));
    });
  }

  /** Start `job` when fewer than `concurrency` fetches run. */
  private slot(job: () => Promise<void>): void {
    const run = () => { this.running++; void job().finally(() => { this.running--; this.queue.shift()?.(); }); };
    if (this.running < this.concurrency) run();
    else this.queue.push(run);
  }

  private async fetch(l: number): Promise<void> {
    const len = this.head.lengths[l];
    let buf = this.buffers.pop() ?? new Uint8Array(0);
    let block: Uint8Array | null = null;
    let error: unknown = null;
    try {
      if (this.source.readInto) {
        if (buf.buffer.byteLength < len) buf = new Uint8Array(len);
        block = await this.source.readInto(l, this.head.offsets[l], len, new Uint8Array(buf.buffer, 0, len));
        buf = new Uint8Array(block.buffer); // a BYOB read hands the buffer back under a new identity
      } else {
        block = await this.source.list(l, this.head.offsets[l], len);
      }
      checkBlock(this.head, l, block, this.source.name);
      this.stats.fetches++;
      this.stats.bytesFetched += len;
    } catch (e) {
      error = e;
    }
    const waiting = this.inflight.get(l) ?? [];
    this.inflight.delete(l);
    if (block && !error) block = this.cache.set(l, block) ?? block; // the ring's copy (the fetch buffer is reused)
    for (const w of waiting) {
      if (error || !block) { w.fail(error); continue; }
      try { w.use(block); w.done(); } catch (e) { w.fail(e); }
    }
    if (buf.buffer.byteLength > 0) this.buffers.push(buf);
  }

  /** Per user, the per-interest candidate lists (what a shard returns to its router). */
  async searchInterests(query: QueryVectors, opts: IvfSearchOptions = {}): Promise<ScoredItems[][]> {
    if (opts.rerank) throw new Error('RemoteIvfIndex: rerank needs the float32 table, which a partitioned host does not hold');
    const plan = planQuery(this.engine, this.dim, this.centroids, this.lists, query, opts, this.head.header.nprobe, false);
    let keep: Uint8Array | undefined;
    if (Number.isFinite(this.maxQueryBytes) && plan.n > 0) {
      const cap = capProbes(plan, this.head.lengths, this.maxQueryBytes);
      keep = cap.keep;
      this.stats.probesDropped += cap.dropped;
    }
    const scorer = new ProbedScorer(this.engine, this.head, plan, keep);
    await Promise.all(scorer.lists.map((l) => (this.head.counts[l] === 0 ? undefined : this.withList(l, (block) => scorer.score(l, block)))));
    return scorer.finish();
  }

  /** The lists each active interest probes, nearest first (what a search of `query` fetches). */
  probeOrder(query: QueryVectors, opts: IvfSearchOptions = {}): number[][] {
    const plan = planQuery(this.engine, this.dim, this.centroids, this.lists, query, { ...opts, rerank: 0 }, this.head.header.nprobe, false);
    return plan.owner.map((_, r) => Array.from(plan.probes.subarray(r * plan.p, (r + 1) * plan.p)));
  }

  /** Top-N items per user, merged by max over interests (or aggregated for diversity). */
  async search(query: QueryVectors, opts: IvfSearchOptions = {}): Promise<ScoredItems[]> {
    const n = opts.topN ?? 10;
    return (await this.searchInterests(query, opts)).map((lists) => finishUser(lists, n, opts.diversity));
  }

  /** Return the centroids' engine memory (cached lists are plain JS and go with the object). */
  dispose(): void {
    this.engine.heap.free(this.centroids);
  }

  toString(): string {
    return `RemoteIvfIndex(${this.size} items, ${this.lists} lists, ${this.head.header.storage}, ${this.source.name}, cache ${(this.cache.bytes / 1048576).toFixed(1)}MiB)`;
  }
}

/** A fetched list block: its length and every id within the table (else an error naming the list). */
function checkBlock(head: IvfHead, l: number, block: Uint8Array, name: string): void {
  const n = head.counts[l], rows = head.header.rows;
  if (block.length !== head.lengths[l]) throw new Error(`${name}: list ${l}: got ${block.length} bytes, the directory says ${head.lengths[l]}`);
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  for (let j = 0; j < n; j++) {
    const id = dv.getInt32(j * 4, true);
    if (!(id >= 1 && id < rows)) throw new Error(`${name}: list ${l} item ${j}: id ${id} is outside 1..${rows - 1}`);
  }
}
