// Recommender served through an IVF index: probing every list reproduces exact serving; the
// index file round-trips through a fresh Recommender with identical lists; a file built for
// another checkpoint is refused; `exact: true` bypasses the index.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Recommender } from '../../src/serve/recommender.js';

const synth = generateSynthetic('tiny');
const ds = prepareRetrieval(synth.events, { filter: false });

test('buildIndex, recommend through it, save and load the index', async () => {
  await init({ backend: 'wasm-simd' });
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 3 });
  const rec = new Recommender(model, ds.vocab);
  const histories = ds.sequences.slice(0, 6).map((s) => Array.from(s.subarray(0, 8), (i) => ds.vocab.raw(i)));
  const exact = rec.recommendBatch(histories, { topN: 15, filterHistory: true });
  const index = rec.buildIndex({ lists: 8, nprobe: 8, seed: 5 });
  assert.is(index.size, ds.vocab.size - 1);
  assert.ok(index.report!.totalMs >= 0);
  const all = rec.recommendBatch(histories, { topN: 15, filterHistory: true });
  assert.equal(all.map((l) => l.map((r) => r.item)), exact.map((l) => l.map((r) => r.item)), 'nprobe = lists is exact');
  const few = rec.recommendBatch(histories, { topN: 15, nprobe: 2 });
  assert.ok(few.every((l) => l.length === 15));
  assert.equal(rec.recommendBatch(histories, { topN: 15, filterHistory: true, exact: true }), exact);
  const again = await Recommender.load(rec.toBytes(), { index: rec.indexBytes() });
  assert.is(again.index!.lists, 8);
  assert.equal(again.recommendBatch(histories, { topN: 15, nprobe: 2 }), few);
  const other = new Recommender(new ComiRecSA({ items: ds.vocab.size, dim: 16, seqLen: 20, seed: 4 }), ds.vocab);
  let msg = '';
  try { await other.loadIndex(rec.indexBytes()); } catch (err) { msg = (err as Error).message; }
  assert.match(msg, /index \(bytes\): the index was built from another item table/, msg);
});

test.run();
