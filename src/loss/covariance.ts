// SINE's covariance regulariser L_c over the prototype pool (models.md §5): pushes prototypes
// apart by penalising the off-diagonal covariance between them. Centred over prototypes (not over
// the embedding axis as RecBole does), so translating every prototype leaves it unchanged.
import type { Tensor } from '../tensor.js';
import { tensor } from '../tensor.js';
import { addRow, dotRows, matmul, mul, reshape, scale, sub, sum } from '../ops/index.js';

/**
 * L_c = ½ (‖M‖_F² − ‖diag M‖²), M = (1/D)(C − C̄)(C − C̄)ᵀ, C [L, D] → scalar.
 * Computed without the [L, L] matrix: ‖Cc Ccᵀ‖_F = ‖Ccᵀ Cc‖_F (a [D, D] Gram, L·D² work instead
 * of L²·D) and M_ll = ‖c_l‖² / D. Gradient (taped): (2/D)(I − 11ᵀ/L) M_off (C − C̄).
 */
export function covarianceLoss(C: Tensor): Tensor {
  const [L, D] = C.shape;
  const e = C.engine;
  const avg = tensor(new Float64Array(L).fill(1 / L), [1, L], 'f32', e);
  const centred = addRow(C, reshape(scale(matmul(avg, C), -1), [D])); // [L, D] C − C̄
  const gram = matmul(centred, centred, true, false); // [D, D]
  const frob = sum(mul(gram, gram)); // ‖M‖_F² · D²
  const diag = dotRows(centred, centred); // [L] = D · M_ll
  return scale(sub(frob, sum(mul(diag, diag))), 0.5 / (D * D));
}
