// Baselines of docs/model-guide.md#mvke / docs/protocols.md#tag-metrics: gradchecks of TwoTower, HardSharing and MMoE,
// MMoE gates from the user only, TwoTower tasks independent, and hand cases of the counting baselines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { tensor } from '../../src/tensor.js';
import { backward, hasGrad } from '../../src/autograd/tape.js';
import { bceWithLogits } from '../../src/ops/index.js';
import { TwoTower } from '../../src/models/two-tower.js';
import { HardSharing } from '../../src/models/hard-sharing.js';
import { MMoE } from '../../src/models/mmoe.js';
import { PopularTags } from '../../src/models/popular-tags.js';
import { HistoryTags } from '../../src/models/history-tags.js';
import { countTagPopularity } from '../../src/models/counting-model.js';
import { fieldBatch, type TagBatch } from '../../src/nn/field-batch.js';
import { oracle } from '../helpers/engines.js';
import { FIELDS, USERS, gradOf, modelGradcheck, multi } from './tag-helpers.js';

const small = { fields: FIELDS, tags: 8, dim: 4, expertHidden: 5, towerHidden: 3, experts: 4, ctrExperts: [0, 1, 2], cvrExperts: [1, 3] };
const BATCH = (): TagBatch => ({
  users: fieldBatch(FIELDS, USERS), B: 4, rowUser: Int32Array.from([0, 1, 2, 0]), tags: Int32Array.from([1, 3, 5, 7]), m: 1,
  click: Float32Array.from([1, 0, 1, 0]), conversion: Float32Array.from([1, 0, 0, 0]),
});

test('float64 gradcheck of TwoTower, HardSharing and MMoE', () => {
  const e = setEngine(oracle());
  for (const M of [TwoTower, HardSharing, MMoE]) {
    const m = new M({ ...small, seed: 2, tagGroups: Int32Array.from([0, 1, 1, 2, 2, 1, 2, 1]), groups: 3 });
    for (const p of m.params.list()) { const d = p.data; for (let i = 0; i < d.length; i++) d[i] += 0.2 * Math.sin(5 * i + p.size); }
    const r = modelGradcheck(m.params, () => m.loss(BATCH()), () => e.heap.resetArena(), 6);
    assert.ok(r.maxError < 1e-6, `${m.kind}: ${r.maxError} at ${r.where}`);
  }
});

test('MMoE gates depend on the user only: two tags of one user share u_τ', () => {
  setEngine(oracle());
  const m = new MMoE(small);
  const fb = fieldBatch(FIELDS, USERS);
  const g = m.gates(fb);
  assert.equal(g.map((t) => t.shape), [[3, 3], [3, 2]]);
  // Two rows with the same user and different tags: logits = ⟨u, t_1⟩, ⟨u, t_2⟩ with one u.
  const us = m.userVectors(fb).map((u) => Float64Array.from(u.data));
  const rows: TagBatch = { ...BATCH(), B: 2, rowUser: Int32Array.from([1, 1]), tags: Int32Array.from([2, 6]), click: Float32Array.from([1, 0]), conversion: Float32Array.from([0, 0]) };
  const logits = m.logits(rows);
  for (let t = 0; t < 2; t++) {
    const tv = m.tagVectors(t, rows.tags).data;
    for (let r = 0; r < 2; r++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += us[t][4 + j] * tv[r * 4 + j];
      assert.ok(Math.abs(logits[t].data[r] - s) < 1e-12);
    }
  }
});

test('TwoTower: one independent model per task (a CTR loss never reaches CVR parameters)', () => {
  const e = setEngine(oracle());
  const m = new TwoTower(small);
  const b = BATCH();
  backward(bceWithLogits(m.logits(b)[0], tensor(b.click, [4])));
  for (const p of m.params.list()) {
    const reached = hasGrad(p) && gradOf(p).some((x) => x !== 0);
    if (p.name.startsWith('cvr.')) assert.not.ok(reached, p.name);
  }
  assert.ok(m.params.list().filter((p) => p.name.startsWith('ctr.')).every((p) => hasGrad(p)));
  e.heap.resetArena();
});

test('PopularTags and HistoryTags: hand-computed rankings', () => {
  setEngine(oracle());
  // Rows: (user 0, key 0 → tags [1, 2], click), (user 1, key 1 → tags [2, 3], click + conversion), (user 1, key 2 → [4], not clicked)
  const rows = { user: Int32Array.from([0, 1, 1]), key: Int32Array.from([0, 1, 2]), click: Uint8Array.from([1, 1, 0]), conversion: Uint8Array.from([0, 1, 0]) };
  const keyTags = [[1, 2], [2, 3], [4]];
  const pop = countTagPopularity(rows, (k) => keyTags[k], 8);
  assert.equal(Array.from(pop.ctr), [0, 1, 2, 1, 0, 0, 0, 0]);
  assert.equal(Array.from(pop.cvr), [0, 0, 1, 1, 0, 0, 0, 0]);
  const p = new PopularTags(FIELDS, ['ctr', 'cvr'], [pop.ctr, pop.cvr]);
  assert.equal(p.profile(USERS[0], { topK: 3 }).map((x) => x.id), [2, 1, 3]);
  assert.equal(p.profile(USERS[0], { topK: 2, task: 'cvr' }).map((x) => x.id), [2, 3]);
  const h = new HistoryTags(FIELDS, ['ctr'], [pop.ctr]);
  // User 0 history tags: 2 (×3), 3 (×1); then popularity breaks ties: 1 (pop 1) before 4..7 (pop 0).
  assert.equal(h.profile([multi([1]), multi([2, 3], [3, 1]), 1], { topK: 4 }).map((x) => x.id), [2, 3, 1, 4]);
  // Equal counts: popularity decides (tag 2 pop 2 beats tag 3 pop 1).
  assert.equal(h.profile([multi([1]), multi([3, 2]), 1], { topK: 2 }).map((x) => x.id), [2, 3]);
  assert.throws(() => p.loss(), /counting baseline has no loss/);
});

test.run();
