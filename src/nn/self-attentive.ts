// Self-attentive pooling over a padded history window (ComiRec-SA, SINE): attention weights
// A = softmax_T(w(x_t)) per head, with padded slots masked out. The valid-slot optimisation
// lives here and only here: the per-slot MLPs run on the real items only (padding is about half
// of a typical batch) and their scores are scattered back to [B, T, ·]; the masked softmax gives
// padding exactly 0, so the result equals the dense formula at about half the GEMM and tanh work.
import { Tensor, empty, idTensor } from '../tensor.js';
import { gather, linear, reshape, softmax, tanh, transpose } from '../ops/index.js';
import { scatterRows } from '../ops/scatter-rows.js';

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

/**
 * The n valid slots of a padded [B, T] history batch: per-slot tensors are [n, ·]; `dense`
 * puts them back in the window (zeros at padding) and `attend` pools over it.
 */
export class SlotView {
  readonly B: number;
  readonly T: number;
  /** Valid slots in the batch. */
  readonly n: number;
  /** Flat positions b·T + t of the valid slots (i32 [n]). */
  readonly at: Tensor;
  private readonly ids: Int32Array;
  private readonly slots: Int32Array;

  constructor(readonly batch: SlotBatch, ref: Tensor) {
    const { rows, ids, slots } = validSlots(batch);
    this.B = batch.B;
    this.T = batch.T;
    this.n = rows.length;
    this.at = idTensor(rows, [this.n], ref.engine);
    this.ids = ids;
    this.slots = slots;
  }

  /** Embeddings of the valid items: table [N, D] → [n, D]. */
  items(table: Tensor): Tensor {
    return gather(table, idTensor(this.ids, [this.n], table.engine));
  }
  /** Positional rows of the valid slots: P [T, D] → [n, D]. */
  positions(P: Tensor): Tensor {
    return gather(P, idTensor(this.slots, [this.n], P.engine));
  }
  /** Per-slot rows back in the window: [n, C] → [B, T, C], zeros at padding. */
  dense(x: Tensor): Tensor {
    return scatterRows(x, this.at, [this.B, this.T, x.cols]);
  }
  /** The valid rows of a window tensor: [B, T, C] → [n, C]. */
  pick(x: Tensor): Tensor {
    return gather(x.rank === 2 ? x : reshape(x, [this.B * this.T, x.cols]), this.at);
  }

  /** Attention A [B, K, T] = softmax over the valid slots of per-slot scores [n, K] (padding 0). */
  attend(scores: Tensor): Tensor {
    const { B, T } = this;
    const K = scores.cols;
    const mask = empty([B, K, T], 'f32', scores.engine); // padded slots excluded from the softmax over T
    const M = mask.data;
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) M.set(this.batch.mask.subarray(b * T, b * T + T), (b * K + k) * T);
    return softmax(transpose(this.dense(scores)), mask);
  }
}

/** The self-attentive MLP's parameters: W1 [D, W] (+ b1 [W]), W2 [W, K] (+ b2 [K]). */
export interface AttentionMlp {
  W1: Tensor;
  b1?: Tensor;
  W2: Tensor;
  b2?: Tensor;
}

/**
 * Self-attentive weights A = softmax_T(W2ᵀ tanh(W1ᵀ x_t + b1) + b2) [B, K, T] over the valid
 * slots' inputs x [n, D] (K = the columns of W2).
 */
export function selfAttention(view: SlotView, x: Tensor, w: AttentionMlp): Tensor {
  return view.attend(linear(tanh(linear(x, w.W1, w.b1)), w.W2, w.b2)); // [B, K, T]
}
