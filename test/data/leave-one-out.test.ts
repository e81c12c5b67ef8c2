// Leave-one-out (docs/protocols.md#leave-one-out): samples are every t in 3..n−3 of every user, validation and
// test cases predict s[n−2] and s[n−1] from everything before; each epoch visits every sample
// once in a seeded order that depends only on (seed, epoch), so batches are a function of the
// step; a Trainer on protocol 'loo' learns the synthetic data better than the popularity order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval, type SplitDataset } from '../../src/data/protocol.js';
import { LooBatches, leaveOneOut, stepsPerEpoch } from '../../src/data/leave-one-out.js';
import { createModel } from '../../src/models/registry.js';
import type { RetrievalModel } from '../../src/models/types.js';
import { MostPopular } from '../../src/models/most-popular.js';
import { Trainer } from '../../src/train/trainer.js';
import { evaluateRetrieval } from '../../src/train/evaluate.js';
import { f32Backends } from '../helpers/engines.js';

const seqs = [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10], [1, 1]];
const tiny = { sequences: seqs.map((s) => Int32Array.from(s)), userIds: ['a', 'b', 'c'] } as unknown as SplitDataset;

test('samples t = 3..n−3, cases s[n−2] / s[n−1] with the whole prefix as history', () => {
  const loo = leaveOneOut(tiny, 4);
  // user a (n 7): t 3, 4; user b (n 3): none; user c (n 2): skipped entirely.
  assert.equal(Array.from(loo.users), [0, 0]);
  assert.equal(Array.from(loo.positions), [3, 4]);
  assert.is(loo.skippedUsers, 1);
  assert.equal(Array.from(loo.valid.users), [0, 1]);
  assert.equal(loo.valid.truth.map((t) => Array.from(t)), [[6], [9]]);
  assert.equal(loo.test.truth.map((t) => Array.from(t)), [[7], [10]]);
  // test history of a: last 4 of s[0..5] = 3 4 5 6; of b: 8 9 (left-aligned).
  assert.equal(Array.from(loo.test.hist), [3, 4, 5, 6, 8, 9, 0, 0]);
  assert.equal(Array.from(loo.test.len), [4, 2]);
  assert.equal(Array.from(loo.valid.hist.subarray(0, 4)), [2, 3, 4, 5]);
});

test('batches: each epoch visits every sample once; the batch of a step does not depend on history', () => {
  const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });
  const loo = leaveOneOut(ds, 10);
  const B = 64, per = stepsPerEpoch(loo, B);
  const a = new LooBatches(ds, loo, 7);
  const seen = new Map<string, number>();
  for (let step = 0; step < per; step++) {
    const b = a.batch(step, B, 10);
    for (let r = 0; r < b.B; r++) {
      const key = `${b.users[r]}:${b.target[r]}:${b.len[r]}:${b.hist[r * 10]}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  assert.is([...seen.values()].reduce((x, y) => x + y, 0), loo.users.length);
  const fresh = new LooBatches(ds, loo, 7);
  assert.equal(fresh.batch(per + 3, B, 10), a.batch(per + 3, B, 10), 'same step, same batch after a different path');
  assert.not.equal(Array.from(a.batch(per, B, 10).target), Array.from(a.batch(0, B, 10).target), 'epochs are reshuffled');
});

test("Trainer protocol 'loo': epochs, early stopping on HR@50, beats most-popular on the test cases", async () => {
  const e = setEngine((await f32Backends())[2]);
  const ds = prepareRetrieval(generateSynthetic('small', { users: 600, itemsPerCluster: 40, seed: 4 }).events, { filter: false, vocabCounts: 'all' });
  const model = createModel('comirec-sa', { items: ds.vocab.size, dim: 32, interests: 4, seqLen: 20 }) as RetrievalModel;
  const t = new Trainer(model, ds, { protocol: 'loo', batchSize: 128, lr: 5e-3, maxSteps: 400 });
  assert.is(t.opts.evalEvery, stepsPerEpoch(t.loo!, 128));
  assert.is(t.opts.patience, 5);
  const r = t.fit();
  assert.ok(r.lossCurve[0].loss > r.lossCurve.at(-1)!.loss, 'loss falls');
  const hr = (m: RetrievalModel | MostPopular) => evaluateRetrieval(m, t.loo!.test, { ns: [50] }).rows[0].hitRate;
  const pop = hr(new MostPopular(ds.vocab.size));
  assert.ok(hr(model) > pop + 0.05, `HR@50 ${hr(model)} vs most-popular ${pop}`);
  e.heap.resetArena();
});

test.run();
