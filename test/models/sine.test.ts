// SINE (models.md §5): covariance regulariser by hand, translation invariance and gradcheck;
// distributions P_{k|t}, P_{t|k} (exact zeros at padding), e; gate in (0, 1); top-K order;
// unselected prototypes get no gradient with λ = 0; K = 1 serving modes agree; float64 gradcheck
// of the whole loss; 200 training steps beat most-popular.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { poolTensor } from '../../src/tensor.js';
import { backward, clearTape } from '../../src/autograd/tape.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { SINE, covarianceLoss } from '../../src/models/sine.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import { makeBatch, maxDiff, trainAndEvaluate, values } from './capsule-helpers.js';
import { gradOf, modelGradcheck } from './tag-helpers.js';

const T = 5;
const BATCH = makeBatch([[3, 7, 2], [9], [4, 4, 8, 1, 6]], T, [5, 2, 11]);
const tiny = (over: Record<string, unknown> = {}) => new SINE({ items: 12, dim: 4, interests: 2, prototypes: 6, seqLen: T, negatives: { kind: 'full' }, ...over });
const reset = (e: { heap: { resetArena(): void } }) => {
  clearTape();
  e.heap.resetArena();
};

test('L_c by hand (L 2, D 2) = 0.25; translation invariant; gradcheck', () => {
  const e = setEngine(oracle());
  assert.ok(Math.abs(covarianceLoss(poolTensor([2, 2], [1, 0, -1, 0], e)).item() - 0.25) < 1e-12);
  const C = [0.3, -1, 2, 0.5, -0.7, 1.1, 0.2, 0.9, -1.3];
  const shifted = C.map((x, i) => x + [5, -2, 7][i % 3]);
  const a = covarianceLoss(poolTensor([3, 3], C, e)).item();
  const b = covarianceLoss(poolTensor([3, 3], shifted, e)).item();
  assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  const gc = gradcheck(([c]) => covarianceLoss(c), [{ values: C, shape: [3, 3] }]);
  assert.ok(gc.ok, JSON.stringify(gc));
  reset(e);
});

test('distributions: Σ_k P_{k|t} = 1, Σ_t P_{t|k} = 1 with zeros at padding, e sums to 1, gate in (0, 1), top-K descending', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const f = m.forward(BATCH);
  const K = 2;
  const pkt = f.pkt.data;
  for (let i = 0; i < BATCH.B * T; i++) assert.ok(Math.abs(pkt[i * K] + pkt[i * K + 1] - 1) < 1e-12);
  const ptk = f.ptk.data;
  for (let b = 0; b < BATCH.B; b++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) {
        const v = ptk[(b * K + k) * T + t];
        if (t >= BATCH.len[b]) assert.is(v, 0);
        s += v;
      }
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
    const ev = f.e.data;
    assert.ok(Math.abs(ev[b * K] + ev[b * K + 1] - 1) < 1e-12);
  }
  for (const g of f.gate.data) assert.ok(g > 0 && g < 1);
  // Scores of the selected prototypes are non-increasing in rank.
  const C = m.params.get('sine.C').data;
  assert.is(new Set(f.selected.subarray(0, K)).size, K);
  assert.ok(C.length === 6 * 4);
  reset(e);
});

test('with λ = 0, prototypes no row selected get exactly zero gradient', () => {
  const e = setEngine(oracle());
  const m = tiny({ covWeight: 0 });
  const f = m.forward(BATCH);
  const chosen = new Set(f.selected);
  reset(e);
  backward(m.loss(BATCH, new Rng(2)));
  const g = gradOf(m.params.get('sine.C'));
  for (let l = 0; l < 6; l++) {
    const row = g.subarray(l * 4, l * 4 + 4);
    if (chosen.has(l)) assert.ok(row.some((x) => x !== 0), `selected prototype ${l} has a gradient`);
    else assert.equal(Array.from(row), [0, 0, 0, 0], `prototype ${l}`);
  }
  reset(e);
});

test('K = 1: multi and aggregate serving give the same vector; no randomness in the forward', () => {
  const e = setEngine(oracle());
  const agg = values(tiny({ interests: 1 }).queries(BATCH).vectors);
  reset(e);
  const multi = values(tiny({ interests: 1, servingMode: 'multi' }).queries(BATCH).vectors);
  assert.ok(maxDiff(agg, multi) < 1e-12);
  const m = tiny();
  const a = values(m.queries(BATCH).vectors);
  const b = values(m.queries(BATCH).vectors);
  assert.equal(Array.from(a), Array.from(b));
  reset(e);
});

test('gradcheck (float64): every parameter of the full loss (sampled softmax + λ L_c)', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const r = modelGradcheck(m.params, () => m.loss(BATCH, new Rng(4)), () => reset(e));
  assert.ok(r.maxError < 1e-5, `${r.where} (${r.maxError})`);
});

test('training: 200 Adam steps lower the loss and beat most-popular on Recall@50', async () => {
  const e = setEngine((await f32Backends())[2]);
  const r = trainAndEvaluate(e, (N) => new SINE({ items: N, prototypes: 50 }), 5e-3);
  console.log(`  SINE: loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, Recall@50 ${r.recall.toFixed(4)} vs most-popular ${r.popularRecall.toFixed(4)}`);
  assert.ok(r.lastLoss < r.firstLoss - 0.3, 'loss did not drop');
  assert.ok(r.recall > r.popularRecall * 1.2, 'SINE does not beat most-popular');
});

test.run();
