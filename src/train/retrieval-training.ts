// The retrieval family's part of training (docs/protocols.md#training-samples, #leave-one-out): seeded batches of
// distinct training users with random cuts (or leave-one-out epochs), the model's sampled-softmax
// loss with its own draw stream, validation Recall@50, and the option defaults of the profiles.
import type { SplitDataset, EvalCases } from '../data/protocol.js';
import { evalCases, sampleTrainBatch } from '../data/protocol.js';
import { LooBatches, leaveOneOut, stepsPerEpoch, type LeaveOneOut } from '../data/leave-one-out.js';
import { Rng } from '../engine/random.js';
import type { RetrievalModel } from '../models/types.js';
import { evaluateRetrieval, recallAt } from './evaluate.js';
import { resolveOptions, type FamilyOptions, type ResolvedOptions, type TrainTask } from './train-task.js';

export class RetrievalTraining implements TrainTask {
  readonly opts: ResolvedOptions;
  readonly metric = 'Recall@50';
  /** Draws the users and cuts of each batch. */
  readonly batchRng: Rng;
  /** Draws negatives (and MIND's routing logits) inside `model.loss`. */
  readonly drawRng: Rng;
  /** Leave-one-out samples and batches (protocol 'loo'). */
  readonly loo: LeaveOneOut | null = null;
  private readonly looBatches: LooBatches | null = null;
  private readonly valid: EvalCases;

  constructor(readonly model: RetrievalModel, readonly data: SplitDataset, options: FamilyOptions) {
    const B = options.batchSize ?? 128;
    if (!(Number.isInteger(B) && B >= 1)) throw new Error(`Trainer: batchSize ${B}; expected an integer ≥ 1`);
    const protocol = options.protocol ?? 'comirec';
    if (protocol !== 'comirec' && protocol !== 'loo') throw new Error(`Trainer: protocol "${protocol}"; expected comirec or loo`);
    if (protocol === 'comirec' && data.trainPool.length < B) {
      throw new Error(`Trainer: batchSize ${B} exceeds the ${data.trainPool.length} training users with ≥ 5 events; lower --batch`);
    }
    const profile = options.profile ?? 'quick';
    if (profile !== 'quick' && profile !== 'paper') throw new Error(`Trainer: profile "${profile}"; expected quick or paper`);
    const T = model.config.seqLen;
    if (protocol === 'loo') this.loo = leaveOneOut(data, T);
    const epoch = this.loo ? stepsPerEpoch(this.loo, B) : 0;
    const defaults = this.loo
      ? { evalEvery: epoch, patience: 5, maxSteps: 100 * epoch }
      : profile === 'paper'
        ? { evalEvery: T >= 50 ? 500 : 1000, patience: 50, maxSteps: 1_000_000 }
        : { evalEvery: Math.max(100, 5 * Math.ceil(data.train.length / B)), patience: 10, maxSteps: 1_000_000 };
    this.opts = resolveOptions(options, { ...defaults, batchSize: B, lr: (model.config as { lr?: number }).lr ?? 1e-3 });
    // Separate streams: the batch sequence of a seed does not depend on how many draws a model's
    // loss makes, so different models see the same users and cuts.
    const root = new Rng(this.opts.seed);
    this.batchRng = root.fork(1);
    this.drawRng = root.fork(2);
    const V = this.opts.validUsers;
    if (!(Number.isInteger(V) && V >= 0)) throw new Error(`Trainer: validUsers ${V}; expected an integer ≥ 0 (0: every validation user)`);
    if (V > 0 && this.loo) throw new Error('Trainer: validUsers applies to the comirec protocol (leave-one-out validates every user)');
    this.valid = this.loo ? this.loo.valid : evalCases(data, 'valid', T, V > 0 ? validationSample(data.valid, V) : undefined);
    if (this.loo) this.looBatches = new LooBatches(data, this.loo, this.opts.seed);
  }

  loss(step: number) {
    const { batchSize: B } = this.opts;
    const T = this.model.config.seqLen;
    const batch = this.looBatches ? this.looBatches.batch(step, B, T) : sampleTrainBatch(this.data, this.batchRng, B, T);
    return { loss: this.model.loss(batch, this.drawRng), rows: batch.B };
  }

  validate() {
    return { score: recallAt(evaluateRetrieval(this.model, this.valid, { ns: [50] }), 50) };
  }

  state(): Record<string, number[]> {
    return { batches: this.batchRng.getState(), draws: this.drawRng.getState() };
  }

  setState(s: Record<string, number[]>, source: string): void {
    if (!Array.isArray(s.batches) || !Array.isArray(s.draws)) throw new Error(`Trainer.resume: ${source}: trainer.rng needs "batches" and "draws" generator states`);
    this.batchRng.setState(s.batches);
    this.drawRng.setState(s.draws);
  }
}

/**
 * `count` of the validation users, drawn once with a fixed generator (partial Fisher–Yates), kept
 * in their split order: the same sample for every training seed, so runs stay comparable.
 */
export function validationSample(valid: ArrayLike<number>, count: number): Int32Array {
  if (count >= valid.length) return Int32Array.from(valid);
  const rng = new Rng(0x5a4d1e);
  const pos = Int32Array.from({ length: valid.length }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(pos.length - i);
    const t = pos[i]; pos[i] = pos[j]; pos[j] = t;
  }
  return Int32Array.from(pos.subarray(0, count).sort(), (i) => valid[i]);
}
