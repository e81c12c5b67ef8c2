// ComiRec-SA (docs/model-guide.md#comirec-sa): attention rows are distributions over valid slots with exact zeros
// at padding, the dense formula of docs/model-guide.md#comirec-sa in plain float64 JS, values are the raw embeddings, no
// gradient to positions of padded slots, padding invariance, hard read-out, parameter count,
// float64 gradcheck of every parameter, and 200 training steps that beat most-popular on Recall@50.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { Rng } from '../../src/engine/random.js';
import type { Tensor } from '../../src/tensor.js';
import { backward, clearTape } from '../../src/autograd/tape.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import { makeBatch, maxDiff, trainAndEvaluate, values } from './capsule-helpers.js';
import { gradOf, modelGradcheck } from './tag-helpers.js';

const T = 5;
const BATCH = makeBatch([[3, 7, 2], [9], [4, 4, 8, 1, 6]], T, [5, 2, 11]);
const tiny = (over: Record<string, unknown> = {}) => new ComiRecSA({ items: 12, dim: 4, interests: 3, seqLen: T, negatives: { kind: 'full' }, ...over });
const reset = (e: { heap: { resetArena(): void } }) => {
  clearTape();
  e.heap.resetArena();
};

test('attention: each interest is a distribution over the valid slots, exactly 0 at padding', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const trace: { attention?: Tensor } = {};
  m.interests(BATCH, { trace });
  const A = trace.attention!.data; // [B, K, T]
  for (let b = 0; b < BATCH.B; b++) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) {
        const a = A[(b * 3 + k) * T + t];
        if (t >= BATCH.len[b]) assert.is(a, 0, `row ${b} interest ${k} slot ${t}`);
        s += a;
      }
      assert.ok(Math.abs(s - 1) < 1e-12);
    }
  }
  reset(e);
});

test('one valid item: every interest equals that item embedding (raw values, no positions)', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const V = values(m.interests(BATCH).vectors); // [B, K, D]
  const E = m.itemTable().data;
  for (let k = 0; k < 3; k++) assert.ok(maxDiff(V.subarray((3 + k) * 4, (3 + k) * 4 + 4), E.subarray(9 * 4, 9 * 4 + 4)) < 1e-12);
  reset(e);
});

/** docs/model-guide.md#comirec-sa steps 1–5 written out densely over all T slots in plain JS (float64). */
function denseReference(m: ComiRecSA, batch: typeof BATCH): Float64Array {
  const { dim: D, interests: K, attentionWidth: W } = m.config;
  const { B } = batch;
  const get = (n: string) => m.params.get(n).data;
  const E = get('item_emb'), P = m.config.positions === 'learned' ? get('sa.pos') : null;
  const W1 = get('sa.W1'), b1 = get('sa.b1'), W2 = get('sa.W2'), b2 = get('sa.b2');
  const V = new Float64Array(B * K * D);
  for (let b = 0; b < B; b++) {
    const H = (t: number, j: number) => E[batch.hist[b * T + t] * D + j] * batch.mask[b * T + t];
    const X = (t: number, j: number) => H(t, j) + (P ? P[t * D + j] : 0);
    const logit = Array.from({ length: T }, (_, t) => {
      const h = Array.from({ length: W }, (_, w) => { let a = b1[w]; for (let j = 0; j < D; j++) a += X(t, j) * W1[j * W + w]; return Math.tanh(a); });
      return Array.from({ length: K }, (_, k) => { let a = b2[k]; for (let w = 0; w < W; w++) a += h[w] * W2[w * K + k]; return a; });
    });
    for (let k = 0; k < K; k++) {
      const valid = Array.from({ length: T }, (_, t) => t).filter((t) => batch.mask[b * T + t]);
      const mx = Math.max(...valid.map((t) => logit[t][k]));
      const z = valid.reduce((acc, t) => acc + Math.exp(logit[t][k] - mx), 0);
      for (const t of valid) {
        const a = Math.exp(logit[t][k] - mx) / z;
        for (let j = 0; j < D; j++) V[(b * K + k) * D + j] += a * (m.config.valuesWithPositions ? X(t, j) : H(t, j));
      }
    }
  }
  return V;
}

test('interests equal the dense docs/model-guide.md#comirec-sa formula (valid-slot MLP + scatter is exact), left or right aligned', () => {
  const e = setEngine(oracle());
  // Right alignment (newest item in slot T−1): the same histories with padding on the left.
  const right = makeBatch([[0, 0, 3, 7, 2], [0, 0, 0, 0, 9], [4, 4, 8, 1, 6]], T, [5, 2, 11]);
  right.mask.set([0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  right.len.set([3, 1, 5]);
  for (const over of [{}, { valuesWithPositions: true }, { positions: 'none' }]) {
    const m = tiny(over);
    for (const name of ['sa.b1', 'sa.b2']) { const d = m.params.get(name).data; for (let i = 0; i < d.length; i++) d[i] = 0.3 * Math.sin(i + 2); }
    for (const batch of [BATCH, right]) {
      const V = values(m.interests(batch).vectors);
      assert.ok(maxDiff(V, denseReference(m, batch)) < 1e-12, JSON.stringify(over));
      reset(e);
    }
  }
});

test('same item in every valid slot: every interest is that embedding, whatever P, W1, W2', () => {
  const e = setEngine(oracle());
  const m = tiny();
  for (const name of ['sa.pos', 'sa.W1', 'sa.W2']) { const d = m.params.get(name).data; for (let i = 0; i < d.length; i++) d[i] = 2 * Math.sin(1.7 * i); }
  const V = values(m.interests(makeBatch([[6, 6, 6, 6], [8, 8]], T)).vectors); // [2, 3, 4]
  const E = m.itemTable().data;
  for (let k = 0; k < 3; k++) {
    assert.ok(maxDiff(V.subarray(k * 4, k * 4 + 4), E.subarray(24, 28)) < 1e-12);
    assert.ok(maxDiff(V.subarray((3 + k) * 4, (3 + k) * 4 + 4), E.subarray(32, 36)) < 1e-12);
  }
  reset(e);
});

test('positions of slots padded in every row get exactly zero gradient', () => {
  const e = setEngine(oracle());
  const m = tiny();
  backward(m.loss(makeBatch([[3, 7, 2], [9], [4, 4]], T, [5, 2, 11]), new Rng(1)));
  const g = gradOf(m.params.get('sa.pos')); // [T, D]; slots 3, 4 never valid
  assert.equal(Array.from(g.subarray(12, 20)), new Array(8).fill(0));
  assert.ok(g.subarray(0, 12).some((x) => x !== 0));
  reset(e);
});

test('parameter count: N·D + T·D + 4D² + 4D + 4D·K + K (18,948 besides E at D 64, K 4, T 20)', () => {
  setEngine(oracle());
  const m = new ComiRecSA({ items: 100 });
  const D = 64, K = 4, Tn = 20;
  assert.is(m.params.count() - 100 * D, Tn * D + 4 * D * D + 4 * D + 4 * D * K + K);
  assert.is(m.params.count() - 100 * D, 18948);
});

test('padding invariance: overwriting row 0 of E changes no output and no other gradient', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const run = () => {
    const V = values(m.interests(BATCH).vectors);
    const loss = m.loss(BATCH, new Rng(3));
    const l = loss.item();
    backward(loss);
    const grads = m.params.list().map((p) => { const g = gradOf(p); if (p.name === 'item_emb') g.fill(0, 0, 4); return g; });
    reset(e);
    return { V, l, grads };
  };
  const a = run();
  m.itemTable().data.set([3, -2, 5, 0.5], 0);
  const b = run();
  assert.ok(Math.abs(a.l - b.l) < 1e-9 && maxDiff(a.V, b.V) < 1e-9);
  a.grads.forEach((g, i) => assert.ok(maxDiff(g, b.grads[i]) < 1e-9, m.params.list()[i].name));
});

test('hard read-out: exactly one interest per row gets gradient; W2 columns no row selected get none', () => {
  const e = setEngine(oracle());
  const m = tiny({ interests: 6 });
  // Rows of ≥ 2 items: with one valid slot the attention is 1 whatever the logits (no gradient).
  // b2 is not checked: a per-interest constant shifts all T logits alike, so the softmax makes its
  // gradient 0 (up to rounding) for every interest.
  for (const [h, y] of [[[3, 7, 2], 5], [[5, 9], 2], [[4, 4, 8, 1, 6], 11]] as const) {
    backward(m.loss(makeBatch([[...h]], T, [y]), new Rng(1)));
    const W2 = gradOf(m.params.get('sa.W2')); // [W, K]
    const used = Array.from({ length: 6 }, (_, k) => W2.some((x, i) => i % 6 === k && x !== 0));
    assert.is(used.filter(Boolean).length, 1, `row ${h}: interests with gradient ${used}`);
    reset(e);
  }
});

test('gradcheck (float64): every parameter against central differences', () => {
  const e = setEngine(oracle());
  // The last case draws log-uniform negatives: a fresh Rng(4) per evaluation holds the sample fixed.
  for (const over of [{}, { valuesWithPositions: true }, { positions: 'none' }, { negatives: { kind: 'logUniform' } }]) {
    const m = tiny(over);
    const r = modelGradcheck(m.params, () => m.loss(BATCH, new Rng(4)), () => reset(e));
    assert.ok(r.maxError < 1e-6, `${JSON.stringify(over)}: ${r.where} (${r.maxError})`);
  }
});

test('training: 200 Adam steps lower the loss and beat most-popular on Recall@50', async () => {
  const e = setEngine((await f32Backends())[2]);
  const r = trainAndEvaluate(e, (N) => new ComiRecSA({ items: N }), 5e-3);
  console.log(`  ComiRec-SA: loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, Recall@50 ${r.recall.toFixed(4)} vs most-popular ${r.popularRecall.toFixed(4)}`);
  assert.ok(r.lastLoss < r.firstLoss - 0.5, 'loss did not drop');
  assert.ok(r.recall > r.popularRecall * 1.2, 'ComiRec-SA does not beat most-popular');
});

test('toString names the model and sizes', () => {
  setEngine(oracle());
  assert.match(tiny().toString(), /^ComiRecSA\(D=4, K=3, T=5, params=/);
});

test.run();
