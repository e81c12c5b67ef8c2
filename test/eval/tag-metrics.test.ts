// Tag metrics: the worked example of docs/protocols.md#tag-metrics, AUC with ties by hand and against an
// O(n²) pair count, one-class and empty-GT handling, coverage.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  auc, coverage, gauc, precisionRecallAtK, TagProfileAccumulator, topTags,
} from '../../src/eval/tag-metrics.js';

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

test('worked example: GAUC = 3/5 (user C has only negatives and is skipped)', () => {
  // A: (0.9,1) (0.4,0) (0.6,0); B: (0.2,1) (0.7,0); C: (0.5,0) (0.3,0). Rows interleaved.
  const scores = [0.9, 0.2, 0.4, 0.5, 0.7, 0.6, 0.3];
  const labels = [1, 1, 0, 0, 0, 0, 0];
  const users = [1, 2, 1, 3, 2, 1, 3];
  assert.equal(gauc(scores, labels, users), { gauc: 0.6, users: 2, skipped: 1 });
  assert.is(auc([0.9, 0.4, 0.6], [1, 0, 0]), 1);
  assert.is(auc([0.2, 0.7], [1, 0]), 0);
});

test('worked example: profile P@3 = R@3 = 2/3', () => {
  const profile = ['genre:Drama', 'tag:funny', 'genre:Comedy'];
  const gt = new Set(['genre:Drama', 'genre:Comedy', 'tag:dark']);
  const { precision, recall } = precisionRecallAtK(profile, gt, 3);
  close(precision, 2 / 3);
  close(recall, 2 / 3);
  assert.equal(precisionRecallAtK(profile, gt, 1), { precision: 1, recall: 1 / 3 });
});

test('AUC with ties counts one half (hand-computed)', () => {
  // Pos {0.5, 0.3} vs neg {0.5, 0.8}: only the 0.5/0.5 pair counts, as 1/2 → 0.5 / 4.
  assert.is(auc([0.5, 0.5, 0.3, 0.8], [1, 0, 1, 0]), 0.125);
  // Pos {0.9, 0.4, 0.1} vs neg {0.4, 0.4}: 2 + 2·½ + 0 = 3 of 6 pairs.
  assert.is(auc([0.9, 0.4, 0.4, 0.4, 0.1], [1, 1, 0, 0, 1]), 0.5);
  // All scores equal: every pair is a tie.
  assert.is(auc([1, 1, 1, 1], [1, 0, 1, 0]), 0.5);
  // Infinite scores sort correctly.
  assert.is(auc([Infinity, -Infinity, Infinity], [1, 0, 0]), 0.75);
});

test('AUC equals the O(n²) pair count on random tied scores', () => {
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let trial = 0; trial < 20; trial++) {
    const n = 5 + Math.floor(rand() * 200);
    const scores = Float32Array.from({ length: n }, () => Math.round(rand() * 10) / 10);
    const labels = Uint8Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    const got = auc(scores, labels);
    if (pairs === 0) assert.ok(Number.isNaN(got));
    else close(got, wins / pairs);
  }
});

test('one-class and empty inputs give NaN, bad inputs throw', () => {
  assert.ok(Number.isNaN(auc([0.1, 0.2], [1, 1])));
  assert.ok(Number.isNaN(auc([0.1, 0.2], [0, 0])));
  assert.ok(Number.isNaN(auc([], [])));
  assert.equal(gauc([0.3, 0.4], [0, 0], [7, 8]), { gauc: NaN, users: 0, skipped: 2 });
  assert.throws(() => auc([0.1], [1, 0]), /lengths differ/);
  assert.throws(() => auc([NaN, 1], [1, 0]), /row 0: score is NaN/);
  assert.throws(() => auc([0, 1], [2, 0]), /label 2/);
  assert.throws(() => precisionRecallAtK([1, 2], [], 1), /ground truth is empty/);
});

test('topTags ranks by score, ties lower id first, never returns padding tag 0', () => {
  const scores = [99, 0.5, 0.9, 0.5, -1, 0.9];
  assert.equal(Array.from(topTags(scores, 10)), [2, 5, 1, 3, 4]);
  assert.equal(Array.from(topTags(scores, 3)), [2, 5, 1]);
});

test('accumulator: empty GT skipped, averages at K, coverage of top-10 profiles', () => {
  const acc = new TagProfileAccumulator({ ks: [3, 1], vocabularySize: 8 });
  acc.add([1, 2, 3, 4], [1, 3, 7]); // P@1 1, R@1 1/3; P@3 2/3, R@3 2/3
  acc.add([5, 6, 7, 8], [9]); // all 0
  acc.add([2, 1], []); // skipped
  const res = acc.result();
  assert.is(res.users, 2);
  assert.is(res.skipped, 1);
  assert.equal(res.rows.map((r) => r.k), [1, 3]);
  close(res.rows[0].precision, 0.5);
  close(res.rows[0].recall, 1 / 6);
  close(res.rows[1].precision, 1 / 3);
  close(res.rows[1].recall, 1 / 3);
  assert.is(res.coverage, 1); // tags 1..8 all appear
  assert.is(coverage([[1, 2, 3], [3, 4]], 8), 0.5);
  assert.is(coverage([[1, 2, 3], [3, 4]], 8, 1), 0.25);
  assert.ok(Number.isNaN(new TagProfileAccumulator().result().rows[0].precision));
});

test.run();
