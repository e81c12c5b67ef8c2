// MIND acceptance checks of docs/model-guide.md#mind: symmetry of zero routing logits, fresh training logits
// vs the fixed serving draw (and its checkpoint round trip), routing weights over active
// interests, the K′ table, hard / label-aware read-outs, capsule norms, padding invariance, the
// stop-gradient gradcheck (frozen final w) and a short training run beating most-popular.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { Rng } from '../../src/engine/random.js';
import { backward, clearTape } from '../../src/autograd/tape.js';
import { activeInterestCount, fillTruncatedNormal } from '../../src/nn/capsule.js';
import { MIND, type CapsuleTrace, type MINDConfig } from '../../src/models/mind.js';
import { decodeCheckpoint, encodeCheckpoint, loadParams } from '../../src/io/checkpoint.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import { fdError, frozenRoutingLoss, gradOf, makeBatch, maxDiff, trainAndEvaluate, values } from './capsule-helpers.js';

const T = 6;
const tiny = (over: Partial<MINDConfig> = {}) => new MIND({ items: 12, dim: 4, interests: 2, seqLen: T, ...over });
// Lengths 6, 4, 2 → K′ = 2, 2, 1 with K = 2.
const BATCH = makeBatch([[1, 5, 9, 2, 7, 11], [3, 4, 8, 10], [6, 2]], T, [4, 9, 1]);
const reset = (e: Engine) => { clearTape(); e.heap.resetArena(); };

test('K′ = max(1, min(K, ⌊log₂ n⌋)) for n in {1,3,4,7,8,15,16,20}; fixed K when not adaptive', () => {
  const want: Record<number, number> = { 1: 1, 3: 1, 4: 2, 7: 2, 8: 3, 15: 3, 16: 4, 20: 4 };
  for (const [n, k] of Object.entries(want)) assert.is(activeInterestCount(+n, 4), k, `n = ${n}`);
  assert.is(activeInterestCount(3, 4, false), 4);
});

test('routing logits: TruncatedNormal(0, 1) at 2σ (bounds, moments), same seed same draws', () => {
  const x = new Float64Array(200_000);
  fillTruncatedNormal(new Rng(1), x);
  let m = 0, v = 0;
  for (const a of x) { assert.ok(Math.abs(a) <= 2); m += a; v += a * a; }
  m /= x.length; v /= x.length;
  // Variance of N(0, 1) truncated at ±2: 1 − 2·2φ(2)/(Φ(2) − Φ(−2)) = 0.77374.
  assert.ok(Math.abs(m) < 0.01 && Math.abs(v - 0.77374) < 0.01, `mean ${m}, variance ${v}`);
  const y = new Float64Array(1000);
  fillTruncatedNormal(new Rng(1), y);
  assert.equal(Array.from(y), Array.from(x.subarray(0, 1000)));
});

test('zero routing logits with a shared map: all K capsules identical after 3 iterations', () => {
  setEngine(oracle());
  const m = tiny({ interests: 3, routingInit: 'zeros', adaptiveInterests: false });
  const V = m.interests(BATCH, { training: true, rng: new Rng(1) }).vectors.data; // [B, K, D]
  for (let b = 0; b < 3; b++) for (let k = 1; k < 3; k++) {
    assert.is(maxDiff(V.subarray((b * 3 + k) * 4, (b * 3 + k + 1) * 4), V.subarray(b * 12, b * 12 + 4)), 0, `row ${b} capsule ${k}`);
  }
});

test('random logits: training forwards differ, serving is bit-identical and survives save/load', async () => {
  const e = setEngine((await f32Backends())[2]);
  const m = tiny({ adaptiveInterests: false });
  const rng = new Rng(2);
  const t1 = values(m.interests(BATCH, { training: true, rng }).vectors);
  const t2 = values(m.interests(BATCH, { training: true, rng }).vectors);
  assert.ok(maxDiff(t1, t2) > 1e-4, 'two training forwards gave the same capsules');
  const s1 = values(m.queries(BATCH).vectors);
  const s2 = values(m.queries(BATCH).vectors);
  assert.equal(Array.from(s1), Array.from(s2));
  const bytes = encodeCheckpoint({ kind: 'mind', config: m.config, params: m.params });
  const other = tiny({ adaptiveInterests: false, seed: 9, routingSeed: 5 });
  assert.ok(maxDiff(values(other.queries(BATCH).vectors), s1) > 1e-4);
  loadParams(decodeCheckpoint(bytes), other.params);
  assert.equal(Array.from(values(other.queries(BATCH).vectors)), Array.from(s1));
  e.heap.resetArena();
});

test('routing weights: Σ_k w = 1 over active k at valid slots; 0 at padding and inactive k; norms < 1', async () => {
  for (const [engine, training] of [[oracle(), true], [oracle(), false], [(await f32Backends())[2], true]] as const) {
    setEngine(engine);
    const m = tiny();
    const tol = engine.backend === 'wasm-simd' ? 1e-6 : 1e-12;
    const tr: CapsuleTrace = {};
    const { vectors, active } = m.forward(BATCH, training, new Rng(3), tr);
    const w = tr.routed!.weights.data; // [B, T, K]
    assert.equal(Array.from(active), [1, 1, 1, 1, 1, 0]);
    for (let b = 0; b < 3; b++) for (let t = 0; t < T; t++) {
      const valid = BATCH.mask[b * T + t] === 1;
      let s = 0;
      for (let k = 0; k < 2; k++) {
        const x = w[(b * T + t) * 2 + k];
        if (!valid || !active[b * 2 + k]) assert.is(x, 0, `w[${b},${t},${k}]`);
        s += x;
      }
      if (valid) assert.ok(Math.abs(s - 1) < tol, `row ${b} slot ${t} sums to ${s}`);
    }
    const V = vectors.data;
    for (let r = 0; r < 6; r++) {
      const n = Math.hypot(...V.subarray(r * 4, r * 4 + 4));
      if (active[r]) assert.ok(n > 0 && n < 1, `capsule ${r} norm ${n}`);
      else assert.is(n, 0, 'inactive capsule is a zero vector');
    }
    assert.not.ok(tr.routed!.logits.requiresGrad, 'routing logits are never on the tape');
    engine.heap.resetArena();
  }
});

test('p = ∞: ∂L/∂V in exactly one active interest per row; e_y gets no read-out gradient', () => {
  const e = setEngine(oracle());
  const m = tiny();
  const tr: CapsuleTrace = {};
  backward(m.loss(BATCH, new Rng(4), tr));
  const g = tr.vectors!.grad!.data; // [B, K, D]
  const U = tr.user!.data, V = tr.vectors!.data;
  for (let b = 0; b < 3; b++) {
    const hit = [0, 1].filter((k) => g.subarray((b * 2 + k) * 4, (b * 2 + k + 1) * 4).some((x) => x !== 0));
    assert.is(hit.length, 1, `row ${b}: interests with gradient ${hit}`);
    assert.ok(b !== 2 || hit[0] === 0, 'the inactive interest is never chosen');
    assert.is(maxDiff(U.subarray(b * 4, b * 4 + 4), V.subarray((b * 2 + hit[0]) * 4, (b * 2 + hit[0] + 1) * 4)), 0);
  }
  // Pieces of E's row-sparse gradient whose ids are the labels: only the softmax's true class.
  const labelPieces = (p: CapsuleTrace, mm: MIND) => mm.itemTable().sparse!.filter((s) => s.ids.size === 3 && Array.from(s.ids.ids).join() === '4,9,1').length;
  assert.is(labelPieces(tr, m), 1);
  reset(e);
  const soft = tiny({ labelAwareP: 1 });
  backward(soft.loss(BATCH, new Rng(4), {}));
  assert.is(labelPieces({}, soft), 2, 'finite p: e_y also gets the attention gradient');
  reset(e);
});

test('p = 0 is the mean of the active capsules; p = 1e4 matches p = ∞ where the top two differ by ≥ 0.01', () => {
  const e = setEngine(oracle());
  const users = (p: number) => {
    const tr: CapsuleTrace = {};
    tiny({ labelAwareP: p, seed: 5 }).loss(BATCH, new Rng(6), tr);
    return { U: values(tr.user!), V: values(tr.vectors!) };
  };
  const { U, V } = users(0);
  const kk = [2, 2, 1];
  for (let b = 0; b < 3; b++) for (let d = 0; d < 4; d++) {
    let mean = 0;
    for (let k = 0; k < kk[b]; k++) mean += V[(b * 2 + k) * 4 + d] / kk[b];
    assert.ok(Math.abs(U[b * 4 + d] - mean) < 1e-12);
  }
  const hard = users(Infinity), big = users(1e4);
  const E = tiny({ seed: 5 }).itemTable().data;
  let compared = 0;
  for (let b = 0; b < 3; b++) {
    const y = BATCH.target![b];
    const s = [0, 1].map((k) => { let x = 0; for (let d = 0; d < 4; d++) x += hard.V[(b * 2 + k) * 4 + d] * E[y * 4 + d]; return x; });
    if (kk[b] === 2 && Math.abs(s[0] - s[1]) < 0.01) continue;
    compared++;
    assert.ok(maxDiff(hard.U.subarray(b * 4, b * 4 + 4), big.U.subarray(b * 4, b * 4 + 4)) < 1e-6, `row ${b}`);
  }
  assert.ok(compared >= 1);
  reset(e);
});

test('padding invariance: overwriting row 0 of E changes no output and no other gradient', () => {
  const e = setEngine(oracle());
  const m = tiny({ capsuleProjection: 'relu', mapBias: true });
  const run = () => {
    const tr: CapsuleTrace = {};
    const loss = m.loss(BATCH, new Rng(7), tr);
    const out = { loss: loss.item(), V: values(tr.vectors!), serve: new Float64Array(0) as Float64Array, grads: [] as Float64Array[] };
    backward(loss);
    out.grads = m.params.list().map((p) => { const g = gradOf(p); if (p.name === 'item_emb') g.fill(0, 0, 4); return g; });
    reset(e);
    out.serve = values(m.queries(BATCH).vectors);
    reset(e);
    return out;
  };
  const a = run();
  m.itemTable().data.set([3, -2, 5, 0.5], 0);
  const b = run();
  assert.ok(Math.abs(a.loss - b.loss) < 1e-6);
  assert.ok(maxDiff(a.V, b.V) < 1e-6 && maxDiff(a.serve, b.serve) < 1e-6);
  a.grads.forEach((g, i) => assert.ok(maxDiff(g, b.grads[i]) < 1e-6, m.params.list()[i].name));
});

test('gradcheck (float64): ∂L/∂S and ∂L/∂E match differences with the final w frozen, not with routing differentiated', () => {
  const e = setEngine(oracle());
  const m = tiny({ mapBias: true });
  const { grads, frozenLoss } = frozenRoutingLoss(e, m, BATCH);
  const routedLoss = () => m.loss(BATCH, new Rng(8)).item();
  let routedWorst = 0;
  m.params.list().forEach((p, i) => {
    const fe = fdError(e, p, grads[i], frozenLoss);
    assert.ok(fe < 1e-6, `${p.name}: frozen-w differences off by ${fe}`);
    routedWorst = Math.max(routedWorst, fdError(e, p, grads[i], routedLoss));
  });
  console.log(`  MIND gradcheck: routed-w differences off by ${routedWorst.toExponential(2)}`);
  assert.ok(routedWorst > 1e-4, `differentiating the routing should differ measurably (${routedWorst})`);
});

test('training: 200 Adam steps lower the loss and beat most-popular on Recall@50', async () => {
  const e = setEngine((await f32Backends())[2]);
  const r = trainAndEvaluate(e, (N) => new MIND({ items: N }), 5e-3);
  console.log(`  MIND: loss ${r.firstLoss.toFixed(3)} → ${r.lastLoss.toFixed(3)}, Recall@50 ${r.recall.toFixed(4)} vs most-popular ${r.popularRecall.toFixed(4)}`);
  assert.ok(r.lastLoss < r.firstLoss - 0.5, 'loss did not drop');
  assert.ok(r.recall > r.popularRecall * 1.2, 'MIND does not beat most-popular');
});

test('a checkpoint round trip keeps the hard read-out (p = Infinity is null in JSON)', () => {
  setEngine(oracle());
  const m = tiny();
  const ck = decodeCheckpoint(encodeCheckpoint({ kind: m.kind, config: m.config, params: m.params }));
  assert.is((ck.config as { labelAwareP: unknown }).labelAwareP, null);
  const back = new MIND(ck.config as MINDConfig);
  assert.is(back.config.labelAwareP, Infinity);
});

test('toString', () => {
  setEngine(oracle());
  assert.match(String(tiny()), /^MIND\(D=4, K=2, T=6, params=/);
});

test.run();
