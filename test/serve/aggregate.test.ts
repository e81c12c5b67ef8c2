// Controllable aggregation (docs/model-guide.md#controllable-aggregation, docs/model-guide.md#shared-building-blocks): λ = 0 reproduces the merge, huge λ gives
// distinct categories first, a hand-computed case with exact ties, early exit changes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregatePool, controllableAggregate } from '../../src/serve/aggregate.js';
import { candidatePool, mergeInterests, topNPerInterest } from '../../src/serve/merge.js';
import { diversityAtN } from '../../src/eval/retrieval-metrics.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Random dense scores [K, items] and a category table (every 9th item uncategorised). */
function randomCase(seed: number, k: number, items: number, cates: number) {
  const r = rng(seed);
  const scores = Float32Array.from({ length: k * items }, () => r() * 2 - 1);
  const table = Int32Array.from({ length: items }, (_, i) => (i % 9 === 4 ? -1 : Math.floor(r() * cates)));
  return { lists: topNPerInterest(scores, k, 50), table };
}

// Pool (already score-sorted): id: score cate — 1: 1 a, 2: .875 a, 3: .75 b, 4: .5 a, 5: .375 c,
// 6: .25 uncategorised. Dyadic scores so the ties below are exact.
const pool = { ids: [1, 2, 3, 4, 5, 6], scores: [1, 0.875, 0.75, 0.5, 0.375, 0.25] };
const cates = new Map<number, string>([[1, 'a'], [2, 'a'], [3, 'b'], [4, 'a'], [5, 'c']]);

test('hand-computed: λ = 0.625, N = 5 → [1, 3, 5, 2, 6]', () => {
  // 1 (a=1); 2: .25 < 3: .75 → 3; 2: .25, 4: −.125, 5: .375 → 5; 2: .25 ties 6: .25 → 2
  // (earlier in pool; a=2); 4: .5 − 1.25 < 6: .25 → 6.
  for (const earlyExit of [true, false]) {
    const out = aggregatePool(pool, { n: 5, lambda: 0.625, categories: cates, earlyExit });
    assert.equal(Array.from(out.ids), [1, 3, 5, 2, 6]);
    assert.equal(Array.from(out.scores), [1, 0.75, 0.375, 0.875, 0.25]);
  }
  // Official behaviour drops the uncategorised item 6: the last pick becomes 4.
  const dropped = aggregatePool(pool, { n: 5, lambda: 0.625, categories: cates, uncategorised: 'drop' });
  assert.equal(Array.from(dropped.ids), [1, 3, 5, 2, 4]);
  // λ = 0.125: 2 (.75) ties 3 (.75) → 2; then 3; then 4: .25 < 5: .375 → 5.
  assert.equal(Array.from(aggregatePool(pool, { n: 4, lambda: 0.125, categories: cates }).ids), [1, 2, 3, 5]);
  // N larger than the pool returns the whole pool once.
  assert.is(aggregatePool(pool, { n: 50, lambda: 0.3, categories: cates }).ids.length, 6);
  assert.is(aggregatePool(pool, { n: 50, lambda: 0.3, categories: cates, uncategorised: 'drop' }).ids.length, 5);
});

test('λ = 0 equals the merge exactly (several seeds, K = 1..6)', () => {
  for (const seed of [1, 2, 3, 4]) {
    for (const k of [1, 2, 4, 6]) {
      const { lists, table } = randomCase(seed * 7 + k, k, 1000, 12);
      const merged = mergeInterests(lists, 50);
      for (const earlyExit of [true, false]) {
        const agg = controllableAggregate(lists, { n: 50, lambda: 0, categories: table, earlyExit });
        assert.equal(Array.from(agg.ids), Array.from(merged.ids));
        assert.equal(Array.from(agg.scores), Array.from(merged.scores));
      }
    }
  }
});

test('λ = 1e9 (and ∞): the first min(N, #categories in pool) picks have distinct categories', () => {
  for (const seed of [5, 6, 7]) {
    for (const numCates of [3, 12, 80]) {
      const { lists, table } = randomCase(seed, 4, 1000, numCates);
      const p = candidatePool(lists);
      // Uncategorised items are singleton categories: give each a unique key.
      const key = (i: number) => (table[i] < 0 ? `u${i}` : `c${table[i]}`);
      const distinctInPool = new Set(Array.from(p.ids, key)).size;
      for (const lambda of [1e9, Infinity]) {
        const out = aggregatePool(p, { n: 50, lambda, categories: table });
        assert.is(out.ids.length, 50);
        const first = Array.from(out.ids.slice(0, Math.min(50, distinctInPool)), key);
        assert.is(new Set(first).size, first.length);
        // Within distinct categories the order is by score (nothing is penalised yet).
        const s = Array.from(out.scores.slice(0, first.length));
        assert.equal(s, [...s].sort((a, b) => b - a));
      }
    }
  }
});

test('early exit gives the same picks as the full scan for every λ', () => {
  for (const seed of [8, 9, 10]) {
    const { lists, table } = randomCase(seed, 4, 1000, 10);
    for (const lambda of [0.01, 0.05, 0.1, 0.25, 1, 5]) {
      const fast = controllableAggregate(lists, { n: 50, lambda, categories: table });
      const slow = controllableAggregate(lists, { n: 50, lambda, categories: table, earlyExit: false });
      assert.equal(Array.from(fast.ids), Array.from(slow.ids));
    }
  }
});

test('λ = 1e9 gives the highest diversity (balanced category counts are optimal)', () => {
  // Greedy monotonicity in λ is not a theorem, but λ → ∞ always adds to the least-used
  // available category, which minimises Σ_c C(count_c, 2) and so maximises Diversity@N.
  for (const seed of [42, 43]) {
    const { lists, table } = randomCase(seed, 4, 1000, 6);
    const div = (lambda: number) =>
      diversityAtN(controllableAggregate(lists, { n: 50, lambda, categories: table }).ids, 50, table);
    const top = div(1e9);
    for (const lambda of [0, 0.05, 0.1, 0.25, 1]) assert.ok(div(lambda) <= top + 1e-12, `λ=${lambda}`);
    assert.ok(top > div(0));
  }
});

test('errors: negative or NaN λ, unsorted pool, bad N', () => {
  assert.throws(() => aggregatePool(pool, { n: 3, lambda: -1, categories: cates }), /lambda = -1/);
  assert.throws(() => aggregatePool(pool, { n: 3, lambda: NaN, categories: cates }), /lambda = NaN/);
  assert.throws(() => aggregatePool({ ids: [1, 2], scores: [0.1, 0.2] }, { n: 1, lambda: 0, categories: cates }),
    /not score-sorted at position 1/);
  assert.throws(() => aggregatePool(pool, { n: 1.5, lambda: 0, categories: cates }), /N = 1.5/);
  assert.is(aggregatePool(pool, { n: 0, lambda: 0, categories: cates }).ids.length, 0);
});

test.run();
