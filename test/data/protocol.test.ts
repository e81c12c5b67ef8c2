// Vocabulary ordering and JSON round trip; the docs/protocols.md#preprocessing filter, split, docs/protocols.md#training-samples batches and docs/protocols.md#test-procedure cases
// on small hand-built event logs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readEvents } from '../../src/data/read-events.js';
import { buildVocabulary, Vocabulary } from '../../src/data/vocab.js';
import { casesBatch, evalCases, prepareRetrieval, sampleTrainBatch } from '../../src/data/protocol.js';
import { Rng } from '../../src/engine/random.js';
import '../helpers/node-host.js'; // paths go through the library's file system

test('vocabulary: training counts descending, ties first appearance, unseen items last by total count', () => {
  const raw = ['a', 'b', 'c', 'd', 'e', 'f'];
  // training: c c b a a → a(2, first at 3), c(2, first at 0), b(1); all adds d×1, e×2; f absent
  const { vocab, toIndex } = buildVocabulary(raw, [2, 2, 1, 0, 0], [2, 2, 1, 0, 0, 3, 4, 4]);
  assert.equal(vocab.ids, ['', 'c', 'a', 'b', 'e', 'd']);
  assert.equal(Array.from(vocab.counts), [0, 2, 2, 1, 0, 0]);
  assert.is(vocab.trained, 3);
  assert.equal(Array.from(toIndex), [2, 3, 1, 5, 4, 0]);
  assert.is(vocab.index('e'), 4);
  assert.is(vocab.index('zzz'), -1);
  const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
  assert.equal(back.ids, vocab.ids);
  assert.equal(back.counts, vocab.counts);
  assert.is(back.trained, 3);
  assert.throws(() => Vocabulary.fromJSON({ format: 'x' } as never), /mirec-vocabulary/);
  assert.throws(() => vocab.raw(0), /outside 1\.\.5/);
});

/** u users with given sequences written as a `user item item ...` file. */
async function seqEvents(lines: string[]) { return readEvents({ text: lines.join('\n'), name: 'fixture.txt' }); }

test('filter keeps items with >= 5 events, then users with >= 5 kept events; items not re-filtered', async () => {
  const lines: string[] = [];
  for (let u = 1; u <= 10; u++) lines.push(`${u} 1 2 3 4 ${u % 2 ? 9 : 5}`); // items 1-4 x10, 9 x5, 5 x5
  lines.push('11 1 2 3 4 7'); // item 7 once: dropped → user 11 has 4 kept events: dropped
  lines.push('12 1 1 1 1 1 8'); // item 8 once
  const ev = await seqEvents(lines);
  const ds = prepareRetrieval(ev);
  assert.is(ds.stats.users, 11);
  assert.ok(!ds.userIds.includes('11'));
  assert.is(ds.stats.items, 6); // 1,2,3,4,5,9
  assert.is(ds.stats.droppedItems, 2);
  assert.is(ds.stats.events, 10 * 5 + 5);
  assert.equal(ds.userIds.slice(0, 3), ['1', '2', '3']); // numeric sort (not '1','10','12')
  assert.is(ds.train.length + ds.valid.length + ds.test.length, 11);
  assert.is(ds.train.length, 8);
  assert.is(ds.valid.length, 1);
  const noFilter = prepareRetrieval(ev, { filter: false });
  assert.is(noFilter.stats.users, 12);
  assert.is(noFilter.stats.items, 8);
});

test('time sort is stable (ties keep file order); split is seeded and reproducible', async () => {
  const ev = await readEvents({ text: 'userId,movieId,rating,timestamp\n1,a,1,5\n1,b,1,3\n1,c,1,5\n1,d,1,1\n1,e,1,3\n', name: 'r.csv' });
  const ds = prepareRetrieval(ev, { filter: false });
  assert.equal(ds.sequences[0].length, 5);
  assert.equal(Array.from(ds.rows[0]), [3, 1, 4, 0, 2]); // d(1) b(3) e(3) a(5) c(5)
  const lines = Array.from({ length: 50 }, (_, u) => `${u} 1 2 3 4 5 6`);
  const a = prepareRetrieval(await seqEvents(lines)), b = prepareRetrieval(await seqEvents(lines));
  assert.equal(a.test, b.test);
  const c = prepareRetrieval(await seqEvents(lines), { splitSeed: 7 });
  assert.is.not(Array.from(a.test).join(), Array.from(c.test).join());
  assert.equal([a.train.length, a.valid.length, a.test.length], [40, 5, 5]);
});

test('sampleTrainBatch: distinct users, k in 4..n-1, left-aligned zero-padded windows', async () => {
  const lines = Array.from({ length: 40 }, (_, u) => `${u} ` + Array.from({ length: 5 + (u % 7) }, (_, j) => 100 + ((u + j) % 13)).join(' '));
  const ds = prepareRetrieval(await seqEvents(lines), { filter: false });
  const rng = new Rng(3);
  for (let it = 0; it < 50; it++) {
    const T = 4;
    const bt = sampleTrainBatch(ds, rng, 16, T);
    assert.is(new Set(bt.users).size, 16);
    for (let b = 0; b < 16; b++) {
      const s = ds.sequences[bt.users[b]];
      const k = Array.from(s).findIndex((_, i) => i >= 4 && s[i] === bt.target[b] && bt.len[b] === Math.min(T, i) &&
        Array.from(s.subarray(i - bt.len[b], i)).join() === Array.from(bt.hist.subarray(b * T, b * T + bt.len[b])).join());
      assert.ok(k >= 4 && k <= s.length - 1, 'target and window come from one cut k >= 4');
      for (let t = 0; t < T; t++) {
        assert.is(bt.mask[b * T + t], t < bt.len[b] ? 1 : 0);
        if (t >= bt.len[b]) assert.is(bt.hist[b * T + t], 0);
      }
    }
  }
  const a = sampleTrainBatch(ds, new Rng(9), 8, 5), b = sampleTrainBatch(ds, new Rng(9), 8, 5);
  assert.equal(a, b);
  assert.throws(() => sampleTrainBatch(ds, rng, 1000, 5), /B=1000 exceeds the 32 training users/);
});

test('evalCases: k = floor(0.8 n), last T items before k, truth with duplicates', async () => {
  const lines = Array.from({ length: 20 }, (_, u) => `${u} 1 2 3 4 5 6 7 8 8 8`);
  const ds = prepareRetrieval(await seqEvents(lines), { filter: false });
  const c = evalCases(ds, 'test', 5);
  assert.is(c.B, 2);
  const s = ds.sequences[c.users[0]];
  assert.equal(Array.from(c.hist.subarray(0, 5)), Array.from(s.subarray(3, 8))); // k = 8
  assert.equal(Array.from(c.truth[0]), Array.from(s.subarray(8)));
  assert.equal(Array.from(c.truth[0]), [ds.vocab.index('8'), ds.vocab.index('8')]); // repeats kept
  const wide = evalCases(ds, 'valid', 12);
  assert.is(wide.len[0], 8);
  assert.equal(Array.from(wide.mask.subarray(0, 12)), [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  const part = casesBatch(wide, 1, 5);
  assert.is(part.B, 1);
  assert.is(part.hist.length, 12);
});

test.run();
