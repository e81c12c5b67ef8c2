// SINE's covariance regulariser L_c over the prototype pool (docs/model-guide.md#sine): pushes
// prototypes apart by penalising the off-diagonal covariance between them. The paper's M is the
// L×L covariance of the prototypes with a 1/D factor, i.e. each prototype is a variable observed
// at its D coordinates and is centred over them ('perPrototype', the default, as RecBole and
// torch.cov); 'acrossPrototypes' subtracts the pool's mean prototype instead.
import type { Tensor } from '../tensor.js';
import { tensor } from '../tensor.js';
import { addRow, dotRows, matmul, mul, reshape, scale, sub, sum } from '../ops/index.js';

/** How L_c centres the prototypes C [L, D] before M = (1/D)(C − C̄)(C − C̄)ᵀ. */
export type CovarianceCentring = 'perPrototype' | 'acrossPrototypes';

/**
 * L_c = ½ (‖M‖_F² − ‖diag M‖²), M = (1/D) Cc Ccᵀ with Cc the centred C [L, D] → scalar.
 * 'perPrototype': Cc = C (I − 11ᵀ/D), each row minus its own mean (invariant to adding a
 * constant to all coordinates of a prototype). 'acrossPrototypes': Cc = C − C̄ with C̄ the mean
 * row (invariant to translating every prototype by the same vector).
 * Computed without the [L, L] matrix: ‖Cc Ccᵀ‖_F = ‖Ccᵀ Cc‖_F (a [D, D] Gram, L·D² work instead
 * of L²·D) and M_ll = ‖c_l‖² / D. Gradient taped through the centring.
 */
export function covarianceLoss(C: Tensor, centring: CovarianceCentring = 'perPrototype'): Tensor {
  const [L, D] = C.shape;
  const e = C.engine;
  let centred: Tensor;
  if (centring === 'perPrototype') {
    const P = new Float64Array(D * D).fill(-1 / D); // I − 11ᵀ/D, a constant [D, D]
    for (let d = 0; d < D; d++) P[d * D + d] += 1;
    centred = matmul(C, tensor(P, [D, D], 'f32', e)); // [L, D] rows minus their means
  } else if (centring === 'acrossPrototypes') {
    const avg = tensor(new Float64Array(L).fill(1 / L), [1, L], 'f32', e);
    centred = addRow(C, reshape(scale(matmul(avg, C), -1), [D])); // [L, D] C − C̄
  } else {
    throw new Error(`covarianceLoss: centring = ${JSON.stringify(centring)}; use 'perPrototype' or 'acrossPrototypes'`);
  }
  const gram = matmul(centred, centred, true, false); // [D, D]
  const frob = sum(mul(gram, gram)); // ‖M‖_F² · D²
  const diag = dotRows(centred, centred); // [L] = D · M_ll
  return scale(sub(frob, sum(mul(diag, diag))), 0.5 / (D * D));
}
