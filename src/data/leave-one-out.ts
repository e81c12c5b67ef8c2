// The secondary, weak-generalisation protocol of docs/protocols.md#leave-one-out (as qiaoyu-tan/SINE's
// main.py / metrics_rs.py): every user trains; its training sequence is s[0 .. n−3] and every
// position t ≥ 3 of it is a target with the previous ≤ T items as history; validation predicts
// s[n−2] from s[0 .. n−3], test predicts s[n−1] from s[0 .. n−2]. Training visits the samples in
// a fresh seeded order each epoch (the order of epoch e depends only on the seed and e, so a run
// resumed at any step continues identically).
import { Rng, hashString } from '../engine/random.js';
import { profileRows, type EvalCases, type SplitDataset, type TrainBatch } from './protocol.js';

export interface LeaveOneOut {
  /** Training samples: (user, target position) pairs, t in 3..n−3. */
  users: Int32Array;
  positions: Int32Array;
  /** One case per user with n ≥ 3: target s[n−2] (valid) / s[n−1] (test). */
  valid: EvalCases;
  test: EvalCases;
  /** Users with fewer than 3 events (no validation target): left out. */
  skippedUsers: number;
}

/** Build the docs/protocols.md#leave-one-out samples and cases over every user of `ds` (its user split is ignored). */
export function leaveOneOut(ds: SplitDataset, T: number): LeaveOneOut {
  const users: number[] = [], positions: number[] = [];
  const kept: number[] = [];
  ds.sequences.forEach((s, u) => {
    if (s.length < 3) return;
    kept.push(u);
    for (let t = 3; t <= s.length - 3; t++) { users.push(u); positions.push(t); }
  });
  if (!users.length) throw new Error('leaveOneOut: no user has 6 or more events, so there is no training sample (t ≥ 3 within s[0 .. n−3])');
  const cases = (split: 'valid' | 'test'): EvalCases => {
    const B = kept.length;
    const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B);
    const truth: Int32Array[] = [];
    kept.forEach((u, b) => {
      const s = ds.sequences[u];
      const k = split === 'valid' ? s.length - 2 : s.length - 1;
      const start = Math.max(0, k - T);
      hist.set(s.subarray(start, k), b * T);
      mask.fill(1, b * T, b * T + k - start);
      len[b] = k - start;
      truth.push(s.slice(k, k + 1));
    });
    return {
      split, B, T, users: Int32Array.from(kept), userKeys: Uint32Array.from(kept, (u) => hashString(ds.userIds[u])),
      hist, mask, len, truth, skipped: ds.sequences.length - B, profile: profileRows(ds, kept),
    };
  };
  return { users: Int32Array.from(users), positions: Int32Array.from(positions), valid: cases('valid'), test: cases('test'), skippedUsers: ds.sequences.length - kept.length };
}

/** Training steps of one epoch: ⌈samples / B⌉ (the last batch of an epoch may be short). */
export function stepsPerEpoch(loo: LeaveOneOut, B: number): number {
  return Math.ceil(loo.users.length / B);
}

/**
 * The batch of training step `step` (0-based): epoch ⌊step / stepsPerEpoch⌋ visits the samples in
 * the order of a shuffle seeded by (seed, epoch); the step takes the next B of them.
 */
export class LooBatches {
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(readonly ds: SplitDataset, readonly loo: LeaveOneOut, readonly seed: number) {}

  batch(step: number, B: number, T: number): TrainBatch {
    const per = stepsPerEpoch(this.loo, B);
    const epoch = Math.floor(step / per);
    if (epoch !== this.epoch) {
      this.order = new Rng(this.seed).fork(1000 + epoch).shuffle(Int32Array.from({ length: this.loo.users.length }, (_, i) => i));
      this.epoch = epoch;
    }
    const start = (step - epoch * per) * B;
    const pick = this.order.subarray(start, Math.min(start + B, this.order.length));
    const n = pick.length;
    const hist = new Int32Array(n * T), mask = new Float32Array(n * T), len = new Int32Array(n), target = new Int32Array(n), users = new Int32Array(n);
    pick.forEach((i, b) => {
      const u = this.loo.users[i], t = this.loo.positions[i], s = this.ds.sequences[u];
      const from = Math.max(0, t - T);
      hist.set(s.subarray(from, t), b * T);
      mask.fill(1, b * T, b * T + t - from);
      len[b] = t - from;
      target[b] = s[t];
      users[b] = u;
    });
    return { B: n, T, hist, mask, len, target, users, profile: profileRows(this.ds, users) };
  }
}
