// Training read-outs of multi-interest models (docs/model-guide.md#training-read-outs): the hard read-out picks the
// interest closest to the label (ComiRec; MIND with p = ∞), label-aware attention mixes the
// active interests with weights softmax_K(p·⟨v_k, e_y⟩) (MIND with finite p).
import { Tensor, empty, idTensor } from '../tensor.js';
import { noGrad } from '../autograd/tape.js';
import { bmm, gather, reshape, scale, softmax } from '../ops/index.js';

/** ⟨v_k, e_y⟩ for every row and interest: V [B,K,D], e_y [B,D] → [B,K]. */
export function interestScores(V: Tensor, eY: Tensor): Tensor {
  const [B, K, D] = V.shape;
  return reshape(bmm(V, reshape(eY, [B, D, 1])), [B, K]);
}

/**
 * v_u = v_{k*}, k* = argmax over active k of ⟨v_k, e_y⟩ (ties: lowest k). Only v_{k*} gets a
 * gradient; the choice passes none to e_y.
 */
export function hardReadout(V: Tensor, active: Uint8Array, eY: Tensor): Tensor {
  const [B, K, D] = V.shape;
  const pick = new Int32Array(B);
  noGrad(() => {
    const s = interestScores(V, eY).data;
    for (let b = 0; b < B; b++) {
      let best = -1;
      for (let k = 0; k < K; k++) {
        if (!active[b * K + k]) continue;
        if (best < 0 || s[b * K + k] > s[b * K + best]) best = k;
      }
      pick[b] = b * K + Math.max(0, best);
    }
  });
  return gather(reshape(V, [B * K, D]), idTensor(pick, [B], V.engine)); // [B, D]
}

/** v_u = Σ_k a_k v_k with a = softmax over active k of p·⟨v_k, e_y⟩; p = 0 is the plain mean. */
export function labelAwareAttention(V: Tensor, active: Uint8Array, eY: Tensor, p: number): Tensor {
  const [B, K, D] = V.shape;
  if (p === Infinity) return hardReadout(V, active, eY);
  const mask = empty([B, K], 'f32', V.engine);
  const M = mask.data;
  for (let i = 0; i < B * K; i++) M[i] = active[i] ? 1 : 0;
  const a = softmax(scale(interestScores(V, eY), p), mask); // [B, K]
  return reshape(bmm(reshape(a, [B, 1, K]), V), [B, D]); // [B, D]
}
