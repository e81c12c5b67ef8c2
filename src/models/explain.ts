// Read-only inspection of a forward pass (the studio's "which history items each interest attends
// to"): the weights linking every interest to every history slot, copied out of the arena into
// plain arrays in the caller's left-aligned slot order. Computing them never changes a number of
// the model: `explain` runs the same serving forward as `interests`/`queries`, off the tape.
import type { Tensor } from '../tensor.js';
import type { RetrievalBatch } from './types.js';

/**
 * What each interest draws from each history slot, for B rows, K interests and T slots.
 * - 'attention' (ComiRec-SA): A[k, t], a softmax over the valid slots t of each interest.
 * - 'routing' (MIND, ComiRec-DR): the final coupling coefficients c[t, k], a softmax over the
 *   active interests k of each slot (so a column k need not sum to 1 over t).
 * - 'assignment' (SINE): the intention assignment P(k | t), a softmax over k of each slot.
 * - 'mean' (YouTubeDNN): the pooling weight 1/n of every valid slot.
 */
export interface Explanation {
  kind: 'attention' | 'routing' | 'assignment' | 'mean';
  B: number;
  K: number;
  T: number;
  /**
   * weights[(b·K + k)·T + t] [B, K, T]; slot t as in the batch passed in (left-aligned), 0 at
   * padding. Arrays are float32 (Float64Array on the float64 reference engine).
   */
  weights: Float32Array | Float64Array;
  /** The interest vectors [B·K·D] that `interests(batch)` returns. */
  vectors: Float32Array | Float64Array;
  /** 1 if interest k of row b is active [B·K]. */
  active: Uint8Array;
  /** SINE: P(t | k) of the rank-bound attention heads [B, K, T]. */
  attention?: Float32Array | Float64Array;
  /** SINE: the selected prototype of each interest [B·K] (index into the concept pool). */
  prototypes?: Int32Array;
  /** SINE: the aggregation weights e_k of the serving user vector [B·K]. */
  aggregation?: Float32Array | Float64Array;
}

/**
 * Copy per-slot weights of the layout the model computed ('BKT' [B, K, T], 'BTK' [B, T, K] or
 * 'TBK' [T, B, K], slots in the model's alignment) into [B, K, T] in the caller's left-aligned
 * slot order: a right-aligned model holds caller slot t of a row with n items at T − n + t.
 */
export function callerWeights(src: Tensor | Float32Array | Float64Array, layout: 'BKT' | 'BTK' | 'TBK', batch: RetrievalBatch, K: number, alignment: 'left' | 'right'): Float32Array | Float64Array {
  const w = src instanceof Float32Array || src instanceof Float64Array ? src : src.data;
  const { B, T, len } = batch;
  if (w.length !== B * K * T) throw new Error(`explain: weights of ${w.length} values do not match B=${B}, K=${K}, T=${T}`);
  const out = w instanceof Float64Array ? new Float64Array(B * K * T) : new Float32Array(B * K * T);
  for (let b = 0; b < B; b++) {
    const n = len[b], shift = alignment === 'right' ? T - n : 0;
    for (let k = 0; k < K; k++) {
      for (let t = 0; t < n; t++) {
        const s = t + shift;
        const at = layout === 'BKT' ? (b * K + k) * T + s : layout === 'BTK' ? (b * T + s) * K + k : (s * B + b) * K + k;
        out[(b * K + k) * T + t] = w[at];
      }
    }
  }
  return out;
}
