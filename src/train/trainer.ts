// Trainer for the retrieval models (evaluation.md §1.2–1.3): seeded batches of distinct training
// users with random cuts, sampled-softmax steps with Adam, validation Recall@50 every `evalEvery`
// steps, early stopping with `patience`, the best weights kept and restored, a NaN/Inf guard that
// stops with a clear message, a progress callback, and checkpoints that resume exactly.
import type { SplitDataset, EvalCases } from '../data/protocol.js';
import { evalCases, sampleTrainBatch } from '../data/protocol.js';
import { Rng } from '../engine/random.js';
import { backward } from '../autograd/tape.js';
import { Adam } from '../optim/adam.js';
import type { RetrievalModel } from '../models/types.js';
import { evaluateRetrieval, recallAt } from './evaluate.js';
import { decodeCheckpoint, encodeCheckpoint, loadOptimizerState, loadParams } from '../io/checkpoint.js';

export interface TrainerOptions {
  /** Rows per batch (default 128). */
  batchSize?: number;
  /** Adam learning rate (default: the model's recommended `lr`, else 1e-3). */
  lr?: number;
  /** Steps between validations (default 'quick' profile: max(100, 5·⌈U_train / B⌉)). */
  evalEvery?: number;
  /** Validations without a strictly better Recall@50 before stopping (default 10). */
  patience?: number;
  /** Hard cap on steps (default 1,000,000). */
  maxSteps?: number;
  /** Seed of batches and negatives (default 1). */
  seed?: number;
  /** Called after every `progressEvery` steps and after every validation. */
  onProgress?: (p: TrainProgress) => void;
  /** Steps between progress calls (default 20). */
  progressEvery?: number;
}

export interface TrainProgress {
  step: number;
  maxSteps: number;
  loss: number;
  stepsPerSec: number;
  /** Set on validation calls. */
  valRecall50?: number;
  bestRecall50: number;
  bestStep: number;
}

export interface TrainResult {
  steps: number;
  bestStep: number;
  bestRecall50: number;
  stoppedBy: 'patience' | 'maxSteps' | 'nonFinite';
  message: string;
  stepsPerSec: number;
  lossCurve: { step: number; loss: number }[];
}

export class Trainer {
  readonly opts: Required<Omit<TrainerOptions, 'onProgress'>> & Pick<TrainerOptions, 'onProgress'>;
  readonly optimizer: Adam;
  readonly rng: Rng;
  step = 0;
  bestRecall50 = -1;
  bestStep = 0;
  private best: Float32Array[] | null = null;
  private sinceBest = 0;
  private readonly valid: EvalCases;

  constructor(readonly model: RetrievalModel, readonly data: SplitDataset, options: TrainerOptions = {}) {
    const B = options.batchSize ?? 128;
    if (data.trainPool.length < B) {
      throw new Error(`Trainer: batchSize ${B} exceeds the ${data.trainPool.length} training users with ≥ 5 events; lower --batch`);
    }
    const quickEvery = Math.max(100, 5 * Math.ceil(data.train.length / B));
    this.opts = {
      batchSize: B,
      lr: options.lr ?? (model.config as { lr?: number }).lr ?? 1e-3,
      evalEvery: options.evalEvery ?? quickEvery,
      patience: options.patience ?? 10,
      maxSteps: options.maxSteps ?? 1_000_000,
      seed: options.seed ?? 1,
      progressEvery: options.progressEvery ?? 20,
      onProgress: options.onProgress,
    };
    this.optimizer = new Adam(model.params.list(), { lr: this.opts.lr });
    this.rng = new Rng(this.opts.seed);
    this.valid = evalCases(data, 'valid', model.config.seqLen);
  }

  /** Validation Recall@50 of the current weights. */
  validate(): number {
    return recallAt(evaluateRetrieval(this.model, this.valid, { ns: [50] }), 50);
  }

  /** Train until early stopping, maxSteps or a non-finite loss; restores the best weights. */
  fit(): TrainResult {
    const { batchSize: B, evalEvery, patience, maxSteps, progressEvery, onProgress } = this.opts;
    const T = this.model.config.seqLen;
    const e = this.model.itemTable().engine;
    const lossCurve: { step: number; loss: number }[] = [];
    const t0 = performance.now();
    const startStep = this.step;
    let stoppedBy: TrainResult['stoppedBy'] = 'maxSteps';
    let message = `reached maxSteps ${maxSteps}`;
    let lossSum = 0;
    let lossCount = 0;
    const rate = () => (this.step - startStep) / Math.max(1e-9, (performance.now() - t0) / 1000);
    while (this.step < maxSteps) {
      const batch = sampleTrainBatch(this.data, this.rng, B, T);
      const loss = this.model.loss(batch, this.rng);
      const value = loss.item();
      if (!Number.isFinite(value)) {
        e.heap.resetArena();
        stoppedBy = 'nonFinite';
        message = `loss became ${value} at step ${this.step + 1}; stopped and kept the best weights (step ${this.bestStep}). Lower the learning rate (now ${this.opts.lr}) or check the data.`;
        break;
      }
      backward(loss);
      const norm = this.optimizer.step();
      e.heap.resetArena();
      if (!Number.isFinite(norm)) {
        stoppedBy = 'nonFinite';
        message = `gradient norm became ${norm} at step ${this.step + 1}; stopped and restored the best weights (step ${this.bestStep}).`;
        break;
      }
      this.step++;
      lossSum += value;
      lossCount++;
      if (this.step % progressEvery === 0) {
        lossCurve.push({ step: this.step, loss: lossSum / lossCount });
        onProgress?.({ step: this.step, maxSteps, loss: lossSum / lossCount, stepsPerSec: rate(), bestRecall50: this.bestRecall50, bestStep: this.bestStep });
        lossSum = 0;
        lossCount = 0;
      }
      if (this.step % evalEvery === 0) {
        const r = this.validate();
        if (r > this.bestRecall50) {
          this.bestRecall50 = r;
          this.bestStep = this.step;
          this.best = this.model.params.list().map((t) => Float32Array.from(t.data));
          this.sinceBest = 0;
        } else this.sinceBest++;
        onProgress?.({ step: this.step, maxSteps, loss: lossCurve.at(-1)?.loss ?? value, stepsPerSec: rate(), valRecall50: r, bestRecall50: this.bestRecall50, bestStep: this.bestStep });
        if (this.sinceBest > patience) {
          stoppedBy = 'patience';
          message = `no better validation Recall@50 in ${patience + 1} evaluations; best ${this.bestRecall50.toFixed(4)} at step ${this.bestStep}`;
          break;
        }
      }
    }
    this.restoreBest();
    return { steps: this.step, bestStep: this.bestStep, bestRecall50: this.bestRecall50, stoppedBy, message, stepsPerSec: rate(), lossCurve };
  }

  /** Put the best validated weights back (no-op before the first validation). */
  restoreBest(): void {
    if (!this.best) return;
    this.model.params.list().forEach((t, i) => t.data.set(this.best![i]));
  }

  /** Parameters, Adam moments, step, best metric and the generator state, as checkpoint bytes. */
  checkpoint(extra: Record<string, unknown> = {}): Uint8Array {
    return encodeCheckpoint({
      kind: this.model.kind,
      config: this.model.config,
      params: this.model.params,
      optimizer: { kind: 'adam', t: this.optimizer.t, state: this.optimizer.state() },
      extra: { ...extra, step: this.step, rng: this.rng.getState(), bestRecall50: this.bestRecall50, bestStep: this.bestStep, sinceBest: this.sinceBest },
    });
  }

  /** Continue from `checkpoint()` bytes: the following steps are identical to an uninterrupted run. */
  resume(bytes: Uint8Array, source = 'checkpoint'): void {
    const ck = decodeCheckpoint(bytes, source);
    if (ck.kind !== this.model.kind) throw new Error(`Trainer.resume: ${source} holds a ${ck.kind} model, not ${this.model.kind}`);
    loadParams(ck, this.model.params, source);
    loadOptimizerState(ck, this.optimizer.state(), source);
    this.optimizer.t = ck.optimizer?.t ?? 0;
    const x = ck.extra as { step: number; rng: number[]; bestRecall50: number; bestStep: number; sinceBest: number };
    this.step = x.step;
    this.rng.setState(x.rng);
    this.bestRecall50 = x.bestRecall50;
    this.bestStep = x.bestStep;
    this.sinceBest = x.sinceBest;
  }
}
