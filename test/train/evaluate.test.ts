// docs/protocols.md#test-procedure evaluation and docs/protocols.md#interest-recovery interest recovery: a hand-built model whose interest vectors point at
// known clusters gives the recovery, purity and redundancy computed by hand; plantedTruth joins
// the generator's truth to a prepared dataset by raw ids.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { poolTensor, tensor } from '../../src/tensor.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval, type EvalCases } from '../../src/data/protocol.js';
import { interestRecovery, plantedTruth, evaluateRetrieval, recallAt } from '../../src/train/evaluate.js';
import { MostPopular } from '../../src/models/most-popular.js';
import type { RetrievalModel } from '../../src/models/types.js';

const [C, PER, K, D] = [3, 30, 4, 3];
const N = 1 + C * PER;
const cluster = Int32Array.from({ length: N }, (_, i) => (i === 0 ? -1 : (i - 1) % C)); // interleaved
const e = (c: number) => [0, 1, 2].map((d) => (d === c ? 1 : 0));
const zero = [0, 0, 0];
const half = [0.5, 0, 0.5];

test('interestRecovery: recovery, purity, redundancy and per-|P_u| recovery by hand', async () => {
  await init({ backend: 'wasm-simd' });
  const items = new Float32Array(N * D);
  for (let i = 1; i < N; i++) items[i * D + cluster[i]] = 1;
  const table = poolTensor([N, D], items);
  // u0 (P = {0, 1}): e0, e1, e1 again, a 50/50 mix → recovery 1, redundancy 1/3, purity 3.5/4.
  // u1 (P = {2}): e0 and three inactive interests → recovery 0, redundancy 0, purity 1.
  // u2 (P = {0, 1, 2}): e2, e0, a zero vector (top 20 = items 1..20: shares 7/7/6), e1 → recovery 1.
  const vectors = [e(0), e(1), e(1), half, e(0), zero, zero, zero, e(2), e(0), zero, e(1)].flat();
  const active = Uint8Array.from([1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1]);
  const model = {
    kind: 'Fake', config: { items: N, dim: D, interests: K, seqLen: 2 }, itemTable: () => table,
    // The batch's first history slot names the user (1-based), so any batching works.
    interests: (b: { B: number; T: number; hist: Int32Array }) => {
      const us = Array.from({ length: b.B }, (_, r) => b.hist[r * b.T] - 1);
      return {
        vectors: tensor(us.flatMap((u) => vectors.slice(u * K * D, (u + 1) * K * D)), [b.B, K, D]),
        active: Uint8Array.from(us.flatMap((u) => Array.from(active.subarray(u * K, (u + 1) * K)))),
      };
    },
  } as unknown as RetrievalModel;
  const cases = { split: 'test', B: 3, T: 2, users: Int32Array.from([0, 1, 2]), hist: Int32Array.from([1, 1, 2, 2, 3, 3]), mask: new Float32Array(6).fill(1), len: new Int32Array(3).fill(2), truth: [], skipped: 0 } as unknown as EvalCases;
  const planted = [[0, 1], [2], [0, 1, 2]];
  const r = interestRecovery(model, cases, { cluster, planted: (u) => planted[u], clusters: C }, { batchSize: 2 });
  assert.is(r.users, 3);
  assert.ok(Math.abs(r.recovery - 2 / 3) < 1e-12, `recovery ${r.recovery}`);
  assert.ok(Math.abs(r.purity - (3.5 + 1 + 3 + 7 / 20) / 9) < 1e-12, `purity ${r.purity}`);
  assert.ok(Math.abs(r.redundancy - 1 / 9) < 1e-12, `redundancy ${r.redundancy}`);
  assert.is(r.vectorsPerUser, 3);
  assert.equal(r.byPlanted, [{ planted: 1, users: 1, recovery: 0 }, { planted: 2, users: 1, recovery: 1 }, { planted: 3, users: 1, recovery: 1 }]);
});

test('plantedTruth maps vocabulary indices and dataset users onto the generator truth', async () => {
  await init({ backend: 'wasm-simd' });
  const synth = generateSynthetic('tiny');
  const ds = prepareRetrieval(synth.events, { filter: false });
  const truth = plantedTruth(synth, ds);
  assert.is(truth.clusters, synth.config.clusters);
  const internal = new Map(synth.items.ids.map((raw, i) => [raw, i]));
  for (let i = 1; i < ds.vocab.size; i++) assert.is(truth.cluster[i], synth.items.cluster[internal.get(ds.vocab.raw(i))!]);
  const users = new Map(synth.users.ids.map((raw, u) => [raw, u]));
  for (const u of ds.test) assert.equal(Array.from(truth.planted(u)), Array.from(synth.truth.planted[users.get(ds.userIds[u])!]));
  // Cluster as category: Diversity@N is reported; MostPopular's lists are scored like any other.
  const cases = evalCases(ds, 'test', 20);
  const report = evaluateRetrieval(new MostPopular(ds.vocab.size), cases, { categories: truth.cluster });
  assert.ok(report.rows.every((row) => row.diversity! > 0 && row.diversity! <= 1));
  assert.ok(recallAt(report, 50) >= recallAt(report, 20));
  assert.throws(() => recallAt(report, 10), /N=10 was not evaluated \(have 20, 50\)/);
  const other = prepareRetrieval(generateSynthetic('tiny', { itemsPerCluster: 60, users: 300 }).events, { filter: false });
  assert.throws(() => plantedTruth(synth, other), /plantedTruth: (item|user) ".*" is not in the synthetic data/);
});

test.run();
