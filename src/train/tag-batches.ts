// The data side of training and scoring tag-profile models (docs/protocols.md#tag-protocol): the users of a
// split, the row indices of those users, padded batches over item rows (UTPM) or tag rows (the
// rest), per-row probabilities of a split, and validation AUC per task.
import { engine } from '../engine/current.js';
import { auc } from '../eval/tag-metrics.js';
import { fieldBatch, type RowSet, type TagBatch, type TagTask } from '../nn/field-batch.js';
import type { TagDataset } from '../data/tag-datasets.js';
import type { TagModel } from '../models/tag-model.js';

export type Split = 'train' | 'valid' | 'test';

/** Users of a split, as a set of sample-user indices. */
export function splitUsers(data: TagDataset, split: Split): Set<number> {
  return new Set(data.samples[split]);
}

/** Row indices of `rows` whose user is in `users`. */
export function rowsOf(rows: RowSet, users: Set<number>): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < rows.user.length; r++) if (users.has(rows.user[r])) out.push(r);
  return Int32Array.from(out);
}

/** One batch over row indices `idx` of item rows ('item': key = item, m = its tags) or tag rows. */
export function makeBatch(data: TagDataset, kind: 'item' | 'tag', idx: ArrayLike<number>): TagBatch {
  const rows = kind === 'item' ? data.samples.itemRows : data.samples.tagRows;
  const B = idx.length;
  const slot = new Map<number, number>();
  const order: number[] = [];
  const rowUser = new Int32Array(B);
  for (let i = 0; i < B; i++) {
    const u = rows.user[idx[i]];
    let s = slot.get(u);
    if (s === undefined) { s = order.length; slot.set(u, s); order.push(u); }
    rowUser[i] = s;
  }
  let m = 1;
  if (kind === 'item') for (let i = 0; i < B; i++) m = Math.max(m, data.itemTags[rows.key[idx[i]]]?.length ?? 0);
  const tags = new Int32Array(B * m);
  const click = new Float32Array(B);
  const conversion = new Float32Array(B);
  for (let i = 0; i < B; i++) {
    const r = idx[i];
    if (kind === 'item') tags.set(data.itemTags[rows.key[r]] ?? [], i * m);
    else tags[i] = rows.key[r];
    click[i] = rows.click[r];
    conversion[i] = rows.conversion[r];
  }
  return { users: fieldBatch(data.fields, order.map((u) => data.users[u])), B, rowUser, tags, m, click, conversion };
}

/** Probabilities per task for the tag rows of a split (batched, one arena scope per batch). */
export function scoreSplit(model: TagModel, data: TagDataset, split: Split, batchSize = 2048): { idx: Int32Array; scores: Float64Array[] } {
  const idx = rowsOf(data.samples.tagRows, splitUsers(data, split));
  const scores = model.tasks.map(() => new Float64Array(idx.length));
  for (let s = 0; s < idx.length; s += batchSize) {
    const part = idx.subarray(s, s + batchSize);
    engine().step(() => model.scoreRows(makeBatch(data, 'tag', part)).forEach((o, t) => scores[t].set(o, s)));
  }
  return { idx, scores };
}

export const labelOf = (data: TagDataset, task: TagTask) => (task === 'ctr' ? data.samples.tagRows.click : data.samples.tagRows.conversion);

/** Validation AUC per task on tag rows. */
export function validationAuc(model: TagModel, data: TagDataset, split: Split = 'valid'): Record<string, number> {
  const { idx, scores } = scoreSplit(model, data, split);
  const out: Record<string, number> = {};
  model.tasks.forEach((task, t) => {
    const y = labelOf(data, task);
    out[task] = auc(scores[t], Array.from(idx, (r) => y[r]));
  });
  return out;
}
