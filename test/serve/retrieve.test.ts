// Blocked exact retrieval against brute force. Item and query values are small multiples of 1/4,
// so every inner product is exact in float32 whatever the GEMM's summation order, and ties are
// frequent: the tie rule (lower item first) is checked across item blocks and query chunks too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { poolTensor, tensor } from '../../src/tensor.js';
import { ParamStore } from '../../src/nn/params.js';
import { retrieve, type RetrieveOptions } from '../../src/serve/retrieve.js';
import { mergeDense, topNPerInterest } from '../../src/serve/merge.js';
import { controllableAggregate } from '../../src/serve/aggregate.js';
import { MostPopular } from '../../src/models/most-popular.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';

const [N, D, Q, B, T] = [301, 8, 3, 7, 5];

function quarterInts(rng: Rng, count: number): Float32Array {
  return Float32Array.from({ length: count }, () => (rng.int(9) - 4) / 4);
}

/** A stand-in model: fixed item table and fixed query vectors with some inactive interests. */
function fakeModel(seed: number) {
  const rng = new Rng(seed);
  const items = quarterInts(rng, N * D);
  items.fill(0, 0, D); // padding row
  const queries = quarterInts(rng, B * Q * D);
  const active = Uint8Array.from({ length: B * Q }, (_, r) => (r % Q === 0 || rng.uniform() < 0.6 ? 1 : 0));
  const table = poolTensor([N, D], items);
  const model = {
    kind: 'Fake', config: { items: N, dim: D, interests: Q, seqLen: T, seed }, params: new ParamStore(new Rng(1)),
    itemTable: () => table,
    interests: () => ({ vectors: tensor(queries, [B, Q, D]), active }),
    queries: () => ({ vectors: tensor(queries, [B, Q, D]), active }),
    loss: () => { throw new Error('not trained'); },
  } as unknown as RetrievalModel;
  const hist = Int32Array.from({ length: B * T }, () => 1 + rng.int(N - 1));
  const len = Int32Array.from({ length: B }, () => 1 + rng.int(T));
  const mask = Float32Array.from({ length: B * T }, (_, i) => (i % T < len[Math.floor(i / T)] ? 1 : 0));
  for (let i = 0; i < B * T; i++) if (!mask[i]) hist[i] = 0;
  const batch: RetrievalBatch = { B, T, hist, mask, len };
  /** Exact dense scores of user u: [Q, N] in float64. */
  const dense = (u: number) => {
    const s = new Float64Array(Q * N);
    for (let k = 0; k < Q; k++) {
      for (let i = 0; i < N; i++) {
        let acc = 0;
        for (let d = 0; d < D; d++) acc += queries[(u * Q + k) * D + d] * items[i * D + d];
        s[k * N + i] = acc;
      }
    }
    return s;
  };
  const history = (u: number) => Array.from(hist.subarray(u * T, u * T + len[u]));
  return { model, batch, dense, active, history };
}

const layouts: [string, Partial<RetrieveOptions>][] = [
  ['one block', {}],
  ['item blocks of 64', { itemBlock: 64 }],
  ['item blocks of 7 (smaller than N)', { itemBlock: 7 }],
  ['blocks of 1 item, 2 query rows per chunk', { itemBlock: 1, maxScores: 2 }],
  ['query chunks of 5 rows', { itemBlock: 100, maxScores: 500 }],
];

test('retrieve equals brute-force max-over-active-interests top-N for every block layout', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const f = fakeModel(3);
  for (const [name, layout] of layouts) {
    for (const filterHistory of [false, true]) {
      const got = retrieve(f.model, f.batch, { topN: 25, filterHistory, ...layout });
      for (let u = 0; u < B; u++) {
        const want = mergeDense(f.dense(u), Q, 25, { active: f.active.subarray(u * Q, u * Q + Q), exclude: filterHistory ? f.history(u) : [] });
        assert.equal(Array.from(got[u].ids), Array.from(want.ids), `${name}, filterHistory ${filterHistory}, user ${u}`);
        assert.equal(Array.from(got[u].scores), Array.from(want.scores), `${name}: scores of user ${u}`);
        assert.ok(!got[u].ids.includes(0), 'padding never returned');
        if (filterHistory) assert.ok(!f.history(u).some((i) => got[u].ids.includes(i)), 'history removed');
      }
      e.heap.resetArena();
    }
  }
});

test('topN beyond the catalogue returns every item once; topN 0 returns empty lists', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const f = fakeModel(4);
  const all = retrieve(f.model, f.batch, { topN: 1000, itemBlock: 50 });
  for (const l of all) {
    assert.is(l.ids.length, N - 1);
    assert.is(new Set(l.ids).size, N - 1);
  }
  assert.ok(retrieve(f.model, f.batch, { topN: 0 }).every((l) => l.ids.length === 0));
  e.heap.resetArena();
});

test('diversity: λ = 0 is the plain merge; λ > 0 equals the aggregation of the exact per-interest lists', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const f = fakeModel(5);
  const categories = (i: number) => i % 6;
  const plain = retrieve(f.model, f.batch, { topN: 20 });
  const zero = retrieve(f.model, f.batch, { topN: 20, itemBlock: 32, diversity: { lambda: 0, categories } });
  const div = retrieve(f.model, f.batch, { topN: 20, itemBlock: 32, diversity: { lambda: 0.5, categories } });
  for (let u = 0; u < B; u++) {
    assert.equal(Array.from(zero[u].ids), Array.from(plain[u].ids));
    const lists = topNPerInterest(f.dense(u), Q, 20, { active: f.active.subarray(u * Q, u * Q + Q) });
    const want = controllableAggregate(lists, { n: 20, lambda: 0.5, categories });
    assert.equal(Array.from(div[u].ids), Array.from(want.ids), `user ${u}`);
  }
  e.heap.resetArena();
});

test('a ranker (MostPopular) goes through retrieve, with history filtering', async () => {
  await init({ backend: 'wasm-simd' });
  const batch: RetrievalBatch = { B: 1, T: 3, hist: Int32Array.from([2, 5, 0]), mask: Float32Array.from([1, 1, 0]), len: Int32Array.from([2]) };
  const pop = new MostPopular(100);
  assert.equal(Array.from(retrieve(pop, batch, { topN: 5 })[0].ids), [1, 2, 3, 4, 5]);
  assert.equal(Array.from(retrieve(pop, batch, { topN: 5, filterHistory: true })[0].ids), [1, 3, 4, 6, 7]);
  assert.throws(() => retrieve(pop, batch, { topN: -1 }), /topN = -1/);
});

test.run();
