// Self-attentive pooling over a padded history window (ComiRec-SA, SINE): the valid-slot
// bookkeeping that lets the attention MLP run on the real items only, about half of a batch.

/** The part of a history batch the slot bookkeeping reads: B rows of T slots, ids and a 0/1 mask. */
export interface SlotBatch {
  B: number;
  T: number;
  /** Item ids [B*T], 0 = padding. */
  hist: Int32Array;
  /** 1 where a slot holds an item, else 0 [B*T]. */
  mask: Float32Array;
}

/** Flat positions b·T + t, item ids and slot indices t of the batch's valid slots (mask ≠ 0). */
export function validSlots(batch: SlotBatch): { rows: Int32Array; ids: Int32Array; slots: Int32Array } {
  const { B, T, mask, hist } = batch;
  let n = 0;
  for (let i = 0; i < B * T; i++) if (mask[i] !== 0) n++;
  const rows = new Int32Array(n), ids = new Int32Array(n), slots = new Int32Array(n);
  for (let i = 0, j = 0; i < B * T; i++) {
    if (mask[i] === 0) continue;
    rows[j] = i;
    ids[j] = hist[i];
    slots[j++] = i % T;
  }
  return { rows, ids, slots };
}
