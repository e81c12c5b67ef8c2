// slotSum, the weighted sum over history slots of ComiRec-DR's per-(slot, interest) capsules
// (docs/model-guide.md#comirec-dr step 4): one strided-batched GEMM each way. The weights are
// constants (the routing's stop-gradient), so only Û receives a gradient.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { gemm } from '../engine/gemm.js';
import { checkInputs, fail } from './check.js';

/**
 * z[j] = Σ_t c[t, j] û[t, j] for constant weights c [T, J] and Û [T, J, D] → [J, D]: one
 * strided-batched GEMM over j (each a [1, T]·[T, D] product reading Û with row stride J·D).
 * Gradient to Û only: dû[t, j] = c[t, j] dz[j] (a rank-1 product per j).
 */
export function slotSum(c: Tensor, uHat: Tensor): Tensor {
  checkInputs('slotSum', c, uHat);
  const e = uHat.engine;
  if (uHat.rank !== 3) fail('slotSum', 'Û must be [T, J, D]', c, uHat);
  const [T, J, D] = uHat.shape;
  if (c.size !== T * J) throw new Error(`slotSum: weights ${c.describe()} do not match Û ${uHat.describe()} (need ${T}·${J})`);
  if (c.requiresGrad) throw new Error(`slotSum: the coupling weights ${c.describe()} must be constants (sg)`);
  const out = empty([J, D], 'f32', e);
  gemm(e, { batch: J, M: 1, N: D, K: T, a: c.ptr, transA: true, lda: J, strideA: 1, b: uHat.ptr, ldb: J * D, strideB: D, c: out.ptr }); // [J, D]
  return record('slotSum', [uHat], out, () => {
    const { grad, acc } = gradSlot(uHat);
    gemm(e, { batch: J, M: T, N: D, K: 1, a: c.ptr, lda: J, strideA: 1, b: out.grad!.ptr, strideB: D, beta: acc, c: grad.ptr, ldc: J * D, strideC: D });
  });
}
