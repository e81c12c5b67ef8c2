// The index file: encode → decode gives identical answers for every storage; the head alone
// parses; damaged files fail with an error naming the file and the field, list or item.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { poolTensor } from '../../src/tensor.js';
import { IvfIndex } from '../../src/ann/ivf-index.js';
import { decodeIvf, decodeIvfHead, encodeIvf, headLength, tableFingerprint } from '../../src/ann/ivf-format.js';
import { clusterCentres, clusteredQueries, clusteredRows } from '../../src/ann/synthetic.js';
import { f32Backends } from '../helpers/engines.js';

const o = { rows: 2001, dim: 12, clusters: 9 };

test('round trip: same lists, same answers (f32, f16, int8) on wasm and js', async () => {
  const [js, , simd] = await f32Backends();
  for (const e of [simd, js]) {
    const cen = clusterCentres(o);
    const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows), e);
    const q = clusteredQueries(o, cen, 8);
    for (const storage of ['f32', 'f16', 'int8'] as const) {
      const a = IvfIndex.build(E, { lists: 10, storage, nprobe: 3, seed: 2 });
      const fp = tableFingerprint(E.data, o.rows, o.dim);
      const bytes = encodeIvf(a, fp);
      assert.is(headLength(bytes.subarray(0, 4096)), decodeIvfHead(bytes).header.data[0]);
      assert.is(decodeIvfHead(bytes).header.fingerprint, fp);
      const b = decodeIvf(bytes, e, 'x.ivf');
      assert.equal(Array.from(b.ids), Array.from(a.ids));
      assert.is(b.nprobe, 3);
      const ra = a.search({ vectors: q, interests: 4 }, { topN: 40 });
      const rb = b.search({ vectors: q, interests: 4 }, { topN: 40 });
      assert.equal(rb.map((r) => [Array.from(r.ids), Array.from(r.scores)]), ra.map((r) => [Array.from(r.ids), Array.from(r.scores)]), `${e.backend} ${storage}`);
      a.dispose(); b.dispose();
    }
    e.heap.free(E.ptr);
  }
});

test('damaged files name the problem', async () => {
  const [, , e] = await f32Backends();
  const cen = clusterCentres(o);
  const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows), e);
  const good = encodeIvf(IvfIndex.build(E, { lists: 5, storage: 'int8' }));
  const head = decodeIvfHead(good);
  const bad = (edit: (b: Uint8Array) => void) => { const b = good.slice(); edit(b); return b; };
  assert.throws(() => decodeIvf(bad((b) => { b[0] = 0; }), e, 'a.ivf'), /a\.ivf: not a mirec IVF index/);
  assert.throws(() => decodeIvf(good.subarray(0, 100), e, 'a.ivf'), /a\.ivf: header of \d+ bytes runs past|the head needs/);
  assert.throws(() => decodeIvf(bad((b) => { b[12] = 0x20; b[13] = 0x7b; }), e, 'a.ivf'), /header is not valid JSON/);
  const json = (h: Record<string, unknown>) => bad((b) => {
    const text = new TextEncoder().encode(JSON.stringify(h).padEnd(new DataView(b.buffer).getUint32(8, true), ' '));
    b.set(text, 12);
  });
  assert.throws(() => decodeIvf(json({ ...head.header, storage: 'f8' }), e, 'a.ivf'), /"storage" = "f8"/);
  assert.throws(() => decodeIvf(json({ ...head.header, dim: -3 }), e, 'a.ivf'), /"dim" = -3/);
  assert.throws(() => decodeIvf(json({ ...head.header, items: head.header.items - 1 }), e, 'a.ivf'), /list counts sum to/);
  const dir = head.header.directory[0];
  assert.throws(() => decodeIvf(bad((b) => new DataView(b.buffer).setFloat64(dir + 16, 1e12, true)), e, 'a.ivf'), /directory entry of list 1/);
  const firstId = head.offsets[0];
  assert.throws(() => decodeIvf(bad((b) => new DataView(b.buffer).setInt32(firstId, 99999, true)), e, 'a.ivf'), /list 0 item 0: id 99999 is outside/);
  e.heap.free(E.ptr);
});

test.run();
