// Retrieval baselines (docs/model-guide.md#retrieval-baselines): MostPopular is items 1..N in index order; YouTubeDNN is a
// masked mean of the history embeddings through W [D, D] + b (checked by hand), passes a float64
// gradcheck, ignores padding, and beats MostPopular on Recall@50 after 200 steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { clearTape, noGrad } from '../../src/autograd/tape.js';
import { YouTubeDNN } from '../../src/models/youtube-dnn.js';
import { MostPopular } from '../../src/models/most-popular.js';
import { retrieve } from '../../src/serve/retrieve.js';
import { createModel, RETRIEVAL_MODELS, modelNameOfKind } from '../../src/models/registry.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import { makeBatch, maxDiff, trainAndEvaluate } from './capsule-helpers.js';
import { modelGradcheck } from './tag-helpers.js';

const T = 5;
const BATCH = makeBatch([[3, 7, 2], [9], [4, 4, 8, 1, 6]], T, [5, 2, 11]);
const tiny = (over: Record<string, unknown> = {}) => new YouTubeDNN({ items: 12, dim: 4, seqLen: T, negatives: { kind: 'full' }, ...over });
const reset = (e: { heap: { resetArena(): void } }) => {
  clearTape();
  e.heap.resetArena();
};

test('MostPopular is a retrieval model: items 1..N in index order for every user, history filtering, nothing to train', () => {
  const e = setEngine(oracle());
  const pop = new MostPopular(100);
  const lists = retrieve(pop, BATCH, { topN: 5 });
  assert.is(lists.length, BATCH.B);
  for (const l of lists) {
    assert.equal(Array.from(l.ids), [1, 2, 3, 4, 5]);
    assert.equal(Array.from(l.scores), [0, -1, -2, -3, -4], 'scores −(i − 1)');
  }
  assert.equal(Array.from(retrieve(new MostPopular(4), BATCH, { topN: 50 })[0].ids), [1, 2, 3], 'capped at the catalogue');
  // Row 2's history [4, 4, 8, 1, 6] is removed on request; the next items fill the list.
  assert.equal(Array.from(retrieve(pop, BATCH, { topN: 5, filterHistory: true })[2].ids), [2, 3, 5, 7, 9]);
  assert.is(pop.params.list().length, 0);
  assert.throws(() => pop.loss(), /no loss/);
  assert.throws(() => new MostPopular(1), /items = 1; need ≥ 2/);
  reset(e);
});

test('YouTubeDNN: v_u = mean of the valid history rows, times W, plus b (padding ignored)', () => {
  const e = setEngine(oracle());
  const m = tiny();
  m.params.get('dnn.b').data.set([0.1, -0.2, 0.3, 0]);
  const E = m.itemTable().data;
  const W = m.params.get('dnn.W').data;
  const v = noGrad(() => Float64Array.from(m.queries(BATCH).vectors.data));
  [[3, 7, 2], [9], [4, 4, 8, 1, 6]].forEach((h, b) => {
    const mean = [0, 1, 2, 3].map((d) => h.reduce((s, i) => s + E[i * 4 + d], 0) / (h.length + 1e-9));
    const want = [0, 1, 2, 3].map((j) => mean.reduce((s, x, d) => s + x * W[d * 4 + j], 0) + [0.1, -0.2, 0.3, 0][j]);
    assert.ok(maxDiff(v.subarray(b * 4, b * 4 + 4), want) < 1e-6, `row ${b}: ${Array.from(v.subarray(b * 4, b * 4 + 4))} vs ${want}`);
  });
  // The pooling weights m_t / (n_b + 1e-9) are float32, hence 1e-6. Padding slots do not matter.
  const noisy = { ...BATCH, hist: BATCH.hist.map((x, i) => (BATCH.mask[i] ? x : 11)) };
  const v2 = noGrad(() => Float64Array.from(m.queries(noisy).vectors.data));
  assert.is(maxDiff(v, v2), 0);
  const q = noGrad(() => m.queries(BATCH));
  assert.equal(q.vectors.shape, [3, 1, 4]);
  assert.equal(Array.from(q.active), [1, 1, 1]);
  reset(e);
});

test('YouTubeDNN gradcheck (float64): every parameter against central differences', () => {
  const e = setEngine(oracle());
  for (const over of [{}, { itemBias: true }, { negatives: { kind: 'logUniform' } }]) {
    const m = tiny(over);
    const r = modelGradcheck(m.params, () => m.loss(BATCH, new Rng(4)), () => reset(e));
    assert.ok(r.maxError < 1e-6, `${JSON.stringify(over)}: ${r.where} (${r.maxError})`);
  }
});

test('YouTubeDNN: 200 Adam steps lower the loss and beat MostPopular on Recall@50', async () => {
  const e = setEngine((await f32Backends())[2]);
  const r = trainAndEvaluate(e, (N) => new YouTubeDNN({ items: N }), 5e-3);
  console.log(`  YouTubeDNN: loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, Recall@50 ${r.recall.toFixed(4)} vs most-popular ${r.popularRecall.toFixed(4)}`);
  assert.ok(r.lastLoss < r.firstLoss - 0.5, 'loss did not drop');
  assert.ok(r.recall > r.popularRecall * 1.2, 'YouTubeDNN does not beat most-popular');
});

test('registry: every name builds its model; unknown names are refused', () => {
  setEngine(oracle());
  for (const name of RETRIEVAL_MODELS) {
    const m = createModel(name, { items: 30, dim: 4, interests: 2, seqLen: T });
    assert.is(modelNameOfKind(m.kind), name, `${name} → ${m.kind}`);
  }
  assert.throws(() => createModel('minde', { items: 30 }), /unknown model "minde" \(choose one of comirec-sa, /);
  assert.match(tiny().toString(), /^YouTubeDNN\(D=4, T=5, params=/);
});

test.run();
