// A Trainer's checkpoints and resumes: what a checkpoint holds beyond the model (optimizer state
// and step count, generator states, early-stopping state) and the checks a resume makes (kind,
// config, optimizer) before it writes a byte into the trainer. `Trainer.checkpoint`,
// `checkpointChunks` and `resume` are these functions.
import { checkFinite, checkpointChunks, decodeCheckpoint, loadOptimizerState, loadParams } from '../io/checkpoint.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { RetrievalModel } from '../models/types.js';
import type { TagModel } from '../models/tag-model.js';
import type { TrainTask } from './train-task.js';

/** What a checkpoint reads and sets of a Trainer (the Trainer itself; an interface to keep the import one-way). */
export interface TrainerParts {
  readonly model: RetrievalModel | TagModel;
  readonly optimizer: Optimizer;
  readonly optimizerKind: 'adam' | 'adagrad';
  readonly task: TrainTask;
  step: number;
  bestRecall50: number;
  bestStep: number;
  sinceBest: number;
  best: Float32Array[] | null;
}

/** The trainer's own state in a checkpoint's `extra.trainer`. */
interface ResumeState {
  step: number;
  rng: Record<string, number[]>;
  bestRecall50: number;
  bestStep: number;
  sinceBest: number;
}

/** `Trainer.checkpointChunks`: a header and one chunk per tensor, the tensors viewing the engine's memory. */
export function trainerCheckpointChunks(trainer: TrainerParts, extra: Record<string, unknown>): Uint8Array[] {
  const { model } = trainer;
  if (!model.params) throw new Error(`Trainer.checkpoint: ${model.kind} has no parameters to save`);
  const state: ResumeState = {
    step: trainer.step, rng: trainer.task.state(), bestRecall50: trainer.bestRecall50, bestStep: trainer.bestStep, sinceBest: trainer.sinceBest,
  };
  return checkpointChunks({
    kind: model.kind,
    config: (model as { config?: object }).config ?? {},
    params: model.params,
    optimizer: { kind: trainer.optimizerKind, t: trainer.optimizer.t, state: trainer.optimizer.state() },
    extra: { ...extra, trainer: state },
  });
}

/** `Trainer.resume`: continue from checkpoint bytes; the following steps are identical to an uninterrupted run. */
export function resumeTrainer(trainer: TrainerParts, bytes: Uint8Array, source: string): void {
  const { model } = trainer;
  const ck = decodeCheckpoint(bytes, source);
  if (ck.kind !== model.kind) throw new Error(`Trainer.resume: ${source} holds a ${ck.kind} model, not ${model.kind}`);
  const x = ck.extra.trainer as ResumeState | undefined;
  if (!x || !ck.optimizer || !model.params) throw new Error(`Trainer.resume: ${source} has no trainer state (written by Trainer.checkpoint?)`);
  const differ = configDifferences(ck.config, (model as { config?: object }).config ?? {});
  if (differ.length) throw new Error(`Trainer.resume: ${source} was trained with a different model config (${differ.join('; ')}); resume with the same options`);
  checkFinite(ck, source);
  loadParams(ck, model.params, source);
  if (ck.optimizer.kind !== trainer.optimizerKind) {
    const saved = [...ck.tensors.keys()].find((k) => k.startsWith(`optim.${ck.optimizer!.kind}.`));
    throw new Error(`Trainer.resume: ${source} was trained with optimizer '${ck.optimizer.kind}'${saved ? ` (it holds ${saved})` : ''}, this trainer uses '${trainer.optimizerKind}'; resume with optimizer '${ck.optimizer.kind}' (--optimizer ${ck.optimizer.kind})`);
  }
  loadOptimizerState(ck, trainer.optimizer.state(), source);
  trainer.optimizer.t = ck.optimizer.t;
  trainer.step = x.step;
  trainer.task.setState(x.rng, source);
  trainer.bestRecall50 = x.bestRecall50;
  trainer.bestStep = x.bestStep;
  trainer.sinceBest = x.sinceBest;
  // A checkpoint taken at its best step holds the best weights themselves.
  trainer.best = x.bestStep === x.step && x.bestStep > 0 ? model.params.list().map((t) => Float32Array.from(t.data)) : null;
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
