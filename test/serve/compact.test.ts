// Compact item tables in serving: f16 of quarter-integer tables is exact, so retrieval from it
// must equal the float32 path for every block layout; int8 stays within its error bound; on a
// trained synthetic model the compact top-50 overlaps the exact one; Recommender.compact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { poolTensor, tensor } from '../../src/tensor.js';
import { ParamStore } from '../../src/nn/params.js';
import { retrieve, type RetrieveOptions } from '../../src/serve/retrieve.js';
import { CompactItemTable } from '../../src/serve/compact.js';
import { Recommender } from '../../src/serve/recommender.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval, evalCases, casesBatch } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';
import { NULL_PTR } from '../../src/engine/abi/index.js';

const [N, D, Q, B, T] = [301, 12, 3, 6, 5];

/** Fixed quarter-integer items and queries (exact in f16 and in any f32 summation order). */
function fakeModel(seed: number) {
  const rng = new Rng(seed);
  const quarter = (n: number) => Float32Array.from({ length: n }, () => (rng.int(9) - 4) / 4);
  const items = quarter(N * D).fill(0, 0, D);
  const queries = quarter(B * Q * D);
  const active = Uint8Array.from({ length: B * Q }, (_, r) => (r % Q === 0 || rng.uniform() < 0.6 ? 1 : 0));
  const table = poolTensor([N, D], items);
  const model = {
    kind: 'Fake', config: { items: N, dim: D, interests: Q, seqLen: T, seed }, params: new ParamStore(new Rng(1)),
    itemTable: () => table,
    queries: () => ({ vectors: tensor(queries, [B, Q, D]), active }),
  } as unknown as RetrievalModel;
  const hist = Int32Array.from({ length: B * T }, () => 1 + rng.int(N - 1));
  const len = Int32Array.from({ length: B }, () => 1 + rng.int(T));
  const mask = Float32Array.from({ length: B * T }, (_, i) => (i % T < len[Math.floor(i / T)] ? 1 : 0));
  const batch: RetrievalBatch = { B, T, hist, mask, len };
  return { model, batch, table, items, queries };
}

const layouts: Partial<RetrieveOptions>[] = [{}, { itemBlock: 64 }, { itemBlock: 7 }, { itemBlock: 1, maxScores: 16 }, { itemBlock: 100, maxScores: 500 }];

test('f16 table of exact values: retrieve equals the float32 path for every block layout and backend', async () => {
  for (const backend of ['wasm-simd', 'wasm', 'js'] as const) await f16EqualsF32(backend);
});

async function f16EqualsF32(backend: 'wasm-simd' | 'wasm' | 'js') {
  const e = await init({ backend });
  const f = fakeModel(3);
  const c = CompactItemTable.fromTable(f.table, 'f16');
  assert.equal(Array.from(c.toFloat32()), Array.from(f.items));
  for (const layout of layouts) {
    for (const filterHistory of [false, true]) {
      const want = retrieve(f.model, f.batch, { topN: 25, filterHistory, ...layout });
      const got = retrieve(f.model, f.batch, { topN: 25, filterHistory, table: c, ...layout });
      for (let u = 0; u < B; u++) {
        assert.equal(Array.from(got[u].ids), Array.from(want[u].ids), `${backend} ${JSON.stringify(layout)} filter ${filterHistory} user ${u}`);
        assert.equal(Array.from(got[u].scores), Array.from(want[u].scores));
        assert.ok(!got[u].ids.includes(0), 'padding never returned');
      }
      e.heap.resetArena();
    }
  }
  const all = retrieve(f.model, f.batch, { topN: 1000, itemBlock: 50, table: c });
  assert.ok(all.every((l) => l.ids.length === N - 1 && new Set(l.ids).size === N - 1 && !l.ids.includes(0)));
  c.dispose();
  e.heap.resetArena();
}

test('int8 table: per-item scales, scores within Σ|q|·scale/2 of float32, sizes and errors', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const f = fakeModel(4);
  const c = CompactItemTable.fromTable(f.table, 'int8');
  assert.is(c.bytesPerItem, D + 4);
  assert.is(c.byteLength, Math.ceil(N / 8) * 8 * (D + 4));
  assert.is(CompactItemTable.fromTable(f.table, 'f16').bytesPerItem, 2 * D);
  assert.match(String(c), /CompactItemTable\(int8, 301x12/);
  const dec = c.toFloat32();
  const q = f.queries.subarray(0, 2 * D);
  const s = c.score(q); // [2, N]
  for (let i = 1; i < N; i++) {
    let m = 0;
    for (let k = 0; k < D; k++) m = Math.max(m, Math.abs(f.items[i * D + k]));
    for (let r = 0; r < 2; r++) {
      let exact = 0, bound = 1e-6;
      for (let k = 0; k < D; k++) {
        exact += q[r * D + k] * f.items[i * D + k];
        bound += (Math.abs(q[r * D + k]) * m) / 127 / 2;
        assert.ok(Math.abs(dec[i * D + k] - f.items[i * D + k]) <= m / 254 + 1e-7);
      }
      assert.ok(Math.abs(s[r * N + i] - exact) <= bound, `item ${i} row ${r}: ${s[r * N + i]} vs ${exact}`);
    }
  }
  assert.throws(() => CompactItemTable.fromTable(f.table, 'int4' as 'int8'), /format "int4"/);
  const bad = poolTensor([9, D], Float32Array.from({ length: 9 * D }, (_, i) => (i === 5 * D + 1 ? NaN : 1)));
  assert.throws(() => CompactItemTable.fromTable(bad, 'int8'), /NaN\/Inf at row 5/);
  const other = CompactItemTable.fromTable(poolTensor([N + 1, D]), 'f16');
  assert.throws(() => retrieve(f.model, f.batch, { topN: 5, table: other }), /was not built from this item table/);
  assert.throws(() => c.scoreInto(1, NULL_PTR, D, 3, 8, NULL_PTR, 8), /multiple of 8/);
  c.dispose();
  other.dispose();
  e.heap.resetArena();
});

test('trained ComiRec-SA on synthetic data: compact top-50 overlaps the exact top-50; Recommender.compact', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const synth = generateSynthetic('small', { users: 1200 });
  const ds = prepareRetrieval(synth.events, { filter: false });
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 32, seqLen: 20 });
  new Trainer(model, ds, { batchSize: 128, maxSteps: 300, evalEvery: 10_000, lr: 5e-3 }).fit();
  const cases = evalCases(ds, 'test', 20);
  const batch = casesBatch(cases, 0, 200);
  const exact = retrieve(model, batch, { topN: 50 });
  const overlap: Record<string, number> = {};
  for (const fmt of ['f16', 'int8'] as const) {
    const c = CompactItemTable.fromTable(model.itemTable(), fmt);
    const got = retrieve(model, batch, { topN: 50, table: c });
    let sum = 0;
    got.forEach((l, u) => {
      const want = new Set(exact[u].ids);
      sum += l.ids.filter((i) => want.has(i)).length / 50;
    });
    overlap[fmt] = sum / got.length;
    c.dispose();
    e.heap.resetArena();
  }
  console.log(`  top-50 overlap with exact (${ds.vocab.size - 1} items, 200 users): f16 ${overlap.f16.toFixed(4)}, int8 ${overlap.int8.toFixed(4)}`);
  assert.ok(overlap.f16 >= 0.99, `f16 overlap ${overlap.f16}`);
  assert.ok(overlap.int8 >= 0.97, `int8 overlap ${overlap.int8}`);

  const rec = new Recommender(model, ds.vocab);
  const history = Array.from(ds.sequences[0].subarray(0, 8), (i) => ds.vocab.raw(i));
  const plain = rec.recommend(history, { topN: 50 });
  assert.is(rec.servingTable, 'f32');
  assert.is(rec.servingTableBytes, ds.vocab.size * 32 * 4);
  rec.compact('int8');
  assert.is(rec.servingTable, 'int8');
  assert.ok(rec.servingTableBytes < (ds.vocab.size * 32 * 4) / 3.4);
  const small = rec.recommend(history, { topN: 50 });
  const shared = small.filter((r) => plain.some((p) => p.item === r.item)).length;
  assert.ok(shared >= 45, `int8 list shares ${shared} of 50 with the exact one`);
  const filtered = rec.recommend(history, { topN: 50, filterHistory: true });
  assert.is(filtered.length, 50);
  assert.ok(filtered.every((r) => !history.includes(r.item)));
  assert.equal(rec.compact('f32').recommend(history, { topN: 50 }), plain, 'back to exact float32');
});

test.run();
