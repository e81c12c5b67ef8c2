// MIND's optional profile head (docs/model-guide.md#mind step 5): every parameter, the profile tables and the
// two dense layers included, passes the frozen-w gradcheck; inactive interests stay exactly zero
// after the head; the profile changes the interests and unknown ids (0) read zeros and get no
// gradient; the last layer's activation follows profileHeadLast; a missing profile is a clear
// error; the config survives a checkpoint round trip.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import type { Engine } from '../../src/engine/engine.js';
import { clearTape, noGrad } from '../../src/autograd/tape.js';
import { MIND, type MINDConfig } from '../../src/models/mind.js';
import { decodeCheckpoint, encodeCheckpoint, loadParams } from '../../src/io/checkpoint.js';
import { f32Backends, oracle } from '../helpers/engines.js';
import { generateSynthetic, syntheticProfileFields } from '../../src/data/synthetic.js';
import { evalCases, prepareRetrieval, withProfiles } from '../../src/data/protocol.js';
import { Trainer } from '../../src/train/trainer.js';
import { Recommender } from '../../src/serve/recommender.js';
import { fdError, frozenRoutingLoss, makeBatch, maxDiff, values } from './capsule-helpers.js';

const T = 6;
const tiny = (over: Partial<MINDConfig> = {}) =>
  new MIND({ items: 12, dim: 4, interests: 2, seqLen: T, profileFields: [3, 5], profileDim: 2, profileHidden: 6, ...over });
// Lengths 6, 4, 2 → K′ = 2, 2, 1; profiles (field 0, field 1) per row, row 2 has an unknown field 1.
const BATCH = { ...makeBatch([[1, 5, 9, 2, 7, 11], [3, 4, 8, 10], [6, 2]], T, [4, 9, 1]), profile: Int32Array.of(1, 4, 2, 3, 2, 0) };
const reset = (e: Engine) => { clearTape(); e.heap.resetArena(); };

test('gradcheck (float64, routing weights frozen): every parameter including the head', () => {
  const e = setEngine(oracle());
  const m = tiny({ profileHeadLast: 'linear' });
  assert.ok(['mind.profile.table0', 'mind.profile.table1', 'mind.profile.Wa', 'mind.profile.ba', 'mind.profile.Wb', 'mind.profile.bb'].every((n) => m.params.tensors.has(n)));
  const { grads, frozenLoss } = frozenRoutingLoss(e, m, BATCH);
  m.params.list().forEach((p, i) => {
    const fe = fdError(e, p, grads[i], frozenLoss);
    assert.ok(fe < 1e-6, `${p.name}: off by ${fe}`);
  });
  // Unknown id 0 of field 1 (row 2): row 0 of that table gets no gradient.
  const g1 = grads[m.params.list().findIndex((p) => p.name === 'mind.profile.table1')];
  assert.equal(Array.from(g1.subarray(0, 2)), [0, 0]);
});

test('inactive interests stay zero; the profile moves the interests; relu vs linear last layer', () => {
  const e = setEngine(oracle());
  for (const last of ['relu', 'linear'] as const) {
    const m = tiny({ profileHeadLast: last });
    const v = noGrad(() => values(m.interests(BATCH).vectors)); // [3, 2, 4]
    assert.equal(Array.from(v.subarray(2 * 8 + 4, 3 * 8)), [0, 0, 0, 0], 'row 2 has K′ = 1: its second interest is zero');
    if (last === 'relu') assert.ok(v.every((x) => x >= 0));
    else assert.ok(v.some((x) => x < 0));
    const other = { ...BATCH, profile: Int32Array.of(2, 1, 2, 3, 2, 0) };
    const w = noGrad(() => values(m.interests(other).vectors));
    assert.ok(maxDiff(v.subarray(0, 8), w.subarray(0, 8)) > 1e-6, 'a different profile gives different interests');
    assert.ok(maxDiff(v.subarray(8), w.subarray(8)) === 0, 'rows with the same profile are unchanged');
    reset(e);
  }
});

test('errors and checkpoint round trip', () => {
  setEngine(oracle());
  const m = tiny();
  assert.throws(() => m.interests({ ...BATCH, profile: undefined }), /profile head needs batch\.profile with 3×2 field ids \(got none\)/);
  assert.throws(() => tiny({ profileFields: [1] }), /profileFields = \[1\]/);
  const ck = decodeCheckpoint(encodeCheckpoint({ kind: m.kind, config: m.config, params: m.params }));
  const back = new MIND(ck.config as MINDConfig);
  loadParams(ck, back.params);
  const a = noGrad(() => values(m.interests(BATCH).vectors));
  const b = noGrad(() => values(back.interests(BATCH).vectors));
  assert.ok(maxDiff(a, b) < 1e-6, "float32 checkpoint of a float64 model: same interests to float32 precision");
});

test('Trainer on synthetic data with the generator profiles: batches carry them, the loss falls', async () => {
  const e = setEngine((await f32Backends())[2]);
  const synth = generateSynthetic('tiny');
  const ds = withProfiles(prepareRetrieval(synth.events, { filter: false }), syntheticProfileFields(synth));
  const F = ds.profiles!.sizes.length;
  const cases = evalCases(ds, 'valid', 10);
  assert.is(cases.profile!.length, cases.B * F);
  assert.equal(Array.from(cases.profile!.subarray(0, F)), Array.from(ds.profiles!.values.subarray(cases.users[0] * F, cases.users[0] * F + F)));
  const m = new MIND({ items: ds.vocab.size, dim: 16, interests: 2, seqLen: 10, profileFields: ds.profiles!.sizes });
  const r = new Trainer(m, ds, { batchSize: 32, lr: 5e-3, maxSteps: 120, evalEvery: 60 }).fit();
  assert.ok(r.lossCurve.at(-1)!.loss < r.lossCurve[0].loss, `loss ${r.lossCurve[0].loss} → ${r.lossCurve.at(-1)!.loss}`);
  assert.ok(r.bestRecall50 > 0);
  // Serving with raw ids: the profile is passed per history.
  const rec = new Recommender(m, ds.vocab);
  const u = cases.users[0];
  const hist = Array.from(ds.sequences[u].subarray(0, 6), (i) => ds.vocab.raw(i));
  const prof = Array.from(ds.profiles!.values.subarray(u * F, u * F + F));
  assert.is(rec.recommend(hist, { profile: prof, topN: 5 }).length, 5);
  assert.throws(() => rec.recommend(hist), /profile head needs batch\.profile/);
  e.heap.resetArena();
});

test.run();
