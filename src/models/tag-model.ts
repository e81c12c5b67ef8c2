// The interface every tag-profile model implements (UTPM, MVKE, TwoTower, HardSharing, MMoE,
// PopularTags, HistoryTags): a training loss over labelled rows, per-row probabilities for AUC,
// whole-vocabulary scores for profiles, and `profile()` with raw tag names.
import type { Tensor } from '../tensor.js';
import type { ParamStore } from '../nn/params.js';
import { fieldBatch, type FieldBatch, type FieldSpec, type TagBatch, type TagTask, type UserFields } from '../nn/field-batch.js';

export interface TagModel {
  /** Which trainer data and evaluation the model takes (the retrieval models say 'retrieval'). */
  readonly family: 'tag';
  /** Paper or baseline name, e.g. 'UTPM', 'MVKE', 'MMoE'. */
  readonly kind: string;
  /** Tasks scored, in output order. */
  readonly tasks: readonly TagTask[];
  /** Rows it trains on: 'item' (UTPM's joint loss), 'tag' (MVKE and towers), 'none' (counting baselines). */
  readonly rows: 'item' | 'tag' | 'none';
  /** Trainable parameters (null for counting baselines). */
  readonly params: ParamStore | null;
  /** Field schema of the users it reads. */
  readonly fields: readonly FieldSpec[];
  /** Tag names by id (0 = padding). */
  readonly tagNames: readonly string[];
  /** Mean training loss of a batch (records on the tape). */
  loss(batch: TagBatch): Tensor;
  /** Probability per row, one array per task (no tape). Tag rows carry one tag (m = 1). */
  scoreRows(batch: TagBatch): Float64Array[];
  /** Score of every tag id for each user, one [Bu * tags] array per task; id 0 is −∞. */
  scoreTags(users: FieldBatch): Float64Array[];
  toString(): string;
}

/** One profile entry. */
export interface ProfileTag {
  tag: string;
  id: number;
  score: number;
}

/** Top-K tags of one user for one task, by the model's serving score, with raw tag names. */
export function profileOf(model: TagModel, user: UserFields, opts: { topK?: number; task?: TagTask } = {}): ProfileTag[] {
  const task = opts.task ?? model.tasks[0];
  const ti = model.tasks.indexOf(task);
  if (ti < 0) throw new Error(`${model.kind}.profile: task "${task}" is not one of [${model.tasks.join(', ')}]`);
  const scores = model.scoreTags(fieldBatch(model.fields, [user]))[ti];
  const top = topTags(scores, opts.topK ?? 10);
  return Array.from(top, (id) => ({ tag: model.tagNames[id] ?? String(id), id, score: scores[id] }));
}

/**
 * Rank a tag vocabulary by score: the top-K tag ids, score descending, ties lower id first.
 * Tag 0 is padding (docs/model-guide.md#conventions) and never returned.
 * @param scores one score per tag id, index 0 = padding
 * @param k profile length (clamped to the vocabulary)
 */
export function topTags(scores: ArrayLike<number>, k: number): Int32Array {
  const ids = Int32Array.from({ length: Math.max(0, scores.length - 1) }, (_, i) => i + 1);
  ids.sort((a, b) => descending(scores[a], scores[b]) || a - b);
  return ids.slice(0, Math.max(0, Math.min(k, ids.length)));
}

/** Descending comparison that is safe for ±Infinity scores (x − y would give NaN for ∞ − ∞). */
function descending(x: number, y: number): number {
  return x < y ? 1 : x > y ? -1 : 0;
}

/** Tag names, or `t<id>` placeholders, for `n` ids with row 0 as padding. */
export function defaultTagNames(n: number, names?: readonly string[]): string[] {
  if (names && names.length !== n) throw new Error(`tag names: ${names.length} names for ${n} tag ids (padding row 0 included)`);
  return names ? [...names] : Array.from({ length: n }, (_, i) => (i === 0 ? '<pad>' : `t${i}`));
}

/** σ(x) in float64 (serving scores). */
export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
