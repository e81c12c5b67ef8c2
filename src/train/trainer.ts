// Trainer for the retrieval models (docs/protocols.md#training-samples): seeded batches of distinct training
// users with random cuts, sampled-softmax steps with Adam, validation Recall@50 every `evalEvery`
// steps, early stopping with `patience`, the best weights kept and restored, a NaN/Inf guard that
// stops before a bad update with a message naming the step, a progress callback, a hook for
// writing the best checkpoint, and checkpoints that resume bit-identically.
import type { SplitDataset, EvalCases } from '../data/protocol.js';
import { evalCases, sampleTrainBatch } from '../data/protocol.js';
import { LooBatches, leaveOneOut, stepsPerEpoch, type LeaveOneOut } from '../data/leave-one-out.js';
import { Rng } from '../engine/random.js';
import { backward, hasGrad } from '../autograd/tape.js';
import { Adam } from '../optim/adam.js';
import type { Tensor } from '../tensor.js';
import type { RetrievalModel } from '../models/types.js';
import { evaluateRetrieval, recallAt } from './evaluate.js';
import { checkFinite, decodeCheckpoint, encodeCheckpoint, loadOptimizerState, loadParams } from '../io/checkpoint.js';

/** docs/protocols.md#validation-and-early-stopping: `quick` (default) for local data, `paper` as ComiRec on the full data. */
export type TrainProfile = 'quick' | 'paper';

export interface TrainerOptions {
  /** Rows per batch (default 128). */
  batchSize?: number;
  /**
   * 'comirec' (default): random-cut batches of training users, validation users' 80 % cuts
   * (docs/protocols.md#training-samples). 'loo': leave-one-out (docs/protocols.md#leave-one-out): every user trains on s[0..n−3] in
   * shuffled epochs, validation on s[n−2]; defaults then evalEvery = one epoch, patience 5 epochs,
   * maxSteps 100 epochs (validation Recall@50 is HR@50 with one target).
   */
  protocol?: 'comirec' | 'loo';
  /** Adam learning rate (default: the model's recommended `lr`, else 1e-3). */
  lr?: number;
  /** Defaults of evalEvery and patience (default 'quick'). */
  profile?: TrainProfile;
  /** Steps between validations (quick: max(100, 5·⌈U_train / B⌉); paper: 1000, or 500 when T ≥ 50). */
  evalEvery?: number;
  /** Validations without a strictly better Recall@50 before stopping (quick 10, paper 50). */
  patience?: number;
  /** Hard cap on steps (default 1,000,000). */
  maxSteps?: number;
  /** Seed of batches and negatives (default 1); one generator forked into the two streams. */
  seed?: number;
  /**
   * Called every `progressEvery` steps and after every validation. `fitAsync` awaits a returned
   * promise before the next step: a Web Worker yields there so a "stop" message can arrive.
   */
  onProgress?: (p: TrainProgress) => void | Promise<void>;
  /** Steps between progress calls (default 20). */
  progressEvery?: number;
  /**
   * Called after each validation that sets a new best, while the model holds those weights:
   * the place to write `trainer.checkpoint()` to disk. `fitAsync` awaits a returned promise.
   */
  onBest?: (best: { step: number; recall50: number }, trainer: Trainer) => void | Promise<void>;
}

/** Options of one `fit` / `fitAsync` call. */
export interface FitOptions {
  /**
   * Checked before every step: once `aborted`, the fit ends with `stoppedBy: 'stopped'` and keeps
   * the current weights (the best ones are not restored), so fitting again continues exactly as
   * an uninterrupted run would. An `AbortSignal` fits.
   */
  signal?: { readonly aborted: boolean };
  /**
   * `fitAsync` only: steps between turns of the event loop (default never), so that a signal
   * handler or timer can set `signal.aborted` while training runs (the CLI's SIGINT/SIGTERM).
   */
  yieldEvery?: number;
}

/** One turn of the event loop (setImmediate where the host has it). */
const turn = (): Promise<void> => new Promise((r) => {
  const si = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  if (si) si(r); else setTimeout(r, 0);
});

export interface TrainProgress {
  step: number;
  maxSteps: number;
  /** Mean training loss since the previous progress call. */
  loss: number;
  /** Training steps per second (validation time excluded). */
  stepsPerSec: number;
  /** Seconds to maxSteps at the wall-clock rate: an upper bound, early stopping may end sooner. */
  etaSec: number;
  /** Set on validation calls. */
  valRecall50?: number;
  bestRecall50: number;
  bestStep: number;
}

export interface TrainResult {
  steps: number;
  bestStep: number;
  bestRecall50: number;
  stoppedBy: 'patience' | 'maxSteps' | 'nonFinite' | 'stopped';
  message: string;
  /** Training steps per second of this fit (validation excluded). */
  stepsPerSec: number;
  /** Wall-clock seconds of this fit, validation included. */
  seconds: number;
  lossCurve: { step: number; loss: number }[];
}

interface ResumeState {
  step: number;
  rng: { batches: number[]; draws: number[] };
  bestRecall50: number;
  bestStep: number;
  sinceBest: number;
}

export class Trainer {
  readonly opts: Required<Omit<TrainerOptions, 'onProgress' | 'onBest'>> & Pick<TrainerOptions, 'onProgress' | 'onBest'>;
  readonly optimizer: Adam;
  /** Draws the users and cuts of each batch. */
  readonly batchRng: Rng;
  /** Draws negatives (and MIND's routing logits) inside `model.loss`. */
  readonly drawRng: Rng;
  step = 0;
  bestRecall50 = -1;
  bestStep = 0;
  private best: Float32Array[] | null = null;
  private sinceBest = 0;
  private readonly valid: EvalCases;
  /** Leave-one-out samples and batches (protocol 'loo'). */
  readonly loo: LeaveOneOut | null = null;
  private readonly looBatches: LooBatches | null = null;

  constructor(readonly model: RetrievalModel, readonly data: SplitDataset, options: TrainerOptions = {}) {
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
    this.opts = {
      protocol,
      batchSize: B,
      lr: options.lr ?? (model.config as { lr?: number }).lr ?? 1e-3,
      profile,
      evalEvery: options.evalEvery ?? defaults.evalEvery,
      patience: options.patience ?? defaults.patience,
      maxSteps: options.maxSteps ?? defaults.maxSteps,
      seed: options.seed ?? 1,
      progressEvery: options.progressEvery ?? 20,
      onProgress: options.onProgress,
      onBest: options.onBest,
    };
    for (const k of ['evalEvery', 'progressEvery'] as const) {
      if (!(Number.isInteger(this.opts[k]) && this.opts[k] >= 1)) throw new Error(`Trainer: ${k} ${this.opts[k]}; expected an integer ≥ 1`);
    }
    if (!(this.opts.lr >= 0)) throw new Error(`Trainer: lr ${this.opts.lr}; expected a number ≥ 0`);
    this.optimizer = new Adam(model.params.list(), { lr: this.opts.lr });
    // Separate streams: the batch sequence of a seed does not depend on how many draws a model's
    // loss makes, so different models see the same users and cuts.
    const root = new Rng(this.opts.seed);
    this.batchRng = root.fork(1);
    this.drawRng = root.fork(2);
    this.valid = this.loo ? this.loo.valid : evalCases(data, 'valid', T);
    if (this.loo) this.looBatches = new LooBatches(data, this.loo, this.opts.seed);
  }

  /** Validation Recall@50 of the current weights. */
  validate(): number {
    return recallAt(evaluateRetrieval(this.model, this.valid, { ns: [50] }), 50);
  }

  /** Train until early stopping, maxSteps or a non-finite value; restores the best weights. */
  fit(fitOptions: FitOptions = {}): TrainResult {
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
    const { batchSize: B, evalEvery, patience, maxSteps, progressEvery, onProgress } = this.opts;
    const T = this.model.config.seqLen;
    const e = this.model.itemTable().engine;
    const lossCurve: { step: number; loss: number }[] = [];
    const t0 = performance.now();
    let trainMs = 0;
    const startStep = this.step;
    let stoppedBy: TrainResult['stoppedBy'] = 'maxSteps';
    let message = `reached maxSteps ${maxSteps}`;
    let lossSum = 0;
    let lossCount = 0;
    const rate = () => (this.step - startStep) / Math.max(1e-9, trainMs / 1000);
    const eta = () => {
      const wall = (this.step - startStep) / Math.max(1e-9, (performance.now() - t0) / 1000);
      return wall > 0 ? (maxSteps - this.step) / wall : Infinity;
    };
    const progress = (loss: number, valRecall50?: number): TrainProgress =>
      ({ step: this.step, maxSteps, loss, stepsPerSec: rate(), etaSec: eta(), valRecall50, bestRecall50: this.bestRecall50, bestStep: this.bestStep });
    const stop = (what: string, value: number) => {
      stoppedBy = 'nonFinite';
      const kept = this.best ? `restored the best weights (step ${this.bestStep})` : 'the weights are those before this step (no validation yet)';
      message = `${what} became ${value} at step ${this.step + 1}; stopped before updating and ${kept}. Lower the learning rate (now ${this.opts.lr}) or check the data.`;
    };
    while (this.step < maxSteps) {
      if (yieldEvery > 0 && this.step % yieldEvery === 0) yield { pause: turn() };
      if (signal?.aborted) {
        stoppedBy = 'stopped';
        message = `stopped at step ${this.step}; fit again to continue`;
        break;
      }
      const s0 = performance.now();
      const batch = this.looBatches ? this.looBatches.batch(this.step, B, T) : sampleTrainBatch(this.data, this.batchRng, B, T);
      const loss = this.model.loss(batch, this.drawRng);
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
      trainMs += performance.now() - s0;
      lossSum += value;
      lossCount++;
      if (this.step % progressEvery === 0) {
        lossCurve.push({ step: this.step, loss: lossSum / lossCount });
        const pause = onProgress?.(progress(lossSum / lossCount));
        lossSum = 0;
        lossCount = 0;
        if (pause) yield { pause };
      }
      if (this.step % evalEvery === 0) {
        const r = this.validate();
        const better = r > this.bestRecall50;
        if (better) {
          this.bestRecall50 = r;
          this.bestStep = this.step;
          this.best = this.model.params.list().map((t) => Float32Array.from(t.data));
          this.sinceBest = 0;
        } else this.sinceBest++;
        const pause = onProgress?.(progress(lossCurve.at(-1)?.loss ?? value, r));
        if (pause) yield { pause };
        if (better) yield { step: this.step, recall50: r };
        if (this.sinceBest > patience) {
          stoppedBy = 'patience';
          message = `no better validation Recall@50 in ${patience + 1} evaluations; best ${this.bestRecall50.toFixed(4)} at step ${this.bestStep}`;
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

  /** Put the best validated weights back (no-op before the first validation). */
  restoreBest(): void {
    if (!this.best) return;
    this.model.params.list().forEach((t, i) => t.data.set(this.best![i]));
  }

  /**
   * Parameters, Adam moments and step count, generator states and early-stopping state, as
   * checkpoint bytes (`extra` adds JSON such as the vocabulary). The best weights are stored only
   * implicitly: a checkpoint written from `onBest` holds them as its parameters.
   */
  checkpoint(extra: Record<string, unknown> = {}): Uint8Array {
    const state: ResumeState = {
      step: this.step, rng: { batches: this.batchRng.getState(), draws: this.drawRng.getState() },
      bestRecall50: this.bestRecall50, bestStep: this.bestStep, sinceBest: this.sinceBest,
    };
    return encodeCheckpoint({
      kind: this.model.kind,
      config: this.model.config,
      params: this.model.params,
      optimizer: { kind: 'adam', t: this.optimizer.t, state: this.optimizer.state() },
      extra: { ...extra, trainer: state },
    });
  }

  /** Continue from `checkpoint()` bytes: the following steps are identical to an uninterrupted run. */
  resume(bytes: Uint8Array, source = 'checkpoint'): void {
    const ck = decodeCheckpoint(bytes, source);
    if (ck.kind !== this.model.kind) throw new Error(`Trainer.resume: ${source} holds a ${ck.kind} model, not ${this.model.kind}`);
    const x = ck.extra.trainer as ResumeState | undefined;
    if (!x || !ck.optimizer) throw new Error(`Trainer.resume: ${source} has no trainer state (written by Trainer.checkpoint?)`);
    const differ = configDifferences(ck.config, this.model.config);
    if (differ.length) throw new Error(`Trainer.resume: ${source} was trained with a different model config (${differ.join('; ')}); resume with the same options`);
    checkFinite(ck, source);
    loadParams(ck, this.model.params, source);
    loadOptimizerState(ck, this.optimizer.state(), source);
    this.optimizer.t = ck.optimizer.t;
    this.step = x.step;
    this.batchRng.setState(x.rng.batches);
    this.drawRng.setState(x.rng.draws);
    this.bestRecall50 = x.bestRecall50;
    this.bestStep = x.bestStep;
    this.sinceBest = x.sinceBest;
    // A checkpoint taken at its best step holds the best weights themselves.
    this.best = x.bestStep === x.step && x.bestRecall50 >= 0 ? this.model.params.list().map((t) => Float32Array.from(t.data)) : null;
  }
}

/**
 * Keys whose JSON values differ between a saved config and a live one, e.g. `alignment: "left" in
 * the file, "right" here`. Keys the file lacks (written before the option existed) are not compared.
 */
export function configDifferences(saved: unknown, live: object): string[] {
  const a = (saved ?? {}) as Record<string, unknown>, b = JSON.parse(JSON.stringify(live)) as Record<string, unknown>;
  return Object.keys(a)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])} in the file, ${JSON.stringify(b[k])} here`);
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
