// What the one trainer (trainer.ts) needs from a model family: its options with the family's
// defaults resolved, the loss of the batch of a given step, a validation score (higher is better),
// and the generator states that make a resumed run bit-identical. RetrievalTraining and
// TagTraining implement it.
import type { Rng } from '../engine/random.js';
import type { Tensor } from '../tensor.js';
import type { LeaveOneOut } from '../data/leave-one-out.js';

/** docs/protocols.md#validation-and-early-stopping: `quick` (default) for local data, `paper` as ComiRec on the full data. */
export type TrainProfile = 'quick' | 'paper';

/** Trainer options a family resolves (trainer.ts adds the callbacks). */
export interface FamilyOptions {
  /** Rows per batch (retrieval default 128; tag models 256 item rows (UTPM) or 512 tag rows). */
  batchSize?: number;
  /**
   * Retrieval only. 'comirec' (default): random-cut batches of training users, validation users'
   * 80 % cuts (docs/protocols.md#training-samples). 'loo': leave-one-out (docs/protocols.md#leave-one-out): every user trains on
   * s[0..n−3] in shuffled epochs, validation on s[n−2]; defaults then evalEvery = one epoch,
   * patience 5 epochs, maxSteps 100 epochs (validation Recall@50 is HR@50 with one target).
   */
  protocol?: 'comirec' | 'loo';
  /** Adam learning rate (default: the model's recommended `lr`, else 1e-3). */
  lr?: number;
  /** Retrieval only: defaults of evalEvery and patience (default 'quick'). */
  profile?: TrainProfile;
  /**
   * Steps between validations (retrieval quick: max(100, 5·⌈U_train / B⌉); paper: 1000, or 500
   * when T ≥ 50; tag models: one epoch).
   */
  evalEvery?: number;
  /**
   * Validations without a strictly better score that are tolerated: training stops at the next
   * one (as ComiRec's `trials > patience`). Retrieval quick 10, paper 50, loo 5; tag models 4
   * (training stops after 5 epochs without a better mean validation AUC).
   */
  patience?: number;
  /**
   * Retrieval, comirec protocol only: validate on a fixed sample of this many validation users
   * (default 0: all of them). The sample is drawn once from the validation users with a fixed
   * generator, the same for every training seed; the test pass always uses every test user. On
   * large data (460k users) a full validation costs minutes, a 5,000-user sample seconds.
   */
  validUsers?: number;
  /** Hard cap on steps (default 1,000,000; tag models `epochs` epochs). */
  maxSteps?: number;
  /** Tag models: cap in epochs over the training rows when maxSteps is not given (default 50). */
  epochs?: number;
  /** Seed of batches and negatives (default 1). */
  seed?: number;
  /** Steps between progress calls (default 20). */
  progressEvery?: number;
}

/** Options with every default filled in (what `trainer.opts` shows). */
export type ResolvedOptions = Required<Omit<FamilyOptions, 'epochs'>>;

export interface TrainTask {
  readonly opts: ResolvedOptions;
  /** Name of the validation score in messages ('Recall@50', 'mean AUC'). */
  readonly metric: string;
  readonly batchRng: Rng;
  readonly drawRng: Rng;
  readonly loo?: LeaveOneOut | null;
  /** Loss of the batch of step `step` (0-based), recorded on the tape, and the batch's rows. */
  loss(step: number): { loss: Tensor; rows: number };
  /** Validation score of the current weights (higher is better) and its parts. */
  validate(): { score: number; detail?: Record<string, number> };
  /** Generator states to store in a checkpoint. */
  state(): Record<string, number[]>;
  /** Restore `state()` (from a checkpoint named `source`). */
  setState(s: Record<string, number[]>, source: string): void;
}

/** The options every family shares, resolved against the family's defaults. */
export function resolveOptions(options: FamilyOptions, d: { batchSize: number; lr: number; evalEvery: number; patience: number; maxSteps: number }): ResolvedOptions {
  return {
    protocol: options.protocol ?? 'comirec',
    batchSize: d.batchSize,
    lr: options.lr ?? d.lr,
    profile: options.profile ?? 'quick',
    evalEvery: options.evalEvery ?? d.evalEvery,
    patience: options.patience ?? d.patience,
    maxSteps: options.maxSteps ?? d.maxSteps,
    validUsers: options.validUsers ?? 0,
    seed: options.seed ?? 1,
    progressEvery: options.progressEvery ?? 20,
  };
}
