// The partitioned index answers exactly like the in-memory index decoded from the same file,
// whether its lists come by byte range (bytes / HTTP on 127.0.0.1) or one key per list; the LRU
// cache stays under its byte budget; concurrent queries fetch a list once; bad sources are named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { poolTensor } from '../../src/tensor.js';
import { IvfIndex } from '../../src/ann/ivf-index.js';
import { decodeIvf, encodeIvf } from '../../src/ann/ivf-format.js';
import { RemoteIvfIndex, bytesSource, httpRangeSource, keyedSource, splitIndexFile } from '../../src/ann/remote-index.js';
import { ByteLru } from '../../src/ann/lru.js';
import { RingCache } from '../../src/ann/ring-cache.js';
import { clusterCentres, clusteredQueries, clusteredRows } from '../../src/ann/synthetic.js';
import { f32Backends } from '../helpers/engines.js';

const o = { rows: 6001, dim: 16, clusters: 20 };
const ans = (r: { ids: Int32Array; scores: Float64Array }[]) => r.map((x) => [Array.from(x.ids), Array.from(x.scores)]);

test('byte ranges, HTTP ranges and keys all answer like the whole index; cache bounded', async () => {
  const [, , e] = await f32Backends();
  const cen = clusterCentres(o);
  const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows), e);
  const q = clusteredQueries(o, cen, 3 * 4);
  for (const storage of ['f32', 'int8'] as const) {
    const bytes = encodeIvf(IvfIndex.build(E, { lists: 30, storage, nprobe: 3 }));
    const whole = decodeIvf(bytes, e);
    const want = ans(whole.search({ vectors: q, interests: 4 }, { topN: 20 }));
    const small = await RemoteIvfIndex.open(e, bytesSource(bytes), { cacheBytes: 20_000 });
    assert.equal(ans(await small.search({ vectors: q, interests: 4 }, { topN: 20 })), want, `${storage} via byte ranges`);
    assert.ok(small.cachedBytes <= 20_000, `cache ${small.cachedBytes}`);
    const keys = splitIndexFile(bytes);
    assert.is(keys.size, 31);
    const kv = await RemoteIvfIndex.open(e, keyedSource(async (k) => keys.get(k) ?? null));
    const twice = await Promise.all([kv.search({ vectors: q, interests: 4 }, { topN: 20 }), kv.search({ vectors: q, interests: 4 }, { topN: 20 })]);
    assert.equal(ans(twice[0]), want, `${storage} via keys`);
    assert.equal(ans(twice[1]), want);
    assert.is(kv.stats.fetches, new Set(whole.probedLists({ vectors: q, interests: 4 })).size, 'each probed list fetched once');
    await kv.search({ vectors: q, interests: 4 }, { topN: 20 });
    assert.ok(kv.stats.hits > 0);
    const server = createServer((req, res) => {
      const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      if (!m) { res.writeHead(200); res.end(bytes); return; }
      const [a, b] = [Number(m[1]), Math.min(Number(m[2]), bytes.length - 1)];
      res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${bytes.length}` });
      res.end(bytes.subarray(a, b + 1));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.ivf`;
    try {
      const http = await RemoteIvfIndex.open(e, httpRangeSource(url));
      assert.equal(ans(await http.search({ vectors: q, interests: 4 }, { topN: 20 })), want, `${storage} via HTTP`);
      const plain = createServer((_q, res) => { res.writeHead(200); res.end(bytes); });
      await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
      let msg = '';
      try { await RemoteIvfIndex.open(e, httpRangeSource(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/x`)); } catch (err) { msg = (err as Error).message; }
      plain.close();
      assert.match(msg, /must answer Range requests with 206/);
    } finally {
      server.close();
    }
    let missing = '';
    try { await (await RemoteIvfIndex.open(e, keyedSource(async (k) => (k === 'head' ? keys.get(k)! : null), 'kv:test'))).search({ vectors: q, interests: 4 }); } catch (err) { missing = (err as Error).message; }
    assert.match(missing, /kv:test: key "list\/\d+" is missing/);
    whole.dispose();
  }
  e.heap.free(E.ptr);
});

test('ByteLru keeps the most recent entries within its budget', () => {
  const c = new ByteLru<number, string>(10);
  c.set(1, 'a', 4); c.set(2, 'b', 4);
  assert.is(c.get(1), 'a'); // 1 is now the most recent
  c.set(3, 'c', 4); // evicts 2
  assert.is(c.get(2), undefined);
  assert.is(c.get(1), 'a');
  assert.is(c.bytes, 8);
  c.set(4, 'huge', 11);
  assert.is(c.get(4), undefined);
  assert.is(c.size, 2);
});

test('RingCache keeps lists in one buffer, evicting only what a new list overwrites', () => {
  const c = new RingCache(10);
  const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
  c.set(1, bytes(4, 1)); c.set(2, bytes(4, 2)); // [0,4) [4,8)
  assert.equal(Array.from(c.get(1)!), [1, 1, 1, 1]);
  assert.is(c.bytes, 8);
  c.set(3, bytes(3, 3)); // does not fit before the end: wraps to [0,3), evicting 1 only
  assert.is(c.get(1), undefined);
  assert.equal(Array.from(c.get(2)!), [2, 2, 2, 2]);
  assert.equal(Array.from(c.get(3)!), [3, 3, 3]);
  c.set(4, bytes(2, 4)); // [3,5): overlaps 2
  assert.is(c.get(2), undefined);
  assert.equal([c.size, c.bytes], [2, 5]);
  assert.is(c.set(5, bytes(11, 5)), undefined, 'larger than the ring: not kept');
  assert.equal(Array.from(c.set(3, bytes(1, 9))!), [9], 'a key set again replaces its entry');
  assert.equal([c.size, c.bytes], [2, 3]);
});

test.run();
