// What the Trainer takes and gives besides its constructor options: the options of one fit, the
// progress and result records, and the checks of plain-JavaScript misuse of the constructor (a
// model that is not trainable, raw events instead of a prepared dataset, unknown option keys).
import type { SplitDataset } from '../data/protocol.js';
import type { TagDataset } from '../data/tag-datasets.js';
import { checkOptions, describeValue } from '../engine/check-options.js';

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


export interface TrainProgress {
  step: number;
  maxSteps: number;
  /** Mean training loss since the previous progress call. */
  loss: number;
  /** Training steps per second (validation time excluded). */
  stepsPerSec: number;
  /** Seconds to maxSteps at the wall-clock rate: an upper bound, early stopping may end sooner. */
  etaSec: number;
  /** Set on validation calls: the validation score (Recall@50, or the tag models' mean AUC). */
  valRecall50?: number;
  /** Set on validation calls: per-part scores (the tag models' AUC per task). */
  valDetail?: Record<string, number>;
  /** Set on validation calls: mean training loss, rows and training seconds since the previous validation. */
  sinceValidation?: { loss: number; rows: number; seconds: number };
  bestRecall50: number;
  bestStep: number;
}

export interface TrainResult {
  steps: number;
  bestStep: number;
  /** Best validation score (Recall@50; the tag models' mean AUC); −1 before any validation. */
  bestRecall50: number;
  stoppedBy: 'patience' | 'maxSteps' | 'nonFinite' | 'stopped' | 'nothingToTrain';
  message: string;
  /** Training steps per second of this fit (validation excluded). */
  stepsPerSec: number;
  /** Wall-clock seconds of this fit, validation included. */
  seconds: number;
  lossCurve: { step: number; loss: number }[];
}

const TRAINER_OPTIONS = {
  // protocol and profile values are checked by the families (their messages list the choices).
  batchSize: 'integer', protocol: 'string', lr: 'number', profile: 'string', evalEvery: 'integer', patience: 'integer',
  maxSteps: 'integer', validUsers: 'integer', epochs: 'integer', seed: 'number', onProgress: 'function', progressEvery: 'integer', onBest: 'function',
  optimizer: 'string', optimizerState: 'string',
} as const;
export const FIT_OPTIONS = { signal: 'object', yieldEvery: 'integer' } as const;

/** Plain-JavaScript misuse of the constructor, named before anything runs. */
export function checkTrainerInputs(model: unknown, data: unknown, options: unknown): void {
  const m = model as { family?: string; params?: unknown } | null;
  if (!m || typeof m !== 'object' || (m.family !== 'retrieval' && m.family !== 'tag')) {
    throw new TypeError(`Trainer: the first argument must be a trainable model (ComiRecSA, ComiRecDR, MIND, SINE, YouTubeDNN, UTPM, MVKE, … or createModel(...)), got ${describeValue(model)}`);
  }
  const d = data as Partial<SplitDataset> & Partial<TagDataset> & { user?: unknown; item?: unknown } | null;
  const ok = m.family === 'tag' ? !!d && typeof d === 'object' && !!d.samples && !!d.fields : !!d && typeof d === 'object' && !!d.vocab && !!d.sequences && !!d.trainPool;
  if (!ok) {
    const events = !!d && typeof d === 'object' && d.user instanceof Int32Array && d.item instanceof Int32Array;
    const prepare = m.family === 'tag' ? 'a tag dataset (buildTagDataset, movielensTagDataset, syntheticTagDataset, …)' : 'a dataset prepared by prepareRetrieval(events)';
    throw new TypeError(`Trainer: the second argument must be ${prepare}${events ? `; this is a raw Events table: ${m.family === 'tag' ? 'build a tag dataset from it' : 'call prepareRetrieval on it'} first` : `, got ${describeValue(data)}`}`);
  }
  checkOptions('Trainer options', options, TRAINER_OPTIONS);
}
