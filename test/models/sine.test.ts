// SINE (docs/model-guide.md#sine): covariance regulariser by hand under both centrings, their
// invariances and gradchecks;
// distributions P_{k|t}, P_{t|k} (exact zeros at padding), e; gate in (0, 1); top-K order and
// ties; unselected prototypes get no gradient with λ = 0 and exactly λ ∂L_c/∂C with λ > 0; K = 1
// serving modes agree; padding invariance; float64 gradcheck of the whole loss (also with
// assignNorm 'l2' and conceptPositions); 200 training steps beat most-popular.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import { poolTensor } from '../../src/tensor.js';
import { backward, clearTape } from '../../src/autograd/tape.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { SINE, topKIndices } from '../../src/models/sine.js';
import { covarianceLoss } from '../../src/loss/covariance.js';
import { scale } from '../../src/ops/index.js';
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

test('L_c across prototypes: by hand (L 2, D 2) = 0.25; invariant to translating every prototype; gradcheck', () => {
  const e = setEngine(oracle());
  assert.ok(Math.abs(covarianceLoss(poolTensor([2, 2], [1, 0, -1, 0], e), 'acrossPrototypes').item() - 0.25) < 1e-12);
  const C = [0.3, -1, 2, 0.5, -0.7, 1.1, 0.2, 0.9, -1.3];
  const shifted = C.map((x, i) => x + [5, -2, 7][i % 3]);
  const a = covarianceLoss(poolTensor([3, 3], C, e), 'acrossPrototypes').item();
  const b = covarianceLoss(poolTensor([3, 3], shifted, e), 'acrossPrototypes').item();
  assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  const gc = gradcheck(([c]) => covarianceLoss(c, 'acrossPrototypes'), [{ values: C, shape: [3, 3] }]);
  assert.ok(gc.ok, JSON.stringify(gc));
  reset(e);
});

test('L_c per prototype (default): by hand, against the L×L matrix, invariant to per-prototype offsets; gradcheck', () => {
  const e = setEngine(oracle());
  // Rows [1, 0] and [−1, 0] centred over their 2 coordinates: [.5, −.5], [−.5, .5];
  // M = (1/2)[[.5, −.5], [−.5, .5]], off-diagonal −0.25 twice → L_c = ½ · 2 · 0.0625 = 0.0625.
  assert.ok(Math.abs(covarianceLoss(poolTensor([2, 2], [1, 0, -1, 0], e)).item() - 0.0625) < 1e-12);
  const L = 4, D = 3;
  const C = Array.from({ length: L * D }, (_, i) => Math.sin(1.7 * i + 0.3));
  // The literal definition: M = (1/D) Cc Ccᵀ with Cc rows minus their means, ½ Σ_{l≠m} M².
  const Cc = Array.from({ length: L }, (_, l) => {
    const row = C.slice(l * D, l * D + D);
    const mean = row.reduce((a, b) => a + b, 0) / D;
    return row.map((x) => x - mean);
  });
  let want = 0;
  for (let l = 0; l < L; l++) for (let m = 0; m < L; m++) {
    if (l === m) continue;
    const M = Cc[l].reduce((s, x, d) => s + x * Cc[m][d], 0) / D;
    want += 0.5 * M * M;
  }
  const got = covarianceLoss(poolTensor([L, D], C, e)).item();
  assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  const offset = C.map((x, i) => x + [3, -1, 0.5, 8][Math.floor(i / D)]);
  assert.ok(Math.abs(covarianceLoss(poolTensor([L, D], offset, e)).item() - got) < 1e-9, 'a constant added to one prototype changes nothing');
  const shifted = C.map((x, i) => x + [5, -2, 7][i % D]);
  assert.ok(Math.abs(covarianceLoss(poolTensor([L, D], shifted, e)).item() - got) > 1e-3, 'unlike acrossPrototypes, a common translation matters');
  const gc = gradcheck(([c]) => covarianceLoss(c), [{ values: C, shape: [L, D] }]);
  assert.ok(gc.ok, JSON.stringify(gc));
  assert.throws(() => covarianceLoss(poolTensor([L, D], C, e), 'rows' as never), /use 'perPrototype' or 'acrossPrototypes'/);
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
  // g = σ(score) is monotone, so non-increasing gates per row mean descending prototype scores.
  const g = f.gate.data;
  for (let b = 0; b < BATCH.B; b++) {
    assert.is(new Set(f.selected.subarray(b * K, b * K + K)).size, K);
    for (let k = 1; k < K; k++) assert.ok(g[b * K + k] <= g[b * K + k - 1], `row ${b}: gates ${g[b * K + k - 1]}, ${g[b * K + k]}`);
  }
  reset(e);
});

test('selection histogram: counts of the selected prototypes sum to B·K; nothing recorded', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const counts = m.selectionCounts(BATCH);
  const f = m.forward(BATCH);
  assert.is(counts.length, 6);
  assert.is(counts.reduce((a, b) => a + b, 0), BATCH.B * 2);
  for (let l = 0; l < 6; l++) assert.is(counts[l], Array.from(f.selected).filter((x) => x === l).length);
  reset(e);
});

test('top-K: descending order, ties to the lower index, one pass equals a full sort', () => {
  const out = new Int32Array(3);
  topKIndices(Float64Array.from([0.5, 2, -1, 2, 0.7, 2]), 1, 6, 3, out);
  assert.equal(Array.from(out), [1, 3, 5]);
  topKIndices(Float64Array.from([3, 3, 3, 3]), 1, 4, 3, out);
  assert.equal(Array.from(out), [0, 1, 2]);
  const rng = new Rng(5);
  const B = 7, L = 40, K = 5;
  const s = Float64Array.from({ length: B * L }, () => Math.round(rng.uniform() * 20)); // many ties
  const got = new Int32Array(B * K);
  topKIndices(s, B, L, K, got);
  for (let b = 0; b < B; b++) {
    const want = Array.from({ length: L }, (_, l) => l).sort((x, y) => s[b * L + y] - s[b * L + x] || x - y).slice(0, K);
    assert.equal(Array.from(got.subarray(b * K, b * K + K)), want);
  }
});

test('with λ > 0, unselected prototypes get exactly λ ∂L_c/∂C', () => {
  const e = setEngine(oracle());
  const m = tiny({ covWeight: 0.3 });
  const chosen = new Set(m.forward(BATCH).selected);
  reset(e);
  backward(m.loss(BATCH, new Rng(2)));
  const g = gradOf(m.params.get('sine.C'));
  reset(e);
  backward(scale(covarianceLoss(m.params.get('sine.C'), 'perPrototype'), 0.3));
  const want = gradOf(m.params.get('sine.C'));
  reset(e);
  let unselected = 0;
  for (let l = 0; l < 6; l++) {
    if (chosen.has(l)) continue;
    unselected++;
    assert.ok(maxDiff(g.subarray(l * 4, l * 4 + 4), want.subarray(l * 4, l * 4 + 4)) < 1e-15, `prototype ${l}`);
    assert.ok(want.subarray(l * 4, l * 4 + 4).some((x) => x !== 0));
  }
  assert.ok(unselected > 0);
});

test('padding invariance: overwriting row 0 of E changes no output and no other gradient', () => {
  const e = setEngine(oracle());
  for (const over of [{}, { servingMode: 'multi' }]) {
    const m = tiny(over);
    const run = () => {
      const q = values(m.queries(BATCH).vectors);
      const loss = m.loss(BATCH, new Rng(3));
      const l = loss.item();
      backward(loss);
      const grads = m.params.list().map((p) => { const g = gradOf(p); if (p.name === 'item_emb') g.fill(0, 0, 4); return g; });
      reset(e);
      return { q, l, grads };
    };
    const a = run();
    m.itemTable().data.set([3, -2, 5, 0.5], 0);
    const b = run();
    assert.ok(Math.abs(a.l - b.l) < 1e-9 && maxDiff(a.q, b.q) < 1e-9);
    a.grads.forEach((g, i) => assert.ok(maxDiff(g, b.grads[i]) < 1e-9, m.params.list()[i].name));
  }
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

test('gradcheck (float64): every parameter of the full loss (sampled softmax + λ L_c), each switch', () => {
  const e = setEngine(oracle());
  // The last case draws log-uniform negatives: a fresh Rng(4) per evaluation holds the sample fixed.
  for (const over of [
    {}, { assignNorm: 'l2' }, { conceptPositions: true }, { interests: 1 }, { negatives: { kind: 'logUniform' }, itemBias: true },
    { covCentring: 'acrossPrototypes', covWeight: 0.5 }, { captPooling: 'sharedW3' },
  ]) {
    const m = tiny(over);
    const r = modelGradcheck(m.params, () => m.loss(BATCH, new Rng(4)), () => reset(e));
    assert.ok(r.maxError < 1e-5, `${JSON.stringify(over)}: ${r.where} (${r.maxError})`);
  }
});

test('switches: conceptPositions, assignNorm and captPooling change the model, distributions still hold', () => {
  const e = setEngine(oracle());
  // Move positions, W1, w2 and W3 away from their N(0, 0.01²) init so both switches matter.
  const perturbed = (over: Record<string, unknown>) => {
    const m = tiny({ tau: 50, ...over }); // a soft aggregation, so C_apt shows in v_u
    const names = ['sine.pos', 'sine.W1', 'sine.w2', 'sine.W3', 'sine.w6', 'sine.W5'];
    for (const [j, name] of names.entries()) {
      if (!m.params.list().some((p) => p.name === name)) continue; // sharedW3 has no W5
      const d = m.params.get(name).data;
      for (let i = 0; i < d.length; i++) d[i] = Math.sin(3.1 * i + 1 + 0.7 * j);
    }
    const f = m.forward(BATCH);
    for (let i = 0; i < BATCH.B * T; i++) assert.ok(Math.abs(f.pkt.data[i * 2] + f.pkt.data[i * 2 + 1] - 1) < 1e-12);
    const out = Float64Array.from([...f.gate.data, ...f.pkt.data, ...f.user.data, ...f.e.data]);
    reset(e);
    return out;
  };
  const base = perturbed({});
  for (const over of [{ assignNorm: 'l2' }, { conceptPositions: true }, { captPooling: 'sharedW3' }]) assert.ok(maxDiff(base, perturbed(over)) > 1e-4, `${JSON.stringify(over)} changes nothing`);
  assert.ok(tiny().params.list().some((p) => p.name === 'sine.W5'));
  assert.not.ok(tiny({ captPooling: 'sharedW3' }).params.list().some((p) => p.name === 'sine.W5'), 'sharedW3 has no W5 of its own');
  assert.throws(() => tiny({ prototypes: 1 }), /prototypes = 1 < interests = 2/);
  assert.throws(() => tiny({ covCentring: 'rows' }), /covCentring = "rows"/);
  assert.throws(() => tiny({ captPooling: 'W4' }), /captPooling = "W4"/);
});

test('training: 200 Adam steps lower the loss and beat most-popular on Recall@50', async () => {
  const e = setEngine((await f32Backends())[2]);
  const r = trainAndEvaluate(e, (N) => new SINE({ items: N, prototypes: 50 }), 5e-3);
  console.log(`  SINE: loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, Recall@50 ${r.recall.toFixed(4)} vs most-popular ${r.popularRecall.toFixed(4)}`);
  assert.ok(r.lastLoss < r.firstLoss - 0.3, 'loss did not drop');
  assert.ok(r.recall > r.popularRecall * 1.2, 'SINE does not beat most-popular');
});

test.run();
