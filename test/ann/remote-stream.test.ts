// The partitioned index scores list by list as lists arrive: on a table full of tied scores
// (quarter-integer values, duplicated rows), with history exclusion, every storage, every backend,
// one or many concurrent fetches and caches of any size, its answers equal the in-memory index's;
// Range bodies are streamed into reused buffers (wrong lengths are named); maxQueryBytes drops the
// lowest-ranked probes deterministically and refuses a query whose nearest lists exceed it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/engine/random.js';
import { poolTensor } from '../../src/tensor.js';
import { IvfIndex } from '../../src/ann/ivf-index.js';
import { decodeIvf, decodeIvfHead, encodeIvf } from '../../src/ann/ivf-format.js';
import { RemoteIvfIndex, bytesSource, httpRangeSource, type IndexSource, type RangeResponse } from '../../src/ann/remote-index.js';
import { f32Backends } from '../helpers/engines.js';

const D = 8, N = 3000, K = 3;
const ans = (r: { ids: Int32Array; scores: Float64Array }[]) => r.map((x) => [Array.from(x.ids), Array.from(x.scores)]);

/** Quarter-integer rows, each value repeated in 3 rows: many exactly tied scores. */
function tiedTable(seed: number): Float32Array {
  const rng = new Rng(seed);
  const v = new Float32Array(N * D);
  for (let i = 1; i < N; i++) for (let t = 0; t < D; t++) v[i * D + t] = i % 3 === 1 || i < 3 ? (rng.int(9) - 4) / 4 : v[(i - 1) * D + t];
  return v;
}

/** A source over bytes that answers readInto like a BYOB reader (fresh buffer identity each time). */
function streamingSource(bytes: Uint8Array): IndexSource & { reads: number } {
  const src = {
    ...bytesSource(bytes, 'streamed'),
    reads: 0,
    async readInto(_l: number, offset: number, length: number, into: Uint8Array): Promise<Uint8Array> {
      src.reads++;
      await new Promise((r) => setTimeout(r, (offset >> 4) % 3)); // arrivals out of order
      into.set(bytes.subarray(offset, offset + length));
      const buf = into.buffer as ArrayBuffer & { transfer?: () => ArrayBuffer };
      const moved = buf.transfer ? buf.transfer() : buf; // as a BYOB read does
      return new Uint8Array(moved, into.byteOffset, length);
    },
  };
  return src;
}

test('list-by-list scoring equals the in-memory index (ties, exclusion, storages, backends, concurrency)', async () => {
  for (const e of await f32Backends()) {
    const E = poolTensor([N, D], tiedTable(1), e);
    const rng = new Rng(7);
    const users = 4;
    const q = Float32Array.from({ length: users * K * D }, () => (rng.int(9) - 4) / 4);
    const active = Uint8Array.from({ length: users * K }, (_, i) => (i % 5 === 4 ? 0 : 1));
    const exclude = Array.from({ length: users }, (_, u) => Int32Array.from({ length: 5 * u }, (_, j) => 1 + ((j * 37 + u) % (N - 1))));
    for (const storage of ['f32', 'f16', 'int8'] as const) {
      const bytes = encodeIvf(IvfIndex.build(E, { lists: 24, storage, nprobe: 5, seed: 2 }));
      const whole = decodeIvf(bytes, e);
      for (const nprobe of [1, 5, 24]) {
        const opts = { topN: 30, nprobe, exclude };
        const want = ans(whole.search({ vectors: q, interests: K, active }, opts));
        for (const [cacheBytes, fetchConcurrency] of [[0, 1], [4000, 2], [1 << 24, 8]]) {
          const src = streamingSource(bytes);
          const r = await RemoteIvfIndex.open(e, src, { cacheBytes, fetchConcurrency });
          const twice = await Promise.all([r.search({ vectors: q, interests: K, active }, opts), r.search({ vectors: q, interests: K, active }, opts)]);
          const tag = `${e.backend} ${storage} nprobe ${nprobe} cache ${cacheBytes} x${fetchConcurrency}`;
          assert.equal(ans(twice[0]), want, tag);
          assert.equal(ans(twice[1]), want, tag);
          assert.is(src.reads, r.stats.fetches, `${tag}: concurrent queries share each fetch`);
          assert.ok(r.cachedBytes <= cacheBytes, tag);
          r.dispose();
        }
      }
      whole.dispose();
    }
    e.heap.free(E.ptr);
  }
});

test('Range bodies are streamed into the caller buffer; short and long bodies are refused', async () => {
  const bytes = new Uint8Array(5000).map((_, i) => i % 251);
  const respond = (body: Uint8Array, chunk: number): RangeResponse => ({
    status: 206,
    arrayBuffer: async () => { throw new Error('arrayBuffer must not be called when the body streams'); },
    body: new ReadableStream({ type: 'bytes', start(c) { for (let a = 0; a < body.length; a += chunk) c.enqueue(body.slice(a, a + chunk)); c.close(); } }),
  });
  for (const chunk of [1, 7, 4096]) {
    const src = httpRangeSource('mem://x', async (_u, init) => {
      const [a, b] = /bytes=(\d+)-(\d+)/.exec(init.headers.Range)!.slice(1).map(Number);
      return respond(bytes.subarray(a, b + 1), chunk);
    });
    const into = new Uint8Array(1000);
    const got = await src.readInto!(0, 100, 300, into);
    assert.equal(Array.from(got), Array.from(bytes.subarray(100, 400)), `chunk ${chunk}`);
    assert.is(got.byteLength, 300);
  }
  for (const [len, want] of [[299, /got 299 bytes, expected 300/], [301, /got more than 300 bytes/]] as const) {
    const src = httpRangeSource('mem://bad', async () => respond(bytes.subarray(0, len), 64));
    let msg = '';
    try { await src.readInto!(0, 0, 300, new Uint8Array(300)); } catch (err) { msg = (err as Error).message; }
    assert.match(msg, want);
    assert.match(msg, /mem:\/\/bad: bytes 0-299/);
  }
});

test('maxQueryBytes drops the lowest-ranked probes deterministically, or refuses with the cap named', async () => {
  const [, , e] = await f32Backends();
  const E = poolTensor([N, D], tiedTable(3), e);
  const bytes = encodeIvf(IvfIndex.build(E, { lists: 20, storage: 'int8', nprobe: 8, seed: 1 }));
  const head = decodeIvfHead(bytes);
  const rng = new Rng(11);
  const q = Float32Array.from({ length: K * D }, () => (rng.int(9) - 4) / 4);
  const full = await RemoteIvfIndex.open(e, bytesSource(bytes));
  const want = ans(await full.search({ vectors: q, interests: K }, { topN: 20 }));
  const lists = full.probeOrder({ vectors: q, interests: K });
  const total = [...new Set(lists.flat())].reduce((s, l) => s + head.lengths[l], 0);
  const roomy = await RemoteIvfIndex.open(e, bytesSource(bytes), { maxQueryBytes: total });
  assert.equal(ans(await roomy.search({ vectors: q, interests: K }, { topN: 20 })), want, 'a cap at the probed bytes changes nothing');
  assert.is(roomy.stats.probesDropped, 0);
  const firsts = [...new Set(lists.map((l) => l[0]))].reduce((s, l) => s + head.lengths[l], 0);
  const cap = Math.floor((firsts + total) / 2);
  const answers = [];
  for (const cacheBytes of [0, 1 << 24]) {
    const capped = await RemoteIvfIndex.open(e, bytesSource(bytes), { maxQueryBytes: cap, cacheBytes });
    answers.push(ans(await capped.search({ vectors: q, interests: K }, { topN: 20 })));
    assert.ok(capped.stats.probesDropped > 0);
    assert.ok(capped.stats.bytesFetched <= cap, `fetched ${capped.stats.bytesFetched} ≤ ${cap}`);
  }
  assert.equal(answers[0], answers[1], 'the cache does not change a capped answer');
  const tight = await RemoteIvfIndex.open(e, bytesSource(bytes), { maxQueryBytes: firsts - 1 });
  let msg = '';
  try { await tight.search({ vectors: q, interests: K }, { topN: 20 }); } catch (err) { msg = (err as Error).message; }
  assert.match(msg, new RegExp(`nearest lists of the query's interests need more than maxQueryBytes = ${firsts - 1}`));
  e.heap.free(E.ptr);
});

test.run();
