// A partitioned IVF index for hosts with little memory (a Worker's 128 MB): only the head of the
// index file (header, centroids, directory) is loaded; the lists a query probes are fetched on
// demand (HTTP Range requests against the file's URL, or one key per list in a key-value store),
// kept in a byte-bounded LRU cache, copied into scratch memory for scoring and released after
// the query. Search runs the same code as the in-memory index, so answers are identical.
import type { Engine } from '../engine/engine.js';
import type { UrlLike } from '../engine/web-types.js';
import type { ScoredItems } from '../eval/merge.js';
import { ByteLru } from './lru.js';
import { decodeIvfHead, decodeListBlock, headLength, writeListBody, type IvfHead } from './ivf-format.js';
import { finishUser, padRows, type IvfSearchOptions, type ResidentList } from './ivf-search.js';
import { neededLists, planQuery, runQuery, type QueryVectors } from './ivf-query.js';
import { NULL_PTR, type Ptr } from '../engine/abi/index.js';

/** Where the index file's bytes come from. */
export interface IndexSource {
  /** A label for error messages (URL, key prefix). */
  name: string;
  /** The head: every byte before the data section. */
  head(): Promise<Uint8Array>;
  /** The block of list l (`offset`, `length` from the directory). */
  list(l: number, offset: number, length: number): Promise<Uint8Array>;
}

/** What httpRangeSource needs of a fetch response (a `Response` satisfies it). */
export interface RangeResponse {
  status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  body?: { cancel(): Promise<void> } | null;
}

/** A fetch function (the global `fetch`, or a Worker's service binding `env.X.fetch`). */
export type RangeFetch = (url: string, init: { headers: Record<string, string> }) => Promise<RangeResponse>;

/** Byte ranges of a file over HTTP (`Range: bytes=a-b`, answered 206); `fetchFn` defaults to fetch. */
export function httpRangeSource(url: string | UrlLike, fetchFn: RangeFetch = (u, init) => fetch(u, init)): IndexSource {
  const name = typeof url === 'string' ? url : url.href;
  const range = async (offset: number, length: number): Promise<Uint8Array> => {
    if (length === 0) return new Uint8Array(0); // an empty list: no request (a 0-byte Range is invalid)
    const res = await fetchFn(name, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
    if (res.status !== 206) {
      await res.body?.cancel();
      throw new Error(`${name}: bytes ${offset}-${offset + length - 1}: HTTP ${res.status} (the server must answer Range requests with 206)`);
    }
    const got = new Uint8Array(await res.arrayBuffer());
    if (got.length !== length) throw new Error(`${name}: bytes ${offset}-${offset + length - 1}: got ${got.length} bytes`);
    return got;
  };
  return {
    name,
    async head() {
      const first = await range(0, 4096).catch(async () => range(0, 12));
      const n = headLength(first, name);
      if (n === null) {
        const hl = new DataView(first.buffer, first.byteOffset).getUint32(8, true);
        const more = await range(0, 12 + hl);
        const m = headLength(more, name);
        if (m === null) throw new Error(`${name}: cannot read the index header`);
        return range(0, m);
      }
      return n <= first.length ? first.subarray(0, n) : range(0, n);
    },
    list: (_l, offset, length) => range(offset, length),
  };
}

/** An index file held in memory (tests, or a host that has the bytes anyway). */
export function bytesSource(bytes: Uint8Array, name = 'index'): IndexSource {
  return {
    name,
    head: async () => {
      const n = headLength(bytes, name);
      if (n === null) throw new Error(`${name}: not a mirec IVF index (header unreadable)`);
      return bytes.subarray(0, n);
    },
    list: async (_l, offset, length) => bytes.subarray(offset, offset + length),
  };
}

/** Keys of an index split for a key-value store: `head` and `list/<l>` (see splitIndexFile). */
export function keyedSource(get: (key: string) => Promise<Uint8Array | ArrayBuffer | null>, name = 'kv'): IndexSource {
  const need = async (key: string) => {
    const v = await get(key);
    if (v === null) throw new Error(`${name}: key "${key}" is missing`);
    return v instanceof Uint8Array ? v : new Uint8Array(v);
  };
  return { name, head: () => need('head'), list: (l) => need(`list/${l}`) };
}

/** One entry per key for a key-value store: `head` (header, centroids, directory) and `list/<l>`. */
export function splitIndexFile(bytes: Uint8Array, name = 'index'): Map<string, Uint8Array> {
  const n = headLength(bytes, name);
  if (n === null) throw new Error(`${name}: not a mirec IVF index (header unreadable)`);
  const head = decodeIvfHead(bytes.subarray(0, n), name);
  const out = new Map<string, Uint8Array>([['head', bytes.slice(0, n)]]);
  for (let l = 0; l < head.header.lists; l++) out.set(`list/${l}`, bytes.slice(head.offsets[l], head.offsets[l] + head.lengths[l]));
  return out;
}

interface CachedList { ids: Int32Array; body: Uint8Array }

export interface RemoteIndexOptions {
  /** Bytes of fetched lists kept between queries (default 32 MiB). */
  cacheBytes?: number;
}

export class RemoteIvfIndex {
  private readonly cache: ByteLru<number, CachedList>;
  private readonly inflight = new Map<number, Promise<CachedList>>();
  /** Lists fetched, cache hits, bytes fetched since open. */
  readonly stats = { fetches: 0, hits: 0, bytesFetched: 0 };

  private constructor(readonly engine: Engine, readonly source: IndexSource, readonly head: IvfHead, private readonly centroids: Ptr, cacheBytes: number) {
    this.cache = new ByteLru(cacheBytes);
  }

  /** Read the head (one request) and keep the centroids in engine memory. */
  static async open(e: Engine, source: IndexSource, opts: RemoteIndexOptions = {}): Promise<RemoteIvfIndex> {
    const head = decodeIvfHead(await source.head(), source.name);
    const { lists: L, dim: D } = head.header;
    const C = e.heap.alloc(Math.max(1, L * D) * 4);
    e.heap.floats.set(head.centroids, C >> 2);
    return new RemoteIvfIndex(e, source, head, C, opts.cacheBytes ?? 32 * 1048576);
  }

  get dim(): number { return this.head.header.dim; }
  get lists(): number { return this.head.header.lists; }
  get size(): number { return this.head.header.items; }
  /** Bytes of fetched lists currently cached. */
  get cachedBytes(): number { return this.cache.bytes; }

  private fetchList(l: number): Promise<CachedList> {
    const hit = this.cache.get(l);
    if (hit) { this.stats.hits++; return Promise.resolve(hit); }
    let p = this.inflight.get(l);
    if (!p) {
      const len = this.head.lengths[l];
      p = (len === 0 ? Promise.resolve(new Uint8Array(0)) : this.source.list(l, this.head.offsets[l], len)).then((block) => {
        this.stats.fetches++;
        this.stats.bytesFetched += block.length;
        const got = decodeListBlock(this.head, l, block, this.source.name);
        const entry = { ids: got.ids, body: got.body.slice() };
        this.cache.set(l, entry, entry.body.byteLength + entry.ids.byteLength);
        return entry;
      }).finally(() => this.inflight.delete(l));
      this.inflight.set(l, p);
    }
    return p;
  }

  /** Per user, the per-interest candidate lists (what a shard returns to its router). */
  async searchInterests(query: QueryVectors, opts: IvfSearchOptions = {}): Promise<ScoredItems[][]> {
    if (opts.rerank) throw new Error('RemoteIvfIndex: rerank needs the float32 table, which a partitioned host does not hold');
    const { dim: D, storage } = this.head.header;
    const e = this.engine;
    const plan = planQuery(e, D, this.centroids, this.lists, query, opts, this.head.header.nprobe, false);
    const need = neededLists(plan);
    const got = await Promise.all(need.map((l) => this.fetchList(l)));
    // Synchronous from here on: scratch copies of the probed lists live only during scoring.
    const h = e.heap;
    const mark = h.mark();
    try {
      const resident = new Map<number, ResidentList>();
      need.forEach((l, i) => {
        const n = got[i].ids.length, p = padRows(n);
        const values = h.scratch(Math.max(4, storage === 'f32' ? n * D * 4 : storage === 'f16' ? p * D * 2 : p * D));
        const scales = storage === 'int8' ? h.scratch(Math.max(1, p) * 4) : NULL_PTR;
        writeListBody(e, storage, n, D, got[i].body, values, scales);
        resident.set(l, { ids: got[i].ids, values, scales });
      });
      return runQuery(e, D, plan, (l) => resident.get(l)!, storage, opts);
    } finally {
      h.release(mark);
    }
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
