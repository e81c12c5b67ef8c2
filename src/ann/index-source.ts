// Where a partitioned index's bytes come from: HTTP Range requests (`httpRangeSource`, streamed
// into a caller's buffer so no response-sized copy is made per list), an in-memory file
// (`bytesSource`), or one key per list in a key-value store (`keyedSource`, `splitIndexFile`).
import type { UrlLike } from '../engine/web-types.js';
import { decodeIvfHead, headLength } from './ivf-format.js';
import { readRangeBody, type BodyResponse } from '../io/range-body.js';

/** Where the index file's bytes come from. */
export interface IndexSource {
  /** A label for error messages (URL, key prefix). */
  name: string;
  /** The head: every byte before the data section. */
  head(): Promise<Uint8Array>;
  /** The block of list l (`offset`, `length` from the directory). */
  list(l: number, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: write the block of list l into `into` (exactly `length` bytes) and resolve with the
   * filled view. The view may lie over a new ArrayBuffer (a BYOB read transfers `into`'s buffer);
   * `into` must not be used afterwards. Lets a host reuse one buffer for every fetch.
   */
  readInto?(l: number, offset: number, length: number, into: Uint8Array): Promise<Uint8Array>;
}

/** What httpRangeSource needs of a fetch response (a `Response` satisfies it). */
export interface RangeResponse extends BodyResponse {
  status: number;
}

/** A fetch function (the global `fetch`, or a Worker's service binding `env.X.fetch`). */
export type RangeFetch = (url: string, init: { headers: Record<string, string> }) => Promise<RangeResponse>;

/** Byte ranges of a file over HTTP (`Range: bytes=a-b`, answered 206); `fetchFn` defaults to fetch. */
export function httpRangeSource(url: string | UrlLike, fetchFn: RangeFetch = (u, init) => fetch(u, init)): IndexSource {
  const name = typeof url === 'string' ? url : url.href;
  const rangeInto = async (offset: number, length: number, into: Uint8Array): Promise<Uint8Array> => {
    if (length === 0) return into.subarray(0, 0); // an empty list: no request (a 0-byte Range is invalid)
    const what = `${name}: bytes ${offset}-${offset + length - 1}`;
    const res = await fetchFn(name, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
    if (res.status !== 206) {
      await res.body?.cancel();
      throw new Error(`${what}: HTTP ${res.status} (the server must answer Range requests with 206)`);
    }
    return readRangeBody(res, into, length, what);
  };
  const range = (offset: number, length: number) => rangeInto(offset, length, new Uint8Array(length));
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
    readInto: (_l, offset, length, into) => rangeInto(offset, length, into),
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
