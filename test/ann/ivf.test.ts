// The IVF index against exact retrieval: recall on a clustered table, exact equality when every
// list is probed (quarter-integer values keep every inner product exact in float32), determinism,
// edge cases (nprobe > lists, empty lists, K = 1, inactive interests, topN 0), history exclusion,
// diversity aggregation, int8 re-rank, and shards (slices) merging to the whole index's answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/engine/random.js';
import type { Engine } from '../../src/engine/engine.js';
import { poolTensor, type Tensor } from '../../src/tensor.js';
import { IvfIndex } from '../../src/ann/ivf-index.js';
import { mergeShardInterests } from '../../src/ann/ivf-search.js';
import { clusterCentres, clusteredQueries, clusteredRows } from '../../src/ann/synthetic.js';
import { mergeDense } from '../../src/serve/merge.js';
import { controllableAggregate } from '../../src/serve/aggregate.js';
import { topNPerInterest } from '../../src/serve/merge.js';
import { f32Backends } from '../helpers/engines.js';

const D = 8;

function quarterTable(e: Engine, N: number, seed: number): { E: Tensor; items: Float32Array } {
  const rng = new Rng(seed);
  const items = Float32Array.from({ length: N * D }, (_, i) => (i < D ? 0 : (rng.int(17) - 8) / 4));
  return { E: poolTensor([N, D], items, e), items };
}

function dense(items: Float32Array, q: Float32Array, N: number): Float64Array {
  const Q = q.length / D;
  const s = new Float64Array(Q * N);
  for (let k = 0; k < Q; k++) for (let i = 0; i < N; i++) {
    let a = 0;
    for (let t = 0; t < D; t++) a += q[k * D + t] * items[i * D + t];
    s[k * N + i] = a;
  }
  return s;
}

test('probing every list equals exact retrieval (f32), on every backend', async () => {
  for (const e of await f32Backends()) {
    const N = 500;
    const { E, items } = quarterTable(e, N, 1);
    const idx = IvfIndex.build(E, { lists: 7, seed: 3 });
    const rng = new Rng(2);
    for (let u = 0; u < 5; u++) {
      const q = Float32Array.from({ length: 3 * D }, () => (rng.int(17) - 8) / 4);
      const got = idx.search({ vectors: q, interests: 3 }, { topN: 20, nprobe: 99 })[0];
      const want = mergeDense(dense(items, q, N), 3, 20);
      assert.equal(Array.from(got.ids), Array.from(want.ids), `${e.backend} user ${u}`);
      assert.equal(Array.from(got.scores), Array.from(want.scores));
    }
    idx.dispose();
    e.heap.free(E.ptr);
  }
});

test('clustered table: recall@50 vs exact ≥ 0.95 with a few probes; f16/int8 close behind', async () => {
  const [, , e] = await f32Backends();
  const o = { rows: 20_001, dim: 16, clusters: 40 };
  const cen = clusterCentres(o);
  const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows), e);
  const items = Float32Array.from(E.data);
  const q = clusteredQueries(o, cen, 4 * 10);
  for (const storage of ['f32', 'f16', 'int8'] as const) {
    const idx = IvfIndex.build(E, { lists: 64, storage, seed: 1 });
    assert.is(idx.size, o.rows - 1);
    let hit = 0;
    for (let u = 0; u < 10; u++) {
      const qu = q.subarray(u * 4 * 16, (u + 1) * 4 * 16);
      const got = idx.search({ vectors: qu, interests: 4 }, { topN: 50, nprobe: 6 })[0];
      const s = new Float64Array(4 * o.rows);
      for (let k = 0; k < 4; k++) for (let i = 0; i < o.rows; i++) { let a = 0; for (let t = 0; t < 16; t++) a += qu[k * 16 + t] * items[i * 16 + t]; s[k * o.rows + i] = a; }
      const want = new Set(mergeDense(s, 4, 50).ids);
      for (const i of got.ids) if (want.has(i)) hit++;
    }
    const recall = hit / 500;
    assert.ok(recall >= (storage === 'f32' ? 0.95 : 0.9), `${storage}: recall ${recall}`);
    idx.dispose();
  }
  e.heap.free(E.ptr);
});

test('deterministic: two builds give the same lists and the same answers', async () => {
  const [, , e] = await f32Backends();
  const { E } = quarterTable(e, 800, 5);
  const a = IvfIndex.build(E, { lists: 16, storage: 'int8', seed: 9 });
  const b = IvfIndex.build(E, { lists: 16, storage: 'int8', seed: 9 });
  assert.equal(Array.from(a.counts), Array.from(b.counts));
  assert.equal(Array.from(a.ids), Array.from(b.ids));
  const q = Float32Array.from({ length: 2 * 4 * D }, (_, i) => ((i * 7) % 13) / 8 - 0.75);
  const ra = a.search({ vectors: q, interests: 4 }, { topN: 30, nprobe: 3 });
  const rb = b.search({ vectors: q, interests: 4 }, { topN: 30, nprobe: 3 });
  assert.equal(ra.map((r) => Array.from(r.ids)), rb.map((r) => Array.from(r.ids)));
  assert.is(ra.length, 2);
  a.dispose(); b.dispose();
  e.heap.free(E.ptr);
});

test('edge cases: K = 1, nprobe > lists, empty lists, inactive interests, topN 0', async () => {
  const [, , e] = await f32Backends();
  // 3 distinct rows repeated: 6 lists, so k-means leaves duplicates and some lists empty.
  const N = 61;
  const items = new Float32Array(N * D);
  for (let i = 1; i < N; i++) for (let t = 0; t < D; t++) items[i * D + t] = ((i % 3) + 1) * (t === i % 3 ? 1 : 0.25);
  const E = poolTensor([N, D], items, e);
  const idx = IvfIndex.build(E, { lists: 6, seed: 1, init: 'random' });
  assert.ok(Array.from(idx.counts).some((c) => c === 0), `some list is empty: ${idx.counts}`);
  const q = Float32Array.from({ length: D }, (_, t) => (t === 1 ? 1 : 0));
  const one = idx.search({ vectors: q }, { topN: 5, nprobe: 100 })[0];
  const want = mergeDense(dense(items, q, N), 1, 5);
  assert.equal(Array.from(one.ids), Array.from(want.ids));
  const two = Float32Array.from({ length: 2 * D }, (_, i) => (i % D === 0 ? 1 : 0));
  assert.is(idx.search({ vectors: two, interests: 2, active: [0, 0] }, { topN: 5 })[0].ids.length, 0);
  assert.is(idx.search({ vectors: q }, { topN: 0 })[0].ids.length, 0);
  assert.throws(() => idx.search({ vectors: q }, { nprobe: 0 }), /nprobe = 0/);
  assert.throws(() => idx.search({ vectors: q.subarray(1) }), /not \[B, Q/);
  assert.throws(() => idx.attachRows(null).search({ vectors: q }, { rerank: 10 }), /rerank needs/);
  assert.throws(() => IvfIndex.build(E, { lists: 61 }), /60 items/);
  idx.dispose();
  e.heap.free(E.ptr);
});

test('exclusions, diversity and int8 re-rank act on the candidates', async () => {
  const [, , e] = await f32Backends();
  const N = 400;
  const { E, items } = quarterTable(e, N, 8);
  const idx = IvfIndex.build(E, { lists: 5, seed: 2 });
  const q = Float32Array.from({ length: 2 * D }, (_, i) => ((i * 5) % 9) / 4 - 1);
  const s = dense(items, q, N);
  const hist = Array.from(mergeDense(s, 2, 4).ids);
  const got = idx.search({ vectors: q, interests: 2 }, { topN: 10, nprobe: 5, exclude: [hist] })[0];
  assert.equal(Array.from(got.ids), Array.from(mergeDense(s, 2, 10, { exclude: hist }).ids));
  const cats = (i: number) => i % 3;
  const div = idx.search({ vectors: q, interests: 2 }, { topN: 10, nprobe: 5, diversity: { lambda: 2, categories: cats } })[0];
  const wantDiv = controllableAggregate(topNPerInterest(s, 2, 10), { n: 10, lambda: 2, categories: cats });
  assert.equal(Array.from(div.ids), Array.from(wantDiv.ids));
  const i8 = IvfIndex.build(E, { lists: 5, seed: 2, storage: 'int8' });
  const rr = i8.search({ vectors: q, interests: 2 }, { topN: 10, nprobe: 5, rerank: 40 })[0];
  assert.equal(Array.from(rr.scores), Array.from(mergeDense(s, 2, 10).scores), 're-ranked scores are exact');
  idx.dispose(); i8.dispose();
  e.heap.free(E.ptr);
});

test('slices (shards) with shared centroids merge to the whole index answer', async () => {
  const [, , e] = await f32Backends();
  const o = { rows: 3001, dim: D, clusters: 12 };
  const cen = clusterCentres(o);
  const E = poolTensor([o.rows, D], clusteredRows(o, cen, 0, o.rows), e);
  for (const storage of ['f32', 'int8'] as const) {
    const whole = IvfIndex.build(E, { lists: 24, seed: 4, storage });
    const shards = [whole.slice(1, 1000), whole.slice(1000, 2200), whole.slice(2200, o.rows)];
    assert.is(shards.reduce((a, s) => a + s.size, 0), whole.size);
    const q = clusteredQueries(o, cen, 3 * 4);
    const opts = { topN: 25, nprobe: 3, exclude: [[5, 1500, 2999]] };
    for (let u = 0; u < 3; u++) {
      const qu = { vectors: q.subarray(u * 4 * D, (u + 1) * 4 * D), interests: 4 };
      const want = whole.search(qu, opts)[0];
      const got = mergeShardInterests(shards.map((s) => s.searchInterests(qu, opts)[0]), 25);
      assert.equal(Array.from(got.ids), Array.from(want.ids), `${storage} user ${u}`);
      assert.equal(Array.from(got.scores), Array.from(want.scores));
    }
    for (const s of shards) s.dispose();
    whole.dispose();
  }
  e.heap.free(E.ptr);
});

test.run();
