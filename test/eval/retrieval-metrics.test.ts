// Retrieval metrics: the worked examples of docs/protocols.md#retrieval-metrics, hand-computed edge cases, and the
// one-pass accumulator against the per-metric functions on random lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  diversityAtN, hitRateAtN, looHitRate, looNdcg, ndcgAtN, ndcgComiRec, recallAtN,
} from '../../src/eval/retrieval-metrics.js';
import { LooAccumulator, RetrievalAccumulator } from '../../src/eval/retrieval-accumulator.js';

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

const cates1 = new Map<number, string>([[9, 'a'], [5, 'a'], [7, 'b'], [3, 'c']]);

test('worked example 1: R = [9,5,7,3], G = [5,9,5,12]', () => {
  const R = [9, 5, 7, 3];
  const G = [5, 9, 5, 12];
  assert.is(recallAtN(R, G, 4), 0.75);
  assert.is(recallAtN(R, G, 4, 'distinctHits'), 0.5);
  assert.is(hitRateAtN(R, G, 4), 1);
  close(ndcgAtN(R, G, 4), 0.76536);
  close(ndcgComiRec(R, G, 4), 1.0, 1e-12);
  close(diversityAtN(R, 4, cates1), 5 / 6, 1e-12);
});

test('worked example 2: R = [7,3,9,8], G = [9,12]', () => {
  const R = [7, 3, 9, 8];
  const G = [9, 12];
  assert.is(recallAtN(R, G, 4), 0.5);
  assert.is(hitRateAtN(R, G, 4), 1);
  close(ndcgAtN(R, G, 4), 0.30657);
  close(ndcgComiRec(R, G, 4), 0.5, 1e-12);
});

test('worked example 3 (LOO): target at rank 2', () => {
  const R = [4, 8, 6, 1, 2, 3, 5, 7, 9, 10];
  assert.is(looHitRate(R, 6, 10), 1);
  close(looNdcg(R, 6, 10), 0.5, 1e-12);
  assert.is(looHitRate(R, 6, 2), 0);
  assert.is(looNdcg(R, 6, 2), 0);
  const acc = new LooAccumulator([2, 10]);
  assert.is(acc.add(R, 6), 2);
  acc.add(R, 99); // miss counts 0
  assert.equal(acc.result(), { users: 2, rows: [{ n: 2, hitRate: 0, ndcg: 0 }, { n: 10, hitRate: 0.5, ndcg: 0.25 }] });
});

test('duplicate ground truth: every occurrence counts in Recall, once in NDCG', () => {
  // G = [3,3,3,4]: R hits 3 → occurrences 3/4, distinct 1/4; G* = {3,4}.
  const R = [3, 1, 2];
  const G = [3, 3, 3, 4];
  assert.is(recallAtN(R, G, 3), 0.75);
  assert.is(recallAtN(R, G, 3, 'distinctHits'), 0.25);
  close(ndcgAtN(R, G, 3), 1 / (1 + 1 / Math.log2(3)), 1e-12);
  assert.is(ndcgComiRec(R, G, 3), 1);
  // Only duplicates of one item: G* = {3}, ideal is one hit at the top.
  assert.is(ndcgAtN([3, 1], [3, 3], 2), 1);
  assert.is(recallAtN([1, 3], [3, 3], 2), 1);
});

test('empty recommendation list: everything 0, diversity 0', () => {
  assert.is(recallAtN([], [1, 2], 20), 0);
  assert.is(hitRateAtN([], [1], 20), 0);
  assert.is(ndcgAtN([], [1], 20), 0);
  assert.is(ndcgComiRec([], [1], 20), 0);
  assert.is(diversityAtN([], 20, cates1), 0);
  assert.is(looNdcg([], 1, 20), 0);
});

test('N larger than the list: the whole list counts, IDCG still over min(#G*, N)', () => {
  const R = [5, 1, 2];
  const G = [2, 6];
  assert.is(recallAtN(R, G, 50), 0.5);
  const idcg = 1 + 1 / Math.log2(3);
  close(ndcgAtN(R, G, 50), 0.5 / idcg, 1e-12);
  close(ndcgComiRec(R, G, 50), 0.5, 1e-12);
  // N truncates: at N = 2 item 2 (position 2) is out.
  assert.is(recallAtN(R, G, 2), 0);
  // Diversity with an uncategorised item (1) as a singleton: pairs (5,1),(5,2),(1,2) differ
  // except (5,2) which share 'x' → 2/3.
  close(diversityAtN(R, 50, new Map([[5, 'x'], [2, 'x']])), 2 / 3, 1e-12);
  // Dense table lookup: −1 = uncategorised.
  close(diversityAtN([1, 2, 3], 3, Int32Array.from([-1, 0, 0, -1])), 2 / 3, 1e-12);
});

test('no hits: 0 everywhere and the user still counts in the average', () => {
  const acc = new RetrievalAccumulator({ ns: [2, 4] });
  acc.add([1, 2, 3, 4], [9]);
  acc.add([9, 5, 7, 3], [5, 9, 5, 12]);
  const at4 = acc.at(4);
  assert.is(at4.recall, 0.375);
  assert.is(at4.hitRate, 0.5);
  close(at4.ndcg, 0.76536 / 2);
  assert.is(at4.ndcgComiRec, 0.5);
  assert.is(at4.diversity, undefined);
  assert.is(acc.users, 2);
});

test('errors: empty truth, duplicate item in R, bad N', () => {
  assert.throws(() => recallAtN([1], [], 5), /ground truth is empty/);
  assert.throws(() => ndcgAtN([1, 2, 1], [1], 5), /item 1 twice/);
  assert.throws(() => hitRateAtN([1], [1], 0), /N = 0/);
  assert.throws(() => new RetrievalAccumulator().add([4, 4], [4]), /item 4 twice/);
  assert.throws(() => new RetrievalAccumulator().add([4], []), /ground truth is empty/);
  assert.ok(Number.isNaN(new RetrievalAccumulator().result().rows[0].recall));
});

test('accumulator at several N equals the per-metric functions (random lists)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const cate = Int32Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? -1 : i % 11));
  for (const numerator of ['occurrences', 'distinctHits'] as const) {
    const acc = new RetrievalAccumulator({ ns: [50, 20, 5], recallNumerator: numerator, categories: cate });
    const expect = new Float64Array(3 * 5);
    const users = 40;
    for (let u = 0; u < users; u++) {
      const items = Array.from({ length: 299 }, (_, i) => i + 1).sort(() => rand() - 0.5);
      const ranked = items.slice(0, u % 5 === 0 ? 12 : 50); // some lists shorter than N
      const truth = Array.from({ length: 1 + Math.floor(rand() * 15) }, () => 1 + Math.floor(rand() * 120));
      const rows = acc.add(ranked, truth);
      [5, 20, 50].forEach((n, i) => {
        const want = [recallAtN(ranked, truth, n, numerator), hitRateAtN(ranked, truth, n),
          ndcgAtN(ranked, truth, n), ndcgComiRec(ranked, truth, n), diversityAtN(ranked, n, cate)];
        const got = [rows[i].recall, rows[i].hitRate, rows[i].ndcg, rows[i].ndcgComiRec, rows[i].diversity!];
        for (let m = 0; m < 5; m++) {
          close(got[m], want[m], 1e-12);
          expect[i * 5 + m] += want[m] / users;
        }
      });
    }
    const res = acc.result();
    assert.is(res.users, users);
    assert.equal(res.rows.map((r) => r.n), [5, 20, 50]);
    res.rows.forEach((r, i) => {
      const got = [r.recall, r.hitRate, r.ndcg, r.ndcgComiRec, r.diversity!];
      for (let m = 0; m < 5; m++) close(got[m], expect[i * 5 + m], 1e-12);
    });
  }
});

test('toString reports percent with three decimals', () => {
  const acc = new RetrievalAccumulator({ ns: [4], categories: cates1 });
  acc.add([9, 5, 7, 3], [5, 9, 5, 12]);
  assert.match(acc.toString(), /@4: recall 75\.000 hitRate 100\.000 ndcg 76\.536 ndcgComiRec 100\.000 diversity 83\.333/);
});

test.run();
