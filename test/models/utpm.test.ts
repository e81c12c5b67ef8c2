// UTPM acceptance checks of docs/model-guide.md#utpm: cross layer vs brute force, level-1 weights, weight 2 ≡
// listed twice, identical heads, permutation invariance, joint-loss gradient rows, serving ranks,
// a float64 gradcheck of the whole model, and BCE stability at extreme logits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { tensor, poolTensor } from '../../src/tensor.js';
import { backward, clearTape } from '../../src/autograd/tape.js';
import { fmCross, crossPairs } from '../../src/ops/fm-cross.js';
import { UTPM, type UTPMConfig, type UTPMTrace } from '../../src/models/utpm.js';
import { fieldBatch, type TagBatch, type UserFields } from '../../src/nn/field-batch.js';
import { checkOp } from '../helpers/op-check.js';
import { oracle } from '../helpers/engines.js';
import { FIELDS, USERS, gradOf, modelGradcheck, multi } from './tag-helpers.js';

const tiny = (over: Partial<UTPMConfig> = {}) => new UTPM({ fields: FIELDS, tags: 8, embedDim: 3, attnDim: 2, fmDim: 2, hidden: 4, userDim: 3, ...over });
const trace = (): UTPMTrace => ({ alpha: [], fused: [], beta: [], heads: [] });
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, msg: string) => {
  assert.is(a.length, b.length, `${msg}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${msg}: [${i}] ${a[i]} vs ${b[i]}`);
};
const rowBatch = (users: UserFields[], tags: number[][], click: number[]): TagBatch => {
  const m = Math.max(1, ...tags.map((t) => t.length));
  const flat = new Int32Array(tags.length * m);
  tags.forEach((t, r) => flat.set(t, r * m));
  return { users: fieldBatch(FIELDS, users), B: tags.length, rowUser: Int32Array.from(tags, (_, r) => Math.min(r, users.length - 1)), tags: flat, m, click: Float32Array.from(click), conversion: new Float32Array(tags.length) };
};

test('fmCross: Gram form equals the brute-force double loop, length E(2E−1), gradcheck', async () => {
  setEngine(oracle());
  const E = 3, n = 2 * E, C = 4, B = 2;
  const xs = Array.from({ length: B * n }, (_, i) => Math.sin(i + 1));
  const vs = Array.from({ length: n * C }, (_, i) => Math.cos(2 * i + 0.5));
  const out = fmCross(tensor(xs, [B, n]), tensor(vs, [n, C]));
  assert.equal(out.shape, [B, E * (2 * E - 1)]);
  assert.is(crossPairs(2 * 16), 496);
  const want: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      let s = 0; // ⟨z_i, z_j⟩ with z = x ⊙ V
      for (let c = 0; c < C; c++) s += xs[b * n + i] * vs[i * C + c] * xs[b * n + j] * vs[j * C + c];
      want.push(s);
    }
  }
  close(out.data, want, 1e-6, 'cross');
  await checkOp('fmCross', [{ shape: [3, 5] }, { shape: [5, 2] }], ([x, v]) => fmCross(x, v));
});

test('level 1: weights sum to 1; a one-value field returns its embedding', () => {
  setEngine(oracle());
  const m = tiny();
  const tr = trace();
  m.encode(fieldBatch(FIELDS, USERS), tr);
  for (const perHead of tr.alpha) for (const a of perHead) {
    const [B, n] = a.shape;
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a.data[b * n + i];
      const empty = b === 2 && n === 3 && a === perHead[1]; // user 2 has an empty hist_tags
      if (!empty) assert.ok(Math.abs(s - 1) < 1e-12, `α sums to ${s}`);
    }
  }
  // User 1 holds one item (2) in hist_items: f = its embedding, on every head.
  const table = m.params.get('table.hist_items').data;
  for (const perHead of tr.fused) close(perHead[0].data.subarray(3, 6), table.subarray(2 * 3, 3 * 3), 1e-12, 'one-value field');
  // The empty field of user 2 gives all-zero weights and a zero vector, never NaN.
  for (const perHead of tr.fused) close(perHead[1].data.subarray(6, 9), [0, 0, 0], 0, 'empty field');
});

test('weight 2 on a value ≡ the value listed twice', () => {
  setEngine(oracle());
  const m = tiny();
  const a: UserFields = [multi([3, 5], [2, 1]), multi([1]), 1];
  const b: UserFields = [multi([3, 3, 5]), multi([1]), 1];
  const ta = trace(), tb = trace();
  const ua = Float64Array.from(m.encode(fieldBatch(FIELDS, [a]), ta).data);
  const ub = Float64Array.from(m.encode(fieldBatch(FIELDS, [b]), tb).data);
  for (let h = 0; h < 2; h++) {
    const alA = ta.alpha[h][0].data, alB = tb.alpha[h][0].data;
    // 1e-9: the reference softmax's exp is accurate to ~1e-10, ln 2 enters through it.
    close([alA[0], alA[1]], [alB[0] + alB[1], alB[2]], 1e-9, `α head ${h}`);
    close(ta.fused[h][0].data, tb.fused[h][0].data, 1e-9, `f head ${h}`);
  }
  close(ua, ub, 1e-9, 'u');
});

test('q1 = q2 with identical per-head projections → o1 = o2', () => {
  setEngine(oracle());
  const m = tiny();
  for (const name of ['q', 'hist_items.w', 'hist_items.b', 'hist_tags.w', 'hist_tags.b', 'level2.w', 'level2.b']) {
    m.params.get(`head1.${name}`).data.set(m.params.get(`head0.${name}`).data);
  }
  const tr = trace();
  m.encode(fieldBatch(FIELDS, USERS), tr);
  close(tr.heads[0].data, tr.heads[1].data, 0, 'o1 vs o2');
});

test('permuting a field’s values leaves u unchanged', () => {
  setEngine(oracle());
  const m = tiny();
  const u1 = Float64Array.from(m.encode(fieldBatch(FIELDS, [[multi([1, 4, 7], [1, 2, 3]), multi([2, 3, 6], [3, 1, 1]), 2]])).data);
  const u2 = Float64Array.from(m.encode(fieldBatch(FIELDS, [[multi([7, 1, 4], [3, 1, 2]), multi([6, 2, 3], [1, 3, 1]), 2]])).data);
  close(u1, u2, 1e-12, 'u');
});

test('joint loss, one row: the item’s tags get identical gradient rows (ŷ − y) u, other tags 0 (paper form, no w or b)', () => {
  const e = setEngine(oracle());
  const m = tiny({ finalActivation: 'none' });
  const batch = rowBatch([USERS[0]], [[2, 5, 7]], [1]);
  const u = Float64Array.from(m.encode(batch.users).data);
  clearTape();
  const theta = m.params.get('theta').data;
  let dot = 0;
  for (const t of [2, 5, 7]) for (let j = 0; j < 3; j++) dot += u[j] * theta[t * 3 + j];
  const yhat = 1 / (1 + Math.exp(-dot)); // the paper's σ(Σ_t ⟨u, Θ_t⟩)
  assert.not.ok(m.params.list().some((p) => p.name.startsWith('joint.')), 'the paper form has no trainable scale or bias');
  backward(m.loss(batch));
  const g = gradOf(m.params.get('theta'));
  for (let t = 0; t < 8; t++) {
    const row = g.subarray(t * 3, t * 3 + 3);
    if ([2, 5, 7].includes(t)) close(row, u.map((x) => (yhat - 1) * x), 1e-12, `tag ${t}`);
    else close(row, [0, 0, 0], 0, `tag ${t}`);
  }
  e.heap.resetArena();
});

test('serving ranks equal the ranks of ⟨u, Θ_t⟩; profile returns raw tag names', () => {
  setEngine(oracle());
  const names = ['<pad>', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const m = tiny({ tagNames: names });
  const fb = fieldBatch(FIELDS, USERS);
  const u = Float64Array.from(m.encode(fb).data);
  const theta = m.params.get('theta').data;
  const scores = m.scoreTags(fb)[0];
  for (let b = 0; b < 3; b++) {
    const dots = Array.from({ length: 7 }, (_, i) => { let s = 0; for (let j = 0; j < 3; j++) s += u[b * 3 + j] * theta[(i + 1) * 3 + j]; return s; });
    const byDot = [1, 2, 3, 4, 5, 6, 7].sort((x, y) => dots[y - 1] - dots[x - 1]);
    const byScore = [1, 2, 3, 4, 5, 6, 7].sort((x, y) => scores[b * 8 + y] - scores[b * 8 + x]);
    assert.equal(byScore, byDot);
  }
  const prof = m.profile(USERS[0], { topK: 3 });
  assert.is(prof.length, 3);
  assert.ok(prof.every((p) => names.includes(p.tag) && p.tag !== '<pad>'));
});

test('float64 gradcheck of the whole model (every parameter, both weightings)', () => {
  const e = setEngine(oracle());
  for (const over of [{}, { valueWeighting: 'scale' as const, itemScore: 'mean' as const, finalActivation: 'none' as const, jointAffine: true }]) {
    const m = tiny({ ...over, seed: 3 });
    // Larger cross init so the FM path carries signal into the check.
    const v = m.params.get('cross.v').data;
    for (let i = 0; i < v.length; i++) v[i] = Math.sin(i + 1) * 0.5;
    const batch = rowBatch(USERS, [[1, 2], [3, 0], [4, 7]], [1, 0, 1]);
    const r = modelGradcheck(m.params, () => m.loss(batch), () => e.heap.resetArena(), 8);
    assert.ok(r.maxError < 1e-6, `gradcheck ${JSON.stringify(over)}: ${r.maxError} at ${r.where}`);
  }
});

test('jointAffine: logit = w · Σ_t ⟨u, Θ_t⟩ + b (Czkonverse), equal to the paper form at w = 1, b = 0', () => {
  setEngine(oracle());
  const paper = tiny({ finalActivation: 'none' });
  const affine = tiny({ finalActivation: 'none', jointAffine: true });
  const batch = rowBatch(USERS, [[1, 2], [3, 0], [4, 7]], [1, 0, 1]);
  const a = Float64Array.from(paper.jointLogits(paper.encode(batch.users), batch).data);
  close(Float64Array.from(affine.jointLogits(affine.encode(batch.users), batch).data), a, 1e-12, 'init');
  affine.params.get('joint.w').data[0] = 2;
  affine.params.get('joint.b').data[0] = -0.5;
  close(Float64Array.from(affine.jointLogits(affine.encode(batch.users), batch).data), a.map((x) => 2 * x - 0.5), 1e-12, 'w 2, b −0.5');
});

test('BCE-stable: extreme joint logits give a finite loss and finite gradients', () => {
  const e = setEngine(oracle());
  const m = tiny({ finalActivation: 'none', jointAffine: true });
  m.params.get('joint.w').data[0] = 1e6; // logits of order ±1e4
  const batch = rowBatch(USERS, [[1, 2], [3, 0], [4, 7]], [1, 0, 1]);
  const loss = m.loss(batch);
  assert.ok(Number.isFinite(loss.item()), `loss ${loss.item()}`);
  backward(loss);
  for (const p of m.params.list()) assert.ok(gradOf(p).every(Number.isFinite), `${p.name} has a non-finite gradient`);
  e.heap.resetArena();
  void poolTensor;
});

test('switches: tied tag tables need E = U; cross off; history candidates', () => {
  setEngine(oracle());
  assert.throws(() => tiny({ tieTagTables: true, userDim: 4 }), /embedDim = userDim/);
  const tied = tiny({ tieTagTables: true });
  assert.is(tied.theta, tied.params.get('table.hist_tags'));
  const nc = tiny({ cross: false });
  assert.equal(nc.params.get('fc1.w').shape, [6, 4]);
  const h = tiny({ candidates: 'history' });
  const s = h.scoreTags(fieldBatch(FIELDS, [USERS[0]]))[0];
  for (let t = 1; t < 8; t++) assert.is(Number.isFinite(s[t]), t === 2 || t === 3, `tag ${t}`);
});

test.run();
