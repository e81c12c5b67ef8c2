// Trainer, retrieval and baselines on the synthetic 'tiny' preset: the loss falls and validation
// recall is tracked, early stopping fires, a resumed run continues bit-identically, a NaN stops
// training with a clear message, retrieval equals brute force, MostPopular is 1..N.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { casesBatch, evalCases, prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { YouTubeDNN } from '../../src/models/youtube-dnn.js';
import { MostPopular } from '../../src/models/most-popular.js';
import { Trainer, type TrainProgress } from '../../src/train/trainer.js';
import { evaluateRetrieval, recallAt } from '../../src/train/evaluate.js';
import { retrieve } from '../../src/serve/retrieve.js';
import { mergeDense } from '../../src/serve/merge.js';
import { noGrad } from '../../src/autograd/tape.js';
import { matmul, reshape } from '../../src/ops/index.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
const T = 20;
const sa = () => new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: T, seed: 2 });

test('fit: loss falls, progress is reported, best weights restored, beats MostPopular', async () => {
  await init({ backend: 'wasm-simd' });
  const events: TrainProgress[] = [];
  const model = sa();
  const t = new Trainer(model, ds, { batchSize: 64, lr: 5e-3, evalEvery: 50, maxSteps: 300, progressEvery: 10, onProgress: (p) => events.push(p) });
  const r = t.fit();
  assert.is(r.steps, 300);
  assert.ok(r.lossCurve.at(-1)!.loss < r.lossCurve[0].loss - 0.5, `loss ${r.lossCurve[0].loss} → ${r.lossCurve.at(-1)!.loss}`);
  assert.ok(events.some((p) => p.valRecall50 !== undefined) && events.some((p) => p.stepsPerSec > 0));
  assert.ok(Math.abs(t.validate() - r.bestRecall50) < 1e-9, 'the best weights are the ones left in the model');
  const test = evalCases(ds, 'test', T);
  const pop = recallAt(evaluateRetrieval(new MostPopular(ds.vocab.size), test), 50);
  const ours = recallAt(evaluateRetrieval(model, test), 50);
  assert.ok(ours > pop * 1.2, `ComiRec-SA ${ours} vs MostPopular ${pop}`);
});

test('early stopping fires after patience + 1 evaluations without improvement', async () => {
  await init({ backend: 'wasm-simd' });
  const t = new Trainer(sa(), ds, { batchSize: 64, lr: 0, evalEvery: 5, patience: 2, maxSteps: 10_000 });
  const r = t.fit();
  assert.is(r.stoppedBy, 'patience');
  assert.is(r.steps, 20, 'first evaluation sets the best, three more without improvement stop it');
  assert.match(r.message, /no better validation Recall@50 in 3 evaluations/);
});

test('resume from a checkpoint continues bit-identically', async () => {
  await init({ backend: 'wasm-simd' });
  const a = new Trainer(sa(), ds, { batchSize: 64, lr: 5e-3, evalEvery: 1000, maxSteps: 10 });
  a.fit();
  const ck = a.checkpoint();
  a.opts.maxSteps = 30;
  a.fit();
  const straight = a.model.params.list().map((p) => Array.from(p.data));
  const b = new Trainer(sa(), ds, { batchSize: 64, lr: 5e-3, evalEvery: 1000, maxSteps: 30 });
  b.resume(ck, 'ck.safetensors');
  assert.is(b.step, 10);
  b.fit();
  b.model.params.list().forEach((p, i) => assert.equal(Array.from(p.data), straight[i], `${p.name} differs after resume`));
  const other = new Trainer(new YouTubeDNN({ items: ds.vocab.size, dim: 16, seqLen: T }), ds, { batchSize: 64 });
  assert.throws(() => other.resume(ck, 'ck.safetensors'), /ck\.safetensors holds a ComiRec-SA model, not YouTubeDNN/);
});

test('a non-finite loss stops training with a clear message', async () => {
  await init({ backend: 'wasm-simd' });
  const model = sa();
  model.params.get('sa.W1').data.fill(NaN);
  const r = new Trainer(model, ds, { batchSize: 64, maxSteps: 50 }).fit();
  assert.is(r.stoppedBy, 'nonFinite');
  assert.match(r.message, /loss became NaN at step 1; stopped/);
});

test('retrieve equals brute-force max-over-interests top-N; never returns padding', async () => {
  const e = await init({ backend: 'wasm-simd' });
  const model = sa();
  const cases = evalCases(ds, 'test', T);
  const batch = casesBatch(cases, 0, 10);
  const got = retrieve(model, batch, { topN: 30, maxScores: 3 * 4 * ds.vocab.size });
  noGrad(() => {
    const q = model.queries(batch);
    const [B, K, D] = q.vectors.shape;
    const N = ds.vocab.size;
    const scores = matmul(reshape(q.vectors, [B * K, D]), model.itemTable(), false, true).data;
    for (let b = 0; b < B; b++) {
      const want = mergeDense(scores.subarray(b * K * N, (b + 1) * K * N), K, 30);
      assert.equal(Array.from(got[b].ids), Array.from(want.ids), `user ${b}`);
      assert.ok(!got[b].ids.includes(0));
    }
  });
  e.heap.resetArena();
  const filtered = retrieve(model, batch, { topN: 30, filterHistory: true });
  for (let b = 0; b < batch.B; b++) {
    const hist = new Set(batch.hist.subarray(b * T, b * T + batch.len[b]));
    assert.ok(![...filtered[b].ids].some((i) => hist.has(i)), 'history items filtered');
    assert.is(filtered[b].ids.length, 30);
  }
});

test('MostPopular ranks items 1..N (indices are frequency-ordered)', () => {
  const [list] = new MostPopular(100).rank({ B: 1, T: 1, hist: new Int32Array(1), mask: new Float32Array(1), len: new Int32Array([1]) }, 5);
  assert.equal(Array.from(list.ids), [1, 2, 3, 4, 5]);
});

test.run();
