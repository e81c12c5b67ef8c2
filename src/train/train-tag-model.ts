// trainTagModel: the epoch-report view of the one Trainer for tag-profile models
// (docs/protocols.md#tag-protocol): one report per epoch (mean loss, validation AUC per task, rows/s), the best epoch kept.
// trainTagModelAsync is the same fit on `fitAsync`, stoppable between steps by a signal (the CLI's SIGINT).
import type { TagDataset } from '../data/tag-datasets.js';
import type { TagModel } from '../models/tag-model.js';
import type { TagTraining } from './tag-training.js';
import { Trainer, type TrainResult } from './trainer.js';

/** Options of trainTagModel. */
export interface TrainTagOptions {
  /** Maximum epochs (default 50). */
  epochs?: number;
  /** Validations (epochs) without a better mean validation AUC tolerated before stopping (default 4: stop after 5). */
  patience?: number;
  /** Rows per batch (default 256 for item rows, 512 for tag rows — docs/model-guide.md#utpm, #mvke). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Seed of the row order (default 1). */
  seed?: number;
  /** Called after every epoch (progress, logging). */
  onEpoch?: (e: EpochReport) => void;
}

/** Options of trainTagModelAsync: those of trainTagModel and a stop flag checked before every step. */
export interface TrainTagAsyncOptions extends TrainTagOptions {
  /** Once `aborted`, training stops after the current step and the best epoch's weights are put back. */
  signal?: { readonly aborted: boolean };
}

export interface EpochReport {
  epoch: number;
  /** Mean training loss. */
  loss: number;
  /** Validation AUC per task and their mean. */
  valid: Record<string, number>;
  validMean: number;
  /** Training rows per second (forward + backward + update). */
  rowsPerSec: number;
}

export interface TrainTagResult {
  epochs: EpochReport[];
  /** Epoch whose weights were kept (1-based) and its mean validation AUC. */
  bestEpoch: number;
  bestValid: number;
  /** Mean training throughput over all epochs. */
  rowsPerSec: number;
  /** Why training ended, and the Trainer's message. */
  stoppedBy: TrainResult['stoppedBy'];
  message: string;
}

/**
 * Train `model` with the one Trainer: Adam, early stopping on the mean per-task validation AUC, the
 * best epoch's weights restored at the end, per-epoch reports. Counting baselines return at once.
 */
export function trainTagModel(model: TagModel, data: TagDataset, opts: TrainTagOptions = {}): TrainTagResult {
  const run = tagRun(model, data, opts);
  return run.result(run.trainer.fit());
}

/**
 * As trainTagModel, awaiting the event loop between steps so that `signal` can be set while it
 * runs; a stop keeps the best epoch's weights (stoppedBy 'stopped', bestEpoch 0 before the first).
 */
export async function trainTagModelAsync(model: TagModel, data: TagDataset, opts: TrainTagAsyncOptions = {}): Promise<TrainTagResult> {
  const run = tagRun(model, data, opts);
  const r = await run.trainer.fitAsync(opts.signal ? { signal: opts.signal, yieldEvery: 1 } : {});
  // A stopped fit leaves the current weights in place; the model keeps its best validated epoch.
  if (r.stoppedBy === 'stopped') run.trainer.restoreBest();
  return run.result(r);
}

/** The Trainer of one tag model, with its epoch reports, and the result built from its fit. */
function tagRun(model: TagModel, data: TagDataset, opts: TrainTagOptions): { trainer: Trainer; result(r: TrainResult): TrainTagResult } {
  const epochs: EpochReport[] = [];
  let rows = 0, secs = 0;
  const trainer = new Trainer(model, data, {
    epochs: opts.epochs, patience: opts.patience, batchSize: opts.batchSize, lr: opts.lr, seed: opts.seed,
    progressEvery: Number.MAX_SAFE_INTEGER,
    onProgress: (p) => {
      if (p.valRecall50 === undefined || !p.sinceValidation) return;
      const v = p.sinceValidation;
      const report: EpochReport = { epoch: epochs.length + 1, loss: v.loss, valid: p.valDetail ?? {}, validMean: p.valRecall50, rowsPerSec: v.rows / v.seconds };
      epochs.push(report);
      rows += v.rows;
      secs += v.seconds;
      opts.onEpoch?.(report);
    },
  });
  const result = (r: TrainResult): TrainTagResult => {
    if (r.stoppedBy === 'nothingToTrain') return { epochs, bestEpoch: 0, bestValid: NaN, rowsPerSec: NaN, stoppedBy: r.stoppedBy, message: r.message };
    const per = (trainer.task as TagTraining).stepsPerEpoch;
    return { epochs, bestEpoch: r.bestStep / per, bestValid: r.bestRecall50, rowsPerSec: rows / secs, stoppedBy: r.stoppedBy, message: r.message };
  };
  return { trainer, result };
}
