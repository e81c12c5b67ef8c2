// A Trainer's checkpoints and resumes: what a checkpoint holds beyond the model (optimizer state
// and step count, generator states, early-stopping state), the checks a resume makes on the
// header (kind, config, optimizer, every tensor, trainer state) before it writes a byte into the
// trainer, and the state of one that failed midway. `Trainer.checkpoint`, `checkpointChunks` and
// `resume` are these functions; `loadCheckpoint` (checkpoint-file.ts) streams a file through them.
import {
  checkFinite, checkOptimizerFit, checkParamsFit, checkRowScales, checkpointChunks, decodeCheckpoint, type CheckpointHeader, type TensorInfo,
} from '../io/checkpoint.js';
import { halfBytes } from '../optim/half-state.js';
import type { Tensor } from '../tensor.js';
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
  /** Why the trainer refuses to run (a resume that failed midway), or null. */
  damaged: string | null;
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
  if (trainer.damaged) throw new Error(`Trainer.checkpoint: ${trainer.damaged}`);
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

/** One tensor a resume fills: its key and entry in the file, and where its bytes go. */
export interface ResumeTarget<T extends TensorInfo> {
  key: string;
  entry: T;
  /** f16 state's row scales, whose values must be powers of two. */
  rowScales: boolean;
  /**
   * Bytes [at, at + n) of the destination as a fresh view of the engine's memory, or null when
   * the engine keeps float64 values (the reference backend): then `store` converts.
   */
  view(at: number, n: number): Uint8Array | null;
  /** Write float32 `bytes` at byte `at` of the tensor. */
  store(bytes: Uint8Array, at: number): void;
}

/** A checked resume: what to fill and the state to set once every tensor is in. */
export interface ResumePlan<T extends TensorInfo> {
  targets: ResumeTarget<T>[];
  state: ResumeState;
  /** The optimizer's step count. */
  t: number;
}

function targetOf<T extends TensorInfo>(key: string, entry: T, tensor: Tensor, halves?: readonly number[], rowScales = false): ResumeTarget<T> {
  return {
    key, entry, rowScales,
    view: (at, n) => {
      if (halves) return halfBytes(tensor, halves).subarray(at, at + n);
      const d = tensor.data;
      return d instanceof Float32Array ? new Uint8Array(d.buffer, d.byteOffset + at, n) : null;
    },
    store: (bytes, at) => tensor.data.set(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), at / 4),
  };
}

/**
 * Check everything a checkpoint's header says against the trainer, before writing anything:
 * model kind and config, every parameter's and optimizer tensor's name, storage and shape, the
 * optimizer, and the trainer state (steps, generator states, early stopping).
 */
export function planResume<T extends TensorInfo>(trainer: TrainerParts, ck: CheckpointHeader<T>, source: string): ResumePlan<T> {
  const { model } = trainer;
  if (ck.kind !== model.kind) throw new Error(`Trainer.resume: ${source} holds a ${ck.kind} model, not ${model.kind}`);
  const x = ck.extra.trainer as ResumeState | undefined;
  if (!x || typeof x !== 'object' || !ck.optimizer || !model.params) throw new Error(`Trainer.resume: ${source} has no trainer state (written by Trainer.checkpoint?)`);
  const differ = configDifferences(ck.config, (model as { config?: object }).config ?? {});
  if (differ.length) throw new Error(`Trainer.resume: ${source} was trained with a different model config (${differ.join('; ')}); resume with the same options`);
  checkParamsFit(ck, model.params, source);
  if (ck.optimizer.kind !== trainer.optimizerKind) {
    const saved = [...ck.tensors.keys()].find((k) => k.startsWith(`optim.${ck.optimizer!.kind}.`));
    throw new Error(`Trainer.resume: ${source} was trained with optimizer '${ck.optimizer.kind}'${saved ? ` (it holds ${saved})` : ''}, this trainer uses '${trainer.optimizerKind}'; resume with optimizer '${ck.optimizer.kind}' (--optimizer ${ck.optimizer.kind})`);
  }
  const state = trainer.optimizer.state();
  checkOptimizerFit(ck, state, source);
  checkResumeState(trainer, x, source);
  const targets: ResumeTarget<T>[] = [];
  for (const [name, t] of model.params.tensors) targets.push(targetOf(`param.${name}`, ck.tensors.get(`param.${name}`)!, t));
  for (const { name, tensor, halves, rowScales } of state) targets.push(targetOf(`optim.${name}`, ck.tensors.get(`optim.${name}`)!, tensor, halves, rowScales));
  return { targets, state: x, t: ck.optimizer.t };
}

/** The trainer state's fields, and its generator states tried on the task (then put back). */
function checkResumeState(trainer: TrainerParts, x: ResumeState, source: string): void {
  const whole = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  for (const k of ['step', 'bestStep', 'sinceBest'] as const) {
    if (!whole(x[k])) throw new Error(`Trainer.resume: ${source}: trainer.${k} is ${JSON.stringify(x[k])}, expected a whole number ≥ 0`);
  }
  if (typeof x.bestRecall50 !== 'number') throw new Error(`Trainer.resume: ${source}: trainer.bestRecall50 is ${JSON.stringify(x.bestRecall50)}, expected a number`);
  if (!x.rng || typeof x.rng !== 'object') throw new Error(`Trainer.resume: ${source}: trainer.rng is ${JSON.stringify(x.rng)}, expected generator states`);
  const now = trainer.task.state();
  trainer.task.setState(x.rng, source);
  trainer.task.setState(now, source);
}

/** Set the state of a resume whose tensors are all in: the trainer continues as the run that wrote it. */
export function finishResume(trainer: TrainerParts, plan: ResumePlan<TensorInfo>, source: string): void {
  const x = plan.state;
  trainer.optimizer.t = plan.t;
  trainer.step = x.step;
  trainer.task.setState(x.rng, source);
  trainer.bestRecall50 = x.bestRecall50;
  trainer.bestStep = x.bestStep;
  trainer.sinceBest = x.sinceBest;
  // A checkpoint taken at its best step holds the best weights themselves.
  trainer.best = x.bestStep === x.step && x.bestStep > 0 ? (trainer.model.params?.list() ?? []).map((t) => Float32Array.from(t.data)) : null;
  trainer.damaged = null;
}

/**
 * A resume that failed after writing into the trainer (I/O error, non-finite value): its weights
 * and optimizer state mix two runs, so it refuses to train, validate or checkpoint until a
 * resume completes. Returns the error to throw.
 */
export function markDamaged(trainer: TrainerParts, source: string, cause: Error): Error {
  trainer.best = null;
  trainer.damaged = `a resume from ${source} failed after it began writing the weights (${cause.message}); the model's parameters and optimizer state are now partly from that file. Resume again from a complete checkpoint, or build a new model and Trainer`;
  return new Error(`${cause.message}; the trainer's weights are now partly from this file: it refuses to train until a resume completes`);
}

/** `Trainer.resume`: continue from checkpoint bytes; the following steps are identical to an uninterrupted run. */
export function resumeTrainer(trainer: TrainerParts, bytes: Uint8Array, source: string): void {
  const ck = decodeCheckpoint(bytes, source);
  const plan = planResume(trainer, ck, source);
  // Every value is in memory: check them all before writing, so a refused file leaves the trainer untouched.
  checkFinite(ck, source);
  for (const t of plan.targets) if (t.rowScales) checkRowScales(t.key, t.entry.bytes, 0, source);
  for (const t of plan.targets) {
    const dest = t.view(0, t.entry.bytes.byteLength);
    if (dest) dest.set(t.entry.bytes);
    else t.store(t.entry.bytes, 0);
  }
  finishResume(trainer, plan, source);
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
