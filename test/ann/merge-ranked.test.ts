// The IVF finish's K-way merge of ranked lists equals mergeInterests (score descending, ties to
// the lower id, each id once, id 0 never) on random lists full of ties and repeated ids, including
// runs of equal scores out of id order; unranked lists, NaN scores and bad N take the general path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/engine/random.js';
import { mergeInterests } from '../../src/eval/merge.js';
import { mergeRanked } from '../../src/ann/ivf-search.js';

const ans = (r: { ids: Int32Array; scores: Float64Array }) => [Array.from(r.ids), Array.from(r.scores)];

test('mergeRanked equals mergeInterests on ranked lists with ties and repeats', () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 400; trial++) {
    const K = 1 + rng.int(6);
    const lists = Array.from({ length: K }, () => {
      const len = rng.int(40);
      const ids = Int32Array.from({ length: len }, () => rng.int(60)); // 0 (padding) and repeats included
      const scores = Float64Array.from({ length: len }, () => rng.int(8) / 4).sort().reverse(); // ranked, many ties
      return { ids, scores };
    });
    for (const n of [0, 1, 7, 50, 300]) assert.equal(ans(mergeRanked(lists, n)), ans(mergeInterests(lists, n)), `trial ${trial} n ${n}`);
  }
});

test('unranked lists, NaN and a bad N go the general way', () => {
  const unranked = [{ ids: Int32Array.of(3, 1, 2), scores: Float64Array.of(0.1, 0.9, 0.5) }, { ids: Int32Array.of(2), scores: Float64Array.of(0.7) }];
  assert.equal(ans(mergeRanked(unranked, 2)), ans(mergeInterests(unranked, 2)));
  assert.equal(ans(mergeRanked(unranked, 2)), [[1, 2], [0.9, 0.7]]);
  assert.throws(() => mergeRanked([{ ids: Int32Array.of(4), scores: Float64Array.of(NaN) }], 3), /score is NaN/);
  assert.throws(() => mergeRanked(unranked, -1), /N = -1/);
});

test.run();
