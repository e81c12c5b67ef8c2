// User fields from event streams (the data side of the tag-profile models): count-weighted
// multi-valued fields. The field and batch types themselves live with the layers that read them
// (nn/field-batch.ts) and are re-exported here for readers and datasets.
export { fieldBatch, type FieldSpec, type UserFields, type FieldBatch, type RowSet, type TagBatch, type TagTask } from '../nn/field-batch.js';

/**
 * A multi-valued field from a time-ordered id stream: weight = count, keeping the `maxValues`
 * heaviest ids (ties to the most recent), heaviest first. Ids ≤ 0 are ignored.
 */
export function weightedList(stream: ArrayLike<number>, maxValues = 100): { ids: Int32Array; weights: Float32Array } {
  const count = new Map<number, number>();
  const last = new Map<number, number>();
  for (let i = 0; i < stream.length; i++) {
    const id = stream[i];
    if (id <= 0) continue;
    count.set(id, (count.get(id) ?? 0) + 1);
    last.set(id, i);
  }
  const ids = [...count.keys()].sort((a, b) => count.get(b)! - count.get(a)! || last.get(b)! - last.get(a)!).slice(0, maxValues);
  return { ids: Int32Array.from(ids), weights: Float32Array.from(ids, (id) => count.get(id)!) };
}
