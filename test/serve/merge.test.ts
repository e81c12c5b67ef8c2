// Multi-interest merge (docs/model-guide.md#multi-interest-retrieval-merge, docs/model-guide.md#shared-building-blocks): the list merge equals the brute-force top-N of
// max_k scores on random data, tie order, padding never returned, filterHistory and inactive
// interests on the dense path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candidatePool, mergeDense, mergeInterests, topNPerInterest } from '../../src/serve/merge.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Random V [K, D] and E [Nitems, D] → dense float32 scores [K, Nitems]. */
function randomScores(seed: number, k: number, items: number, d = 8, quantise = 0): Float32Array {
  const r = rng(seed);
  const v = Float64Array.from({ length: k * d }, () => r() * 2 - 1);
  const e = Float64Array.from({ length: items * d }, () => r() * 2 - 1);
  const out = new Float32Array(k * items);
  for (let a = 0; a < k; a++) for (let i = 0; i < items; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += v[a * d + j] * e[i * d + j];
    out[a * items + i] = quantise > 0 ? Math.round(s * quantise) / quantise : s;
  }
  return out;
}

/** Sort-everything reference: max_k scores, score desc, ties lower id. */
function sortAll(scores: Float32Array, k: number, n: number): number[] {
  const items = scores.length / k;
  const max = (i: number) => Math.max(...Array.from({ length: k }, (_, a) => scores[a * items + i]));
  return Array.from({ length: items - 1 }, (_, i) => i + 1)
    .sort((a, b) => max(b) - max(a) || a - b).slice(0, n);
}

test('list merge equals brute-force top-N of max_k scores (N = 50, 1,000 items, several seeds)', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    for (const k of [1, 2, 4, 6]) {
      const scores = randomScores(seed * 10 + k, k, 1000);
      const merged = mergeInterests(topNPerInterest(scores, k, 50), 50);
      const brute = mergeDense(scores, k, 50);
      assert.equal(Array.from(merged.ids), Array.from(brute.ids));
      assert.equal(Array.from(merged.scores), Array.from(brute.scores));
      assert.equal(Array.from(brute.ids), sortAll(scores, k, 50));
      assert.is(merged.ids.length, 50);
      assert.not.ok(merged.ids.includes(0));
    }
  }
});

test('exact with heavy ties (scores quantised to 0.1)', () => {
  for (const seed of [11, 12, 13]) {
    const scores = randomScores(seed, 4, 1000, 8, 10);
    const merged = mergeInterests(topNPerInterest(scores, 4, 50), 50);
    assert.equal(Array.from(merged.ids), sortAll(scores, 4, 50));
  }
});

test('tie order: equal scores keep lower ids first, max over interests wins, duplicates dropped', () => {
  const lists = [
    { ids: [7, 3, 5], scores: [0.9, 0.5, 0.5] },
    { ids: [5, 2, 7], scores: [0.9, 0.5, 0.1] },
  ];
  const pool = candidatePool(lists);
  assert.equal(Array.from(pool.ids), [5, 7, 2, 3]);
  assert.equal(Array.from(pool.scores), [0.9, 0.9, 0.5, 0.5]);
  assert.equal(Array.from(mergeInterests(lists, 3).ids), [5, 7, 2]);
  // Dense: all-equal scores → ids in ascending order.
  assert.equal(Array.from(mergeDense(new Float32Array(2 * 6).fill(1), 2, 4).ids), [1, 2, 3, 4]);
});

test('padding item 0 is never returned, even with the best score', () => {
  const scores = Float32Array.from([100, 1, 2, 3, /* row 2 */ 100, 3, 2, 1]);
  assert.equal(Array.from(mergeDense(scores, 2, 10).ids), [1, 3, 2]);
  assert.equal(Array.from(mergeInterests([{ ids: [0, 4], scores: [9, 1] }], 5).ids), [4]);
  for (const l of topNPerInterest(scores, 2, 4)) assert.not.ok(l.ids.includes(0));
});

test('fewer items than N; N = 0; empty lists', () => {
  const scores = randomScores(9, 2, 5);
  assert.is(mergeDense(scores, 2, 50).ids.length, 4);
  assert.is(mergeInterests(topNPerInterest(scores, 2, 50), 50).ids.length, 4);
  assert.is(mergeDense(scores, 2, 0).ids.length, 0);
  assert.is(mergeInterests([], 10).ids.length, 0);
});

test('exclude (filterHistory) still returns N items; inactive interests are ignored', () => {
  const scores = randomScores(21, 3, 200);
  const plain = mergeDense(scores, 3, 20);
  const history = Array.from(plain.ids.slice(0, 5));
  const filtered = mergeDense(scores, 3, 20, { exclude: history });
  assert.is(filtered.ids.length, 20);
  assert.equal(Array.from(filtered.ids.slice(0, 15)), Array.from(plain.ids.slice(5)));
  const viaLists = mergeInterests(topNPerInterest(scores, 3, 20, { exclude: history }), 20);
  assert.equal(Array.from(viaLists.ids), Array.from(filtered.ids));
  // Only row 1 active ≡ a K = 1 matrix of that row.
  const only1 = mergeDense(scores, 3, 20, { active: [0, 1, 0] });
  assert.equal(Array.from(only1.ids), Array.from(mergeDense(scores.slice(200, 400), 1, 20).ids));
  assert.is(topNPerInterest(scores, 3, 5, { active: [1, 0, 1] }).length, 2);
});

test('errors name the operation and the shape', () => {
  assert.throws(() => mergeDense(new Float32Array(10), 3, 5), /mergeDense: scores\[10\] is not \[K=3, Nitems\]/);
  assert.throws(() => mergeInterests([{ ids: [1, 2], scores: [1] }], 5), /interest 0: ids\[2\] and scores\[1\]/);
  assert.throws(() => mergeInterests([{ ids: [1], scores: [NaN] }], 5), /score is NaN/);
  assert.throws(() => mergeInterests([{ ids: [-1], scores: [1] }], 5), /item id -1/);
  assert.throws(() => mergeDense(new Float32Array(4), 2, 1, { active: [1] }), /active\[1\] does not match K=2/);
});

test.run();
