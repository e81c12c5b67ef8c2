// Sampled softmax against a by-hand float64 reference of TensorFlow's semantics
// (tf.nn.sampled_softmax_loss → _compute_sampled_logits): logits u·e − ln Q with Q the sampler's
// expected count (S·P when every draw was new, else 1 − (1 − P)^tries, so repeated draws count),
// the label shifted by its own expected count, accidental hits removed, the mean cross-entropy
// with the label in column 0. Covers the log-uniform, TF log-uniform and uniform samplers, the
// in-batch mode (ln(B·freq/total) shift), the full softmax, and a finite-difference gradient check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setEngine } from '../../src/engine/current.js';
import { Rng } from '../../src/engine/random.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { clearTape } from '../../src/autograd/tape.js';
import { poolTensor } from '../../src/tensor.js';
import {
  expectedCount, sampleNegatives, sampledSoftmaxLoss, samplerProbability, type NegativeSample, type SampledSoftmaxInput,
} from '../../src/loss/sampled-softmax.js';
import { oracle } from '../helpers/engines.js';

const N = 9, D = 3, B = 3;
const U = [[0.3, -0.2, 0.5], [-0.1, 0.4, 0.2], [0.6, 0.1, -0.3]];
const E = Array.from({ length: N }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i + 0.5), 0.3 * Math.sin(3 * i)]);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const P = {
  logUniform: (k: number) => Math.log((k + 1) / k) / Math.log(N),
  tfLogUniform: (k: number) => Math.log((k + 2) / (k + 1)) / (Math.log(N + 1) - Math.log(2)), // renormalised over 1..N−1
  uniform: () => 1 / (N - 1),
};
/** TF ExpectedCountHelper by hand. */
const tfExpected = (p: number, tries: number, S: number) => (tries === S ? S * p : 1 - Math.pow(1 - p, tries));

/** TF's sampled softmax by hand: candidates `cand` with expected counts `qc`, the labels' counts `qy`. */
function reference(labels: number[], cand: number[], qy: number[], qc: number[]): number {
  let total = 0;
  labels.forEach((y, b) => {
    const row = [dot(U[b], E[y]) - Math.log(qy[b])];
    cand.forEach((c, j) => { if (c !== y) row.push(dot(U[b], E[c]) - Math.log(qc[j])); }); // accidental hits removed
    const m = Math.max(...row);
    total += m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0)) - row[0];
  });
  return total / labels.length;
}

function loss(labels: number[], negatives: SampledSoftmaxInput['negatives']): number {
  const e = setEngine(oracle());
  const user = poolTensor([B, D], U.flat(), e);
  const table = poolTensor([N, D], E.flat(), e);
  const out = sampledSoftmaxLoss({ user, table, labels: Int32Array.from(labels), negatives }).item();
  clearTape();
  return out;
}

test('log-uniform draws with repeats: tries counted, expected counts 1 − (1 − P)^tries, label shifted by its own Q', () => {
  const S = 4;
  let s: NegativeSample | undefined;
  for (let seed = 1; !s || s.tries === S; seed++) s = sampleNegatives(new Rng(seed), 'logUniform', N, S);
  assert.ok(s.tries > S, 'a repeated draw');
  const ids = Array.from(s.ids);
  assert.is(new Set(ids).size, S);
  ids.forEach((k, j) => assert.ok(Math.abs(s!.logQ[j] - Math.log(tfExpected(P.logUniform(k), s!.tries, S))) < 1e-12, `ln Q of id ${k}`));
  const labels = [2, 5, 7]; // a label that was also drawn is an accidental hit (removed)
  const qy = labels.map((y) => tfExpected(P.logUniform(y), s!.tries, S));
  const qc = ids.map((k) => tfExpected(P.logUniform(k), s!.tries, S));
  assert.ok(Math.abs(loss(labels, s) - reference(labels, ids, qy, qc)) < 1e-12);
  // With no repeats TF uses S·P instead.
  assert.ok(Math.abs(expectedCount(0.1, S, S) - 0.4) < 1e-15);
  assert.ok(Math.abs(expectedCount(0.1, S + 2, S) - (1 - 0.9 ** 6)) < 1e-15);
});

test('accidental hits: a candidate equal to the row label is removed from that row only', () => {
  const S = 3;
  const ids = [4, 2, 7];
  const tries = 5;
  const sample: NegativeSample = { ids: Int32Array.from(ids), logQ: Float64Array.from(ids, (k) => Math.log(tfExpected(P.uniform(), tries, S))), tries, kind: 'uniform' };
  const labels = [2, 6, 7]; // rows 0 and 2 hit a candidate
  const q = tfExpected(P.uniform(), tries, S);
  const want = reference(labels, ids, labels.map(() => q), ids.map(() => q));
  assert.ok(Math.abs(loss(labels, sample) - want) < 1e-12);
  // Without removal the loss would differ: the hit adds its own logit to the row's normaliser.
  const kept = (() => {
    let t = 0;
    labels.forEach((y, b) => {
      const row = [dot(U[b], E[y]) - Math.log(q), ...ids.map((c) => dot(U[b], E[c]) - Math.log(q))];
      t += Math.log(row.reduce((s, x) => s + Math.exp(x), 0)) - row[0];
    });
    return t / B;
  })();
  assert.ok(Math.abs(kept - want) > 1e-3);
});

test('uniform sampler: P = 1/(N−1) for every id, draws unique, padding never drawn', () => {
  const s = sampleNegatives(new Rng(3), 'uniform', N, 5);
  assert.ok(Array.from(s.ids).every((k) => k >= 1 && k < N));
  assert.is(samplerProbability('uniform', 3, N), 1 / (N - 1));
  s.ids.forEach((k, j) => assert.ok(Math.abs(s.logQ[j] - Math.log(tfExpected(1 / (N - 1), s.tries, 5))) < 1e-12));
});

test('TF log-uniform: tf.random.log_uniform_candidate_sampler (range_max N) with id 0 rejected, P renormalised over 1..N−1, accepted draws as tries', () => {
  for (let k = 1; k < N; k++) assert.ok(Math.abs(samplerProbability('tfLogUniform', k, N) - P.tfLogUniform(k)) < 1e-15);
  let sum = 0;
  for (let k = 1; k < N; k++) sum += samplerProbability('tfLogUniform', k, N);
  assert.ok(Math.abs(sum - 1) < 1e-12, `P sums to ${sum} over 1..N−1`);
  const S = 3;
  for (let seed = 1; seed <= 40; seed++) {
    const s = sampleNegatives(new Rng(seed), 'tfLogUniform', N, S);
    // Replay the stream by hand: a draw of 0 is rejected and redrawn (not a try of the renormalised sampler).
    const rng = new Rng(seed);
    const seen = new Set<number>();
    let tries = 0;
    while (seen.size < S) {
      const k = rng.logUniform(N + 1) - 1;
      if (k === 0) continue;
      tries++;
      seen.add(k);
    }
    assert.equal(Array.from(s.ids).sort(), [...seen].sort(), `seed ${seed}`);
    assert.is(s.tries, tries, `seed ${seed}: tries`);
    s.ids.forEach((k, j) => assert.ok(Math.abs(s.logQ[j] - Math.log(tfExpected(P.tfLogUniform(k), tries, S))) < 1e-12));
  }
});

test('TF log-uniform expected counts track the inclusion frequency of each id (Monte Carlo)', () => {
  // P(0) = ln 2 / ln 6 ≈ 0.39 at N = 5: TF's P without renormalising underestimates every Q by
  // about a third; the renormalised P is within TF's own approximation error (1 − (1 − P)^tries
  // ignores that unique sampling stops early) and closer for every id.
  const n = 5, S = 2, runs = 20000;
  const hits = new Float64Array(n), expect = new Float64Array(n), raw = new Float64Array(n);
  const rng = new Rng(11);
  for (let r = 0; r < runs; r++) {
    const s = sampleNegatives(rng, 'tfLogUniform', n, S);
    for (const k of s.ids) hits[k]++;
    for (let k = 1; k < n; k++) {
      expect[k] += expectedCount(samplerProbability('tfLogUniform', k, n), s.tries, S);
      raw[k] += expectedCount(Math.log((k + 2) / (k + 1)) / Math.log(n + 1), s.tries, S);
    }
  }
  for (let k = 1; k < n; k++) {
    const f = hits[k] / runs, q = expect[k] / runs, q0 = raw[k] / runs;
    assert.ok(Math.abs(f - q) / f < 0.15, `id ${k}: inclusion ${f.toFixed(3)} vs mean expected count ${q.toFixed(3)}`);
    assert.ok(Math.abs(f - q) < Math.abs(f - q0), `id ${k}: renormalised ${q.toFixed(3)} is closer to ${f.toFixed(3)} than ${q0.toFixed(3)}`);
  }
});

test('in-batch mode: candidates are the batch labels, shift ln(B·freq/total), own label masked (duplicates too)', () => {
  const freq = Float64Array.from({ length: N }, (_, i) => (i === 0 ? 0 : 10 - i));
  const total = freq.reduce((a, b) => a + b, 0);
  const labels = [3, 5, 3];
  const q = (y: number) => (B * freq[y]) / total;
  assert.ok(Math.abs(loss(labels, { kind: 'inBatch', freq }) - reference(labels, labels, labels.map(q), labels.map(q))) < 1e-12);
  const plain = reference(labels, labels, labels.map(() => 1), labels.map(() => 1));
  assert.ok(Math.abs(loss(labels, { kind: 'inBatch', freq, logQ: false }) - plain) < 1e-12, 'logQ: false drops the shift');
});

test('full softmax: every item 1..N−1, no shift', () => {
  const labels = [1, 4, 8];
  const all = Array.from({ length: N - 1 }, (_, i) => i + 1);
  assert.ok(Math.abs(loss(labels, { kind: 'full' }) - reference(labels, all, labels.map(() => 1), all.map(() => 1))) < 1e-12);
});

test('gradient check through user, table and bias (finite differences, float64)', () => {
  const s = sampleNegatives(new Rng(5), 'logUniform', N, 4);
  const labels = Int32Array.from([2, 6, 6]);
  const gc = gradcheck(([user, table, bias]) => sampledSoftmaxLoss({ user, table, bias, labels, negatives: s }), [
    { values: U.flat(), shape: [B, D] },
    { values: E.flat(), shape: [N, D] },
    { values: Array.from({ length: N }, (_, i) => 0.1 * i), shape: [N, 1] },
  ]);
  assert.ok(gc.ok, JSON.stringify(gc.worst));
});

test.run();
