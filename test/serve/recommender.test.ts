// Recommender: raw ids in and out, unknown ids ignored, history filtering, diversity, interests,
// and a save/load round trip through checkpoint bytes that reproduces the lists exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import { Recommender } from '../../src/serve/recommender.js';
import { MIND } from '../../src/models/mind.js';
import { Vocabulary } from '../../src/data/vocab.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const synth = generateSynthetic('tiny');
const ds = prepareRetrieval(synth.events, { filter: false });

test('recommend, filter, diversity, interests, save/load', async () => {
  await init({ backend: 'wasm-simd' });
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20 });
  new Trainer(model, ds, { batchSize: 64, maxSteps: 100, evalEvery: 1000, lr: 5e-3 }).fit();
  const rec = new Recommender(model, ds.vocab);
  const history = Array.from(ds.sequences[0].subarray(0, 6), (i) => ds.vocab.raw(i));
  const list = rec.recommend([...history, 'no-such-item'], { topN: 10 });
  assert.is(list.length, 10);
  assert.ok(list.every((r) => ds.vocab.index(r.item) > 0), 'raw ids of real items');
  for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].score >= list[i].score);
  const filtered = rec.recommend(history, { topN: 10, filterHistory: true });
  assert.ok(filtered.every((r) => !history.includes(r.item)));
  const cluster = new Map(synth.items.ids.map((raw, i) => [raw, `c${synth.items.cluster[i]}`]));
  const diverse = rec.recommend(history, { topN: 5, diversity: 1e9, categories: cluster });
  // With a huge λ the greedy takes every category the pool offers before repeating one.
  const cats = diverse.map((r) => cluster.get(r.item));
  const distinct = new Set(cats).size;
  assert.is(new Set(cats.slice(0, distinct)).size, distinct, `categories ${cats}`);
  const plain = new Set(rec.recommend(history, { topN: 5 }).map((r) => cluster.get(r.item))).size;
  assert.ok(distinct >= plain, `diversity ${distinct} < plain ${plain}`);
  assert.is(rec.interests(history).length, 4);
  assert.throws(() => rec.recommend(['nope']), /history 0 has no item the model knows/);
  const again = await Recommender.load(rec.toBytes());
  assert.equal(again.recommend(history, { topN: 10 }), list.length === 10 ? rec.recommend(history, { topN: 10 }) : []);
  assert.throws(() => new Recommender(model, prepareRetrieval(generateSynthetic('tiny', { seed: 9, itemsPerCluster: 10 }).events, { filter: false }).vocab), /vocabulary has \d+ rows but the item table has/);
});

test("MIND servingRouting 'perUser' through recommend(): needs the user id, same id → same list", async () => {
  await init();
  const ids = Array.from({ length: 60 }, (_, i) => `m${i + 1}`);
  const vocab = new Vocabulary(['', ...ids], new Int32Array(61).fill(1), 60);
  const rec = new Recommender(new MIND({ items: 61, dim: 8, interests: 3, seqLen: 10, servingRouting: 'perUser', adaptiveInterests: false }), vocab);
  const h = ['m1', 'm5', 'm9', 'm13', 'm2', 'm7'];
  assert.throws(() => rec.recommend(h), /routes per user \(servingRouting 'perUser'\); pass the raw user id/);
  const a = rec.recommend(h, { user: 'alice', topN: 20 });
  assert.equal(rec.recommend(h, { user: 'alice', topN: 20 }), a);
  const vs = [rec.interests(h, { user: 'alice' }), rec.interests(h, { user: 'bob' })];
  assert.ok(vs[0].some((v, k) => v.some((x, j) => Math.abs(x - vs[1][k][j]) > 1e-6)), 'another user routes differently');
  assert.equal(rec.recommendBatch([h, h], { user: ['alice', 'bob'], topN: 20 })[0], a);
  assert.throws(() => rec.recommendBatch([h, h], { user: ['alice'] }), /1 user ids for 2 histories/);
});

test.run();
