// explain(batch): the read-only inspection accessors. On the float64 oracle, each model's
// explanation returns exactly the vectors of interests()/queries() and leaves every parameter
// untouched, and its weights are the ones the forward used: re-deriving the interests from the
// returned weights in plain float64 JS (SA: Σ_t A h_t; MIND/DR: squash(Σ_t c û); SINE:
// LN3(Σ_t P(k|t) P(t|k) x_t)) gives the model's vectors, with caller slot order under right alignment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { clearTape } from '../../src/autograd/tape.js';
import type { Engine } from '../../src/engine/engine.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { ComiRecDR } from '../../src/models/comirec-dr.js';
import { MIND } from '../../src/models/mind.js';
import { SINE } from '../../src/models/sine.js';
import { YouTubeDNN } from '../../src/models/youtube-dnn.js';
import type { RetrievalModel } from '../../src/models/types.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import { makeBatch, maxDiff } from './capsule-helpers.js';

const T = 5, D = 4, K = 3;
const BATCH = makeBatch([[3, 7, 2], [9], [4, 4, 8, 1, 6], [5, 10, 11, 2]], T);
const base = { items: 12, dim: D, interests: K, seqLen: T, negatives: { kind: 'full' as const } };
const reset = (e: Engine) => { clearTape(); e.heap.resetArena(); };
const paramsOf = (m: RetrievalModel) => m.params.list().map((p) => Array.from(p.data));
const get = (m: RetrievalModel, n: string) => m.params.get(n).data;

/** The slots of row b that hold an item, in caller (left-aligned) order. */
const slots = (b: number) => Array.from({ length: BATCH.len[b] }, (_, t) => t);
const item = (b: number, t: number) => BATCH.hist[b * T + t];

function squash(z: number[]): number[] {
  const n = z.reduce((a, x) => a + x * x, 0);
  const f = n / ((1 + n) * Math.sqrt(n + 1e-9));
  return z.map((x) => f * x);
}

function checkReadOnly(e: Engine, m: RetrievalModel, serving: 'interests' | 'queries' = 'interests') {
  const before = paramsOf(m);
  const v = Array.from(m[serving](BATCH).vectors.data);
  reset(e);
  const x = m.explain!(BATCH);
  assert.equal(Array.from(x.vectors), v, `${m.kind}: explain returns the ${serving} vectors exactly`);
  assert.equal(paramsOf(m), before, `${m.kind}: parameters untouched`);
  assert.is(x.weights.length, x.B * x.K * x.T);
  for (let b = 0; b < x.B; b++) for (let k = 0; k < x.K; k++) for (let t = BATCH.len[b]; t < T; t++) assert.is(x.weights[(b * x.K + k) * T + t], 0, 'padding gets 0');
  reset(e);
  return x;
}

test('ComiRec-SA: attention rows sum to 1 and Σ_t A[k,t] e(h_t) is interest k (left and right aligned)', () => {
  const e = setEngine(oracle());
  for (const alignment of ['left', 'right'] as const) {
    const m = new ComiRecSA({ ...base, alignment });
    const x = checkReadOnly(e, m);
    assert.is(x.kind, 'attention');
    const E = get(m, 'item_emb');
    for (let b = 0; b < BATCH.B; b++) {
      for (let k = 0; k < K; k++) {
        const w = (t: number) => x.weights[(b * K + k) * T + t];
        assert.ok(Math.abs(slots(b).reduce((a, t) => a + w(t), 0) - 1) < 1e-12);
        const v = Array.from({ length: D }, (_, d) => slots(b).reduce((a, t) => a + w(t) * E[item(b, t) * D + d], 0));
        assert.ok(maxDiff(v, x.vectors.subarray((b * K + k) * D, (b * K + k + 1) * D)) < 1e-12, `${alignment} row ${b} interest ${k}`);
      }
    }
    if (alignment === 'right') {
      // Slot order matters: the positions differ by alignment, so the attention does too.
      const left = new ComiRecSA({ ...base, alignment: 'left' }).explain(BATCH);
      assert.ok(maxDiff(left.weights, x.weights) > 1e-6);
    }
  }
  reset(e);
});

test('ComiRec-DR: routing coefficients sum to 1 over k per slot and squash(Σ_t c[t,k] W[t,k] h_t) is interest k', () => {
  const e = setEngine(oracle());
  const m = new ComiRecDR({ ...base, mapInit: 'glorot' });
  const x = checkReadOnly(e, m);
  assert.is(x.kind, 'routing');
  const E = get(m, 'item_emb'), W = get(m, 'dr.W'); // W [T, K, D, D]
  for (let b = 0; b < BATCH.B; b++) {
    for (const t of slots(b)) assert.ok(Math.abs(Array.from({ length: K }, (_, k) => x.weights[(b * K + k) * T + t]).reduce((a, c) => a + c, 0) - 1) < 1e-12);
    for (let k = 0; k < K; k++) {
      const z = Array.from({ length: D }, (_, o) => slots(b).reduce((a, t) => {
        let u = 0;
        for (let i = 0; i < D; i++) u += W[((t * K + k) * D + o) * D + i] * E[item(b, t) * D + i];
        return a + x.weights[(b * K + k) * T + t] * u;
      }, 0));
      assert.ok(maxDiff(squash(z), x.vectors.subarray((b * K + k) * D, (b * K + k + 1) * D)) < 1e-12, `row ${b} interest ${k}`);
    }
  }
  reset(e);
});

test('MIND: serving routing coefficients (0 for inactive interests) give squash(Σ_t c[t,k] S h_t)', () => {
  const e = setEngine(oracle());
  const m = new MIND(base);
  const x = checkReadOnly(e, m, 'queries');
  assert.is(x.kind, 'routing');
  const E = get(m, 'item_emb'), S = get(m, 'mind.S'); // S [D, D], ĥ = h S
  for (let b = 0; b < BATCH.B; b++) {
    const activeK = Array.from({ length: K }, (_, k) => k).filter((k) => x.active[b * K + k]);
    assert.ok(activeK.length >= 1 && activeK.length < K || BATCH.len[b] >= 8);
    for (const t of slots(b)) assert.ok(Math.abs(activeK.reduce((a, k) => a + x.weights[(b * K + k) * T + t], 0) - 1) < 1e-12);
    for (let k = 0; k < K; k++) {
      if (!x.active[b * K + k]) {
        assert.ok(slots(b).every((t) => x.weights[(b * K + k) * T + t] === 0), 'inactive interest draws on nothing');
        continue;
      }
      const z = Array.from({ length: D }, (_, o) => slots(b).reduce((a, t) => {
        let u = 0;
        for (let i = 0; i < D; i++) u += E[item(b, t) * D + i] * S[i * D + o];
        return a + x.weights[(b * K + k) * T + t] * u;
      }, 0));
      assert.ok(maxDiff(squash(z), x.vectors.subarray((b * K + k) * D, (b * K + k + 1) * D)) < 1e-12, `row ${b} interest ${k}`);
    }
  }
  reset(e);
});

test('SINE: P(k|t) sums to 1 over k, P(t|k) over t, and LN3(Σ_t P(k|t) P(t|k) x_t) is φ_k', () => {
  const e = setEngine(oracle());
  const m = new SINE({ ...base, prototypes: 6 });
  const x = checkReadOnly(e, m);
  assert.is(x.kind, 'assignment');
  const E = get(m, 'item_emb'), g = get(m, 'sine.ln3.g'), beta = get(m, 'sine.ln3.b');
  assert.is(x.prototypes!.length, BATCH.B * K);
  assert.ok(x.prototypes!.every((p) => p >= 0 && p < 6));
  for (let b = 0; b < BATCH.B; b++) {
    assert.ok(Math.abs(Array.from(x.aggregation!.subarray(b * K, b * K + K)).reduce((a, c) => a + c, 0) - 1) < 1e-12);
    for (const t of slots(b)) assert.ok(Math.abs(Array.from({ length: K }, (_, k) => x.weights[(b * K + k) * T + t]).reduce((a, c) => a + c, 0) - 1) < 1e-12);
    for (let k = 0; k < K; k++) {
      const at = (t: number) => x.attention![(b * K + k) * T + t];
      assert.ok(Math.abs(slots(b).reduce((a, t) => a + at(t), 0) - 1) < 1e-12);
      const pre = Array.from({ length: D }, (_, d) => slots(b).reduce((a, t) => a + x.weights[(b * K + k) * T + t] * at(t) * E[item(b, t) * D + d], 0));
      const mean = pre.reduce((a, v) => a + v, 0) / D;
      const rstd = 1 / Math.sqrt(pre.reduce((a, v) => a + (v - mean) ** 2, 0) / D + 1e-5);
      const phi = pre.map((v, d) => (v - mean) * rstd * g[d] + beta[d]);
      assert.ok(maxDiff(phi, x.vectors.subarray((b * K + k) * D, (b * K + k + 1) * D)) < 1e-9, `row ${b} interest ${k}`);
    }
  }
  reset(e);
});

test('YouTubeDNN: one vector with mean-pooling weights 1/n', () => {
  const e = setEngine(oracle());
  const m = new YouTubeDNN(base);
  const x = checkReadOnly(e, m);
  assert.equal([x.kind, x.K], ['mean', 1]);
  for (let b = 0; b < BATCH.B; b++) for (const t of slots(b)) assert.ok(Math.abs(x.weights[b * T + t] - 1 / BATCH.len[b]) < 1e-8);
  reset(e);
});

test('float32 backends: explain matches interests() bit for bit', async () => {
  for (const e of await f32Backends()) {
    setEngine(e);
    for (const m of [new ComiRecSA(base), new ComiRecDR(base), new ComiRecDR({ ...base, maps: 'perInterest' }), new MIND(base), new SINE({ ...base, prototypes: 6 })]) checkReadOnly(e, m, m.kind === 'MIND' ? 'queries' : 'interests');
  }
});

test.run();
