// Helpers for the MIND and ComiRec-DR tests: hand-made batches, pool copies of arena tensors,
// a float64 finite-difference check, and a short train + Recall@50 run on synthetic data
// against the most-popular baseline.
import type { Engine } from '../../src/engine/engine.js';
import { Rng } from '../../src/engine/random.js';
import { Tensor, poolTensor } from '../../src/tensor.js';
import { backward, clearTape, noGrad } from '../../src/autograd/tape.js';
import { matmul, reshape } from '../../src/ops/index.js';
import { Adam } from '../../src/optim/adam.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { casesBatch, evalCases, prepareRetrieval, sampleTrainBatch } from '../../src/data/protocol.js';
import { mergeDense } from '../../src/serve/merge.js';
import { recallAtN } from '../../src/eval/retrieval-metrics.js';
import type { RetrievalBatch, RetrievalModel } from '../../src/models/types.js';
import type { CapsuleTrace, MIND } from '../../src/models/mind.js';
import { gradOf } from './tag-helpers.js';

export { gradOf };

/** A left-aligned batch from explicit histories (window T) and optional targets. */
export function makeBatch(hists: number[][], T: number, targets?: number[]): RetrievalBatch {
  const B = hists.length;
  const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B);
  hists.forEach((h, b) => {
    hist.set(h, b * T);
    mask.fill(1, b * T, b * T + h.length);
    len[b] = h.length;
  });
  return { B, T, hist, mask, len, target: targets ? Int32Array.from(targets) : undefined };
}

/** A long-lived copy of an arena tensor (survives resetArena). */
export const keep = (t: Tensor): Tensor => poolTensor(t.shape, t.data, t.engine);

/** Float64 copy of a tensor's values. */
export const values = (t: Tensor): Float64Array => Float64Array.from(t.data);

/** Largest |a − b|. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Worst relative error between `analytic` (dense gradient of p) and central differences of
 * `loss` at up to `count` coordinates of p with the largest analytic gradient.
 */
export function fdError(e: Engine, p: Tensor, analytic: Float64Array, loss: () => number, count = 8, eps = 1e-6): number {
  const order = Array.from(analytic.keys()).sort((a, b) => Math.abs(analytic[b]) - Math.abs(analytic[a])).slice(0, count);
  let worst = 0;
  for (const i of order) {
    const at = (p.ptr >> 2) + i;
    const v = e.floats[at];
    e.floats[at] = v + eps;
    const up = noGrad(loss);
    e.heap.resetArena();
    e.floats[at] = v - eps;
    const down = noGrad(loss);
    e.heap.resetArena();
    e.floats[at] = v;
    const num = (up - down) / (2 * eps);
    worst = Math.max(worst, Math.abs(num - analytic[i]) / Math.max(1, Math.abs(num)));
  }
  return worst;
}

/**
 * Analytic gradients of a MIND loss (negatives and routing logits from Rng(seed)) and the loss as
 * a function of the current weights with the final routing weights frozen at this pass's values
 * (the only taped path, docs/model-guide.md#mind), for finite differences.
 */
export function frozenRoutingLoss(e: Engine, m: MIND, batch: RetrievalBatch, seed = 8): { grads: Float64Array[]; frozenLoss: () => number } {
  const tr: CapsuleTrace = {};
  const loss = m.loss(batch, new Rng(seed), tr);
  const frozen = keep(tr.routed!.weights);
  backward(loss);
  const grads = m.params.list().map(gradOf);
  clearTape();
  e.heap.resetArena();
  return { grads, frozenLoss: () => m.loss(batch, new Rng(seed), { frozen }).item() };
}

export interface TrainResult {
  firstLoss: number;
  lastLoss: number;
  recall: number;
  popularRecall: number;
}

/**
 * Train `make(N)` for `steps` Adam steps (B 128, T 20) on a small planted-cluster dataset
 * (1,000 items in 20 clusters, 1,200 users), then Recall@50 on the test users' docs/model-guide.md#training-read-outs cases,
 * next to the most-popular baseline (indices 1..50 are the 50 most frequent training items).
 */
export function trainAndEvaluate(e: Engine, make: (N: number) => RetrievalModel, lr: number, steps = 200): TrainResult {
  const T = 20, B = 128, topN = 50;
  const data = generateSynthetic('small', { users: 1200, itemsPerCluster: 50, seed: 3 });
  const ds = prepareRetrieval(data.events, { filter: false });
  const model = make(ds.vocab.size);
  const opt = new Adam(model.params.list(), { lr });
  const rng = new Rng(11);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const batch = sampleTrainBatch(ds, rng, B, T);
    const loss = model.loss(batch, rng);
    losses.push(loss.item());
    backward(loss);
    opt.step();
    e.heap.resetArena();
  }
  const cases = evalCases(ds, 'test', T);
  const popular = Int32Array.from({ length: topN }, (_, i) => i + 1);
  let recall = 0, popularRecall = 0;
  const E = model.itemTable();
  const [N, D] = E.shape;
  for (let start = 0; start < cases.B; start += B) {
    const batch = casesBatch(cases, start, B);
    noGrad(() => {
      const q = model.queries(batch);
      const K = q.vectors.shape[1];
      const scores = matmul(reshape(q.vectors, [batch.B * K, D]), E, false, true).data; // [B·K, N]
      for (let b = 0; b < batch.B; b++) {
        const truth = cases.truth[start + b];
        const top = mergeDense(scores.subarray(b * K * N, (b + 1) * K * N), K, topN, { active: q.active.subarray(b * K, (b + 1) * K) });
        recall += recallAtN(top.ids, truth, topN);
        popularRecall += recallAtN(popular, truth, topN);
      }
    });
    clearTape();
    e.heap.resetArena();
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { firstLoss: avg(losses.slice(0, 20)), lastLoss: avg(losses.slice(-20)), recall: recall / cases.B, popularRecall: popularRecall / cases.B };
}
