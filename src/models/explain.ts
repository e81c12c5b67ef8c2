// Read-only inspection of a forward pass (the studio's "which history items each interest attends
// to"): the weights linking every interest to every history slot, copied out of the arena into
// plain arrays in the caller's left-aligned slot order. Computing them never changes a number of
// the model: `explain` runs the same serving forward as `interests`/`queries`, off the tape.
import type { Tensor } from '../tensor.js';

export type { Explanation } from './types.js';

/**
 * Copy per-slot weights of the layout the model computed ('BKT' [B, K, T], 'BTK' [B, T, K] or
 * 'TBK' [T, B, K], slots in the model's alignment) into [B, K, T] in the caller's left-aligned
 * slot order: a right-aligned model holds caller slot t of a row with n items at T − n + t.
 */
export function callerWeights(src: Tensor | Float32Array | Float64Array, layout: 'BKT' | 'BTK' | 'TBK', batch: { B: number; T: number; len: Int32Array }, K: number, alignment: 'left' | 'right'): Float32Array | Float64Array {
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
