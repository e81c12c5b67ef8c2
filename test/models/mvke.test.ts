// MVKE acceptance checks (docs/model-guide.md#mvke): α over fields, empty fields masked, W_v = 0 → LN(U), gradient isolation of
// experts and towers by task, gates depend on the tag only, decomposed serving = training forward,
// the E = 1 reduction, float64 gradcheck, and BCE stability.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { tensor } from '../../src/tensor.js';
import { backward, clearTape, hasGrad } from '../../src/autograd/tape.js';
import { bceWithLogits } from '../../src/ops/index.js';
import { MVKE, type MVKEConfig, type MVKETrace } from '../../src/models/mvke.js';
import { fieldBatch, type TagBatch, type UserFields } from '../../src/nn/field-batch.js';
import { oracle } from '../helpers/engines.js';
import { FIELDS, USERS, gradOf, modelGradcheck } from './tag-helpers.js';

const tiny = (over: Partial<MVKEConfig> = {}) => new MVKE({ fields: FIELDS, tags: 8, dim: 4, expertHidden: 5, towerHidden: 3, ...over });
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, msg: string) => {
  assert.is(a.length, b.length, `${msg}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${msg}: [${i}] ${a[i]} vs ${b[i]}`);
};
const tagRows = (users: UserFields[], rowUser: number[], tags: number[], click: number[], conv: number[]): TagBatch => ({
  users: fieldBatch(FIELDS, users), B: tags.length, rowUser: Int32Array.from(rowUser), tags: Int32Array.from(tags), m: 1,
  click: Float32Array.from(click), conversion: Float32Array.from(conv),
});
const BATCH = () => tagRows(USERS, [0, 1, 2, 0], [1, 3, 5, 7], [1, 0, 1, 0], [1, 0, 0, 0]);
/** Bigger weights than the N(0, 0.01²) init so attention and gates are far from uniform. */
function spread(m: MVKE): void {
  for (const p of m.params.list()) { const d = p.data; for (let i = 0; i < d.length; i++) d[i] += 0.3 * Math.sin(7 * i + p.size); }
}

test('α sums to 1 over fields for every (row, kernel)', () => {
  setEngine(oracle());
  const m = tiny();
  spread(m);
  const tr: MVKETrace = {};
  m.kernelsOf(fieldBatch(FIELDS, USERS), tr);
  const [B, E, F] = tr.alpha!.shape;
  assert.equal([B, E, F], [3, 5, 3]);
  for (let r = 0; r < B * E; r++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += tr.alpha!.data[r * F + f];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
});

test('an empty multi-valued field gets field-attention weight exactly 0; the others still sum to 1', () => {
  setEngine(oracle());
  const m = tiny();
  spread(m);
  const tr: MVKETrace = {};
  m.kernelsOf(fieldBatch(FIELDS, USERS), tr); // user 2 has no hist_tags (field 1)
  const [, E, F] = tr.alpha!.shape;
  const a = tr.alpha!.data;
  for (let k = 0; k < E; k++) {
    const row = (2 * E + k) * F;
    assert.is(a[row + 1], 0, `kernel ${k}: the empty field is masked`);
    assert.ok(Math.abs(a[row] + a[row + 2] - 1) < 1e-12);
    assert.ok(a[(0 * E + k) * F + 1] > 0, 'a present field keeps its weight');
  }
  // Same user with the field filled: the mask is the only thing that moved weight.
  const filled = m.kernelsOf(fieldBatch(FIELDS, [[USERS[2][0], { ids: Int32Array.from([4]), weights: Float32Array.from([1]) }, USERS[2][2]]]), {});
  assert.ok(filled.data.every(Number.isFinite));
  // maskEmptyFields: false restores the unmasked attention: the empty field takes weight again.
  const open = tiny({ maskEmptyFields: false });
  open.params.list().forEach((p, i) => p.data.set(m.params.list()[i].data));
  const tr2: MVKETrace = {};
  open.kernelsOf(fieldBatch(FIELDS, USERS), tr2);
  for (let k = 0; k < E; k++) assert.ok(tr2.alpha!.data[(2 * E + k) * F + 1] > 0);
});

test('W_v = 0 and b_v = 0: every kernel’s H equals LN(U)', () => {
  setEngine(oracle());
  const m = tiny();
  spread(m);
  m.attn.wv.data.fill(0);
  m.attn.bv.data.fill(0);
  const g = m.params.get('ln.gain').data, bb = m.params.get('ln.bias').data;
  const fb = fieldBatch(FIELDS, USERS);
  const U = Float64Array.from(m.userFields(fb).data);
  const tr: MVKETrace = {};
  m.kernelsOf(fb, tr);
  const D = 4, F = 3, E = 5;
  for (let b = 0; b < 3; b++) for (let f = 0; f < F; f++) {
    const x = U.subarray((b * F + f) * D, (b * F + f + 1) * D);
    const mu = x.reduce((a, c) => a + c, 0) / D;
    const v = x.reduce((a, c) => a + (c - mu) ** 2, 0) / D;
    const ln = Array.from(x, (c, j) => ((c - mu) / Math.sqrt(v + 1e-5)) * g[j] + bb[j]);
    for (let k = 0; k < E; k++) close(tr.h!.data.subarray(((b * E + k) * F + f) * D, ((b * E + k) * F + f + 1) * D), ln, 1e-9, `b${b} k${k} f${f}`);
  }
});

test('CVR-only loss: no gradient to expert 0 or the CTR tower; CTR-only: none to experts 3, 4', () => {
  const e = setEngine(oracle());
  const m = tiny();
  spread(m);
  const batch = BATCH();
  const nonzero = (prefix: string) => m.params.list().filter((p) => p.name.startsWith(prefix)).some((p) => hasGrad(p) && gradOf(p).some((x) => x !== 0));
  for (const [ti, label, none, some] of [[1, 'conversion', ['expert0.', 'tower.ctr.'], ['expert1.', 'expert3.', 'expert4.', 'tower.cvr.']], [0, 'click', ['expert3.', 'expert4.', 'tower.cvr.'], ['expert0.', 'expert2.', 'tower.ctr.']]] as const) {
    const logits = m.logits(batch);
    backward(bceWithLogits(logits[ti], tensor(batch[label], [batch.B])));
    for (const p of none) assert.not.ok(nonzero(p), `${label}-only loss reached ${p}`);
    for (const p of some) assert.ok(nonzero(p), `${label}-only loss should reach ${p}`);
    // VK also feeds the attention queries, so its rows learn from both tasks, as does the bottom.
    assert.ok(nonzero('attn.'), 'bottom attention learns from every task');
    e.heap.resetArena();
  }
});

test('same tag → same gates for different users; decomposed serving = training forward', () => {
  setEngine(oracle());
  const m = tiny();
  spread(m);
  const batch = tagRows(USERS, [0, 1, 2, 1], [3, 3, 3, 6], [1, 0, 1, 0], [0, 1, 0, 0]);
  const tr: MVKETrace = {};
  m.logits(batch, tr);
  clearTape();
  for (const g of tr.gates!) {
    const S = g.shape[1];
    close(g.data.subarray(0, S), g.data.subarray(S, 2 * S), 0, 'gates rows 0/1');
    close(g.data.subarray(0, S), g.data.subarray(2 * S, 3 * S), 0, 'gates rows 0/2');
  }
  const rows = m.scoreRows(batch);
  const all = m.scoreTags(batch.users);
  for (let t = 0; t < 2; t++) {
    const served = Array.from({ length: 4 }, (_, r) => all[t][batch.rowUser[r] * 8 + batch.tags[r]]);
    close(served, rows[t], 1e-6, `task ${t}`);
  }
  const table = m.tagTable(0);
  assert.is(table.g.length, 8 * 3);
});

test('E = 1, S_ctr = S_cvr = {0}: gates are 1 and ŷ = σ(⟨x_0, t_τ⟩)', () => {
  setEngine(oracle());
  const m = tiny({ kernels: 1, ctrKernels: [0], cvrKernels: [0] });
  spread(m);
  const batch = BATCH();
  const tr: MVKETrace = {};
  const logits = m.logits(batch, tr);
  for (const g of tr.gates!) assert.ok(g.toArray().every((x) => x === 1));
  const x = tr.x!.data;
  for (let t = 0; t < 2; t++) {
    const tv = m.tagVectors(t, batch.tags).data;
    const want = Array.from({ length: 4 }, (_, r) => { let s = 0; for (let j = 0; j < 4; j++) s += x[batch.rowUser[r] * 4 + j] * tv[r * 4 + j]; return s; });
    close(logits[t].data, want, 1e-12, `task ${t}`);
  }
  clearTape();
});

test('float64 gradcheck: default, shared experts, single task with tag groups', () => {
  const e = setEngine(oracle());
  const groups = Int32Array.from([0, 1, 1, 2, 2, 1, 2, 1]);
  for (const over of [{}, { sharedExperts: true, taskWeights: [0.5, 2] as [number, number] }, { singleTask: 'ctr' as const, tagGroups: groups, groups: 3 }]) {
    const m = tiny({ ...over, seed: 5 });
    spread(m);
    const batch = BATCH();
    const r = modelGradcheck(m.params, () => m.loss(batch), () => e.heap.resetArena(), 6);
    assert.ok(r.maxError < 1e-6, `gradcheck ${JSON.stringify(over)}: ${r.maxError} at ${r.where}`);
  }
});

test('BCE-stable: extreme logits give finite loss and gradients', () => {
  const e = setEngine(oracle());
  const m = tiny();
  for (const p of m.params.list()) { const d = p.data; for (let i = 0; i < d.length; i++) d[i] = 3 * Math.sin(3 * i + 1); }
  const loss = m.loss(BATCH());
  assert.ok(Number.isFinite(loss.item()), `loss ${loss.item()}`);
  backward(loss);
  for (const p of m.params.list()) assert.ok(gradOf(p).every(Number.isFinite), `${p.name}: non-finite gradient`);
  e.heap.resetArena();
});

test('config errors name the problem', () => {
  setEngine(oracle());
  assert.throws(() => tiny({ cvrKernels: [1, 5] }), /kernel subset of cvr is \[1, 5\]/);
  assert.throws(() => tiny({ fields: [] }), /no user fields/);
  assert.match(String(tiny()), /^MVKE\(D=4, E=5, ctr=\{0,1,2\}, cvr=\{1,2,3,4\}/);
});

test.run();
