// The one trainer of both model families (docs/protocols.md#validation-and-early-stopping, #tag-protocol):
// seeded steps with Adam (or Adagrad), validation every `evalEvery` steps, early stopping with one patience
// rule (stop when the validations since the best exceed `patience`, as ComiRec), the best weights
// kept and restored, a NaN/Inf guard that stops before a bad update with a message naming the step,
// a progress callback, a hook for writing the best checkpoint, and checkpoints that resume
// bit-identically. What a family trains on and validates with comes from its TrainTask.
import type { SplitDataset } from '../data/protocol.js';
import type { LeaveOneOut } from '../data/leave-one-out.js';
import type { TagDataset } from '../data/tag-datasets.js';
import type { Rng } from '../engine/random.js';
import { checkOptions } from '../engine/check-options.js';
import { backward, hasGrad } from '../autograd/tape.js';
import { Adam } from '../optim/adam.js';
import { Adagrad } from '../optim/sgd.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import type { RetrievalModel } from '../models/types.js';
import type { TagModel } from '../models/tag-model.js';
import { concatBytes } from '../io/safetensors.js';
import type { FamilyOptions, ResolvedOptions, TrainTask } from './train-task.js';
import { RetrievalTraining } from './retrieval-training.js';
import { TagTraining } from './tag-training.js';
import { resumeTrainer, trainerCheckpointChunks } from './trainer-state.js';
import { nextTurn } from './event-loop.js';
import { checkTrainerInputs, FIT_OPTIONS, type FitOptions, type TrainProgress, type TrainResult } from './trainer-options.js';

export type { TrainProfile } from './train-task.js';
export type { FitOptions, TrainProgress, TrainResult } from './trainer-options.js';

export interface TrainerOptions extends FamilyOptions {
  /**
   * 'adam' (default; lazy on the row-sparse tables) or 'adagrad' (one accumulator per weight
   * instead of Adam's two moments, starting at 0.1; it usually wants a larger `lr` than Adam's).
   * A checkpoint resumes only with the optimizer it was written with.
   */
  optimizer?: 'adam' | 'adagrad';
  /**
   * Storage of the optimizer state of the row-sparse tables (the item embeddings): 'f32'
   * (default) or 'f16' (half the bytes, one power-of-two scale per row and moment; the step runs
   * in f32). A checkpoint resumes only with the storage it was written with.
   */
  optimizerState?: 'f32' | 'f16';
  /**
   * Called every `progressEvery` steps and after every validation. `fitAsync` awaits a returned
   * promise before the next step: a Web Worker yields there so a "stop" message can arrive.
   */
  onProgress?: (p: TrainProgress) => void | Promise<void>;
  /**
   * Called after each validation that sets a new best, while the model holds those weights:
   * the place to write `trainer.checkpoint()` to disk. `fitAsync` awaits a returned promise.
   */
  onBest?: (best: { step: number; recall50: number }, trainer: Trainer) => void | Promise<void>;
}

export class Trainer {
  readonly opts: ResolvedOptions & Pick<TrainerOptions, 'onProgress' | 'onBest'>;
  /** Adam or Adagrad, as `options.optimizer` chose. */
  readonly optimizer: Optimizer;
  /** The optimizer's name, as checkpoints record it. */
  readonly optimizerKind: 'adam' | 'adagrad';
  readonly task: TrainTask;
  step = 0;
  /** Best validation score so far (Recall@50, or mean AUC for tag models); −1 before any. */
  bestRecall50 = -1;
  bestStep = 0;
  /** @internal The best weights so far (null before the first validation); checkpoints set it (trainer-state.ts). */
  best: Float32Array[] | null = null;
  /** @internal Validations since the best; checkpoints carry it (trainer-state.ts). */
  sinceBest = 0;
  /** @internal Set by a resume that failed after it began writing the weights: why the trainer refuses to run. */
  damaged: string | null = null;

  constructor(model: RetrievalModel, data: SplitDataset, options?: TrainerOptions);
  constructor(model: TagModel, data: TagDataset, options?: TrainerOptions);
  constructor(readonly model: RetrievalModel | TagModel, readonly data: SplitDataset | TagDataset, options: TrainerOptions = {}) {
    checkTrainerInputs(model, data, options);
    this.task = model.family === 'tag'
      ? new TagTraining(model, data as TagDataset, options)
      : new RetrievalTraining(model, data as SplitDataset, options);
    this.opts = { ...this.task.opts, onProgress: options.onProgress, onBest: options.onBest };
    for (const k of ['evalEvery', 'progressEvery'] as const) {
      if (!(Number.isInteger(this.opts[k]) && this.opts[k] >= 1)) throw new Error(`Trainer: ${k} ${this.opts[k]}; expected an integer ≥ 1`);
    }
    if (!(this.opts.lr >= 0)) throw new Error(`Trainer: lr ${this.opts.lr}; expected a number ≥ 0`);
    const state = options.optimizerState;
    if (state !== undefined && state !== 'f32' && state !== 'f16') throw new Error(`Trainer: optimizerState ${JSON.stringify(state)}; expected 'f32' or 'f16'`);
    const kind = options.optimizer ?? 'adam';
    if (kind !== 'adam' && kind !== 'adagrad') throw new Error(`Trainer: optimizer ${JSON.stringify(kind)}; expected 'adam' or 'adagrad'`);
    this.optimizerKind = kind;
    this.optimizer = kind === 'adam'
      ? new Adam(this.params(), { lr: this.opts.lr, sparseState: state })
      : new Adagrad(this.params(), { lr: this.opts.lr, sparseState: state });
  }

  /** Draws the users and cuts of each batch (retrieval) or the row order of each epoch (tag models). */
  get batchRng(): Rng {
    return this.task.batchRng;
  }
  /** Draws negatives (and MIND's routing logits) inside a retrieval model's loss. */
  get drawRng(): Rng {
    return this.task.drawRng;
  }
  /** Leave-one-out samples and batches (retrieval protocol 'loo'), else null. */
  get loo(): LeaveOneOut | null {
    return this.task.loo ?? null;
  }

  private params(): Tensor[] {
    return this.model.params?.list() ?? [];
  }

  /** Validation score of the current weights (Recall@50, or the tag models' mean AUC). */
  validate(): number {
    if (this.damaged) throw new Error(`Trainer.validate: ${this.damaged}`);
    return this.task.validate().score;
  }

  /** Train until early stopping, maxSteps or a non-finite value; restores the best weights. */
  fit(fitOptions: FitOptions = {}): TrainResult {
    checkOptions('Trainer.fit options', fitOptions, FIT_OPTIONS);
    const run = this.run(fitOptions.signal);
    for (;;) {
      const r = run.next();
      if (r.done) return r.value;
      if ('pause' in r.value) continue;
      void this.opts.onBest?.(r.value, this);
    }
  }

  /** As `fit`, but awaits `onBest` (e.g. an atomic checkpoint write) before continuing. */
  async fitAsync(fitOptions: FitOptions = {}): Promise<TrainResult> {
    checkOptions('Trainer.fitAsync options', fitOptions, FIT_OPTIONS);
    const run = this.run(fitOptions.signal, fitOptions.yieldEvery);
    for (;;) {
      const r = run.next();
      if (r.done) return r.value;
      if ('pause' in r.value) await r.value.pause;
      else await this.opts.onBest?.(r.value, this);
    }
  }

  /** The training loop; yields at every new best validation and at every promise `onProgress` returns. */
  private *run(signal?: FitOptions['signal'], yieldEvery = 0): Generator<{ step: number; recall50: number } | { pause: Promise<void> }, TrainResult> {
    const { evalEvery, patience, maxSteps, progressEvery, onProgress } = this.opts;
    const lossCurve: { step: number; loss: number }[] = [];
    const t0 = performance.now();
    let trainMs = 0;
    const startStep = this.step;
    if (this.damaged) throw new Error(`Trainer.fit: ${this.damaged}`);
    if (!this.params().length) {
      return { steps: this.step, bestStep: 0, bestRecall50: -1, stoppedBy: 'nothingToTrain', message: `${this.model.kind} has no trainable parameters`, stepsPerSec: NaN, seconds: 0, lossCurve };
    }
    const e = this.params()[0].engine;
    let stoppedBy: TrainResult['stoppedBy'] = 'maxSteps';
    let message = `reached maxSteps ${maxSteps}`;
    let lossSum = 0, lossCount = 0, valLoss = 0, valSteps = 0, valRows = 0, valMs = 0;
    const rate = () => (this.step - startStep) / Math.max(1e-9, trainMs / 1000);
    const eta = () => {
      const wall = (this.step - startStep) / Math.max(1e-9, (performance.now() - t0) / 1000);
      return wall > 0 ? (maxSteps - this.step) / wall : Infinity;
    };
    const progress = (loss: number, val?: { score: number; detail?: Record<string, number> }): TrainProgress => ({
      step: this.step, maxSteps, loss, stepsPerSec: rate(), etaSec: eta(), valRecall50: val?.score, valDetail: val?.detail,
      sinceValidation: val ? { loss: valLoss / Math.max(1, valSteps), rows: valRows, seconds: valMs / 1000 } : undefined,
      bestRecall50: this.bestRecall50, bestStep: this.bestStep,
    });
    const stop = (what: string, value: number) => {
      stoppedBy = 'nonFinite';
      const kept = this.best ? `restored the best weights (step ${this.bestStep})` : 'the weights are those before this step (no validation yet)';
      message = `${what} became ${value} at step ${this.step + 1}; stopped before updating and ${kept}. Lower the learning rate (now ${this.opts.lr}) or check the data.`;
    };
    while (this.step < maxSteps) {
      if (yieldEvery > 0 && this.step % yieldEvery === 0) yield { pause: nextTurn() };
      if (signal?.aborted) {
        stoppedBy = 'stopped';
        message = `stopped at step ${this.step}; fit again to continue`;
        break;
      }
      const s0 = performance.now();
      const { loss, rows } = this.task.loss(this.step);
      const value = loss.item();
      if (!Number.isFinite(value)) {
        e.heap.resetArena();
        stop('loss', value);
        break;
      }
      backward(loss);
      const g = gradSquares(this.optimizer.params);
      if (!Number.isFinite(g)) {
        e.heap.resetArena();
        stop('gradient norm', Math.sqrt(g));
        break;
      }
      this.optimizer.step();
      e.heap.resetArena();
      this.step++;
      const ms = performance.now() - s0;
      trainMs += ms;
      lossSum += value;
      lossCount++;
      valLoss += value;
      valSteps++;
      valRows += rows;
      valMs += ms;
      if (this.step % progressEvery === 0) {
        lossCurve.push({ step: this.step, loss: lossSum / lossCount });
        const pause = onProgress?.(progress(lossSum / lossCount));
        lossSum = 0;
        lossCount = 0;
        if (pause) yield { pause };
      }
      if (this.step % evalEvery === 0) {
        const val = this.task.validate();
        // The first validation is always the best so far (even a NaN AUC); later ones must be strictly better.
        const better = this.bestStep === 0 || val.score > this.bestRecall50;
        if (better) {
          this.bestRecall50 = val.score;
          this.bestStep = this.step;
          this.keepBest();
          this.sinceBest = 0;
        } else this.sinceBest++;
        const pause = onProgress?.(progress(lossCurve.at(-1)?.loss ?? value, val));
        valLoss = 0; valSteps = 0; valRows = 0; valMs = 0;
        if (pause) yield { pause };
        if (better) yield { step: this.step, recall50: val.score };
        if (this.sinceBest > patience) {
          stoppedBy = 'patience';
          message = `no better validation ${this.task.metric} in ${patience + 1} evaluations; best ${this.bestRecall50.toFixed(4)} at step ${this.bestStep}`;
          break;
        }
      }
    }
    if (stoppedBy !== 'stopped') this.restoreBest();
    return {
      steps: this.step, bestStep: this.bestStep, bestRecall50: this.bestRecall50, stoppedBy, message,
      stepsPerSec: rate(), seconds: (performance.now() - t0) / 1000, lossCurve,
    };
  }

  /** Copy the weights as the best so far, into the arrays of the previous best when there is one. */
  private keepBest(): void {
    const params = this.params();
    if (this.best?.length !== params.length || this.best.some((b, i) => b.length !== params[i].size)) this.best = params.map((t) => new Float32Array(t.size));
    params.forEach((t, i) => this.best![i].set(t.data));
  }

  /** Put the best validated weights back (no-op before the first validation). */
  restoreBest(): void {
    if (!this.best) return;
    this.params().forEach((t, i) => t.data.set(this.best![i]));
  }

  /**
   * Parameters, optimizer state (Adam's moments or Adagrad's accumulators) and step count, generator states and early-stopping state, as
   * checkpoint bytes (`extra` adds JSON such as the vocabulary). The best weights are stored only
   * implicitly: a checkpoint written from `onBest` holds them as its parameters.
   */
  checkpoint(extra: Record<string, unknown> = {}): Uint8Array {
    return concatBytes(this.checkpointChunks(extra));
  }

  /**
   * `checkpoint()`'s bytes as a header and one chunk per tensor, the tensors viewing the engine's
   * memory (no second copy of a large model): write them out, in order, before the next step
   * (`saveCheckpoint` in `mirec/node` does).
   */
  checkpointChunks(extra: Record<string, unknown> = {}): Uint8Array[] {
    return trainerCheckpointChunks(this, extra);
  }

  /**
   * Continue from `checkpoint()` bytes: the following steps are identical to an uninterrupted run.
   * Every check (model kind and config, optimizer, each tensor's name, shape and values, the
   * trainer state) runs before anything is written, so a refused checkpoint leaves the trainer
   * untouched. For a file, `loadCheckpoint` in `mirec/node` streams it instead of reading it whole.
   */
  resume(bytes: Uint8Array, source = 'checkpoint'): void {
    resumeTrainer(this, bytes, source);
  }
}

/** Σ g² over every gradient of the last backward (dense and row-sparse pieces): NaN/Inf if any is. */
function gradSquares(params: readonly Tensor[]): number {
  let sq = 0;
  for (const p of params) {
    if (!hasGrad(p)) continue;
    const k = p.engine.k;
    if (p.sparseGrad) for (const piece of p.sparse!) sq += k.sum_sq_f32(piece.rows.ptr, piece.rows.size) as number;
    else sq += k.sum_sq_f32(p.grad!.ptr, p.size) as number;
  }
  return sq;
}
