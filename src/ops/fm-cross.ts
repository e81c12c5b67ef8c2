// The FM cross-feature layer of UTPM (docs/model-guide.md#utpm step 5) as one op in Gram form:
// c[b, p(i,j)] = x_i x_j ⟨v_i, v_j⟩ for i < j, row-major over the strict upper triangle.
// Z = x ⊙ V and Z Zᵀ = diag(x) (V Vᵀ) diag(x), so one [n, C] × [C, n] GEMM (K = V Vᵀ, shared by
// the batch) replaces the O(n² C) double loop per row; the per-row work is n(n−1)/2 products.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail } from './check.js';
import { gemm } from '../engine/gemm.js';

/** Number of pairs i < j of n features: n(n−1)/2 (E(2E−1) for UTPM's n = 2E). */
export const crossPairs = (n: number): number => (n * (n - 1)) / 2;

/** x [B, n], V [n, C] → [B, n(n−1)/2] with c_ij = x_i x_j ⟨v_i, v_j⟩, i < j, row-major. */
export function fmCross(x: Tensor, v: Tensor): Tensor {
  checkInputs('fmCross', x, v);
  if (x.rank !== 2 || v.rank !== 2 || v.shape[0] !== x.shape[1]) fail('fmCross', 'expected x [B, n] and V [n, C]', x, v);
  const e = x.engine;
  const [B, n] = x.shape;
  const C = v.shape[1];
  const P = crossPairs(n);
  const K = empty([n, n], 'f32', e); // V Vᵀ
  if (C > 0 && n > 0) gemm(e, { M: n, N: n, K: C, a: v.ptr, b: v.ptr, transB: true, c: K.ptr });
  else e.heap.zero(K.ptr, K.size);
  const out = empty([B, P], 'f32', e);
  {
    const F = e.floats;
    const xo = x.ptr >>> 2, ko = K.ptr >>> 2, oo = out.ptr >>> 2;
    for (let b = 0; b < B; b++) {
      const xr = xo + b * n;
      let p = oo + b * P;
      for (let i = 0; i < n; i++) {
        const xi = F[xr + i];
        const kr = ko + i * n;
        for (let j = i + 1; j < n; j++) F[p++] = xi * F[xr + j] * F[kr + j];
      }
    }
  }
  return record('fmCross', [x, v], out, () => {
    const F = e.floats;
    const go = out.grad!.ptr >>> 2, xo = x.ptr >>> 2, ko = K.ptr >>> 2;
    // dK_ij = Σ_b g_bij x_bi x_bj (i < j), kept symmetric so dV = (dK + dKᵀ) V = 2 dK_sym V.
    const dK = v.requiresGrad ? empty([n, n], 'f32', e) : null;
    if (dK) e.heap.zero(dK.ptr, dK.size);
    let dx: { grad: Tensor; acc: 0 | 1 } | null = null;
    if (x.requiresGrad) {
      dx = gradSlot(x);
      if (!dx.acc) e.heap.zero(dx.grad.ptr, dx.grad.size);
    }
    const dko = dK ? dK.ptr >>> 2 : 0;
    const dxo = dx ? dx.grad.ptr >>> 2 : 0;
    for (let b = 0; b < B; b++) {
      const xr = xo + b * n;
      let p = go + b * P;
      for (let i = 0; i < n; i++) {
        const xi = F[xr + i];
        const kr = ko + i * n;
        for (let j = i + 1; j < n; j++, p++) {
          const g = F[p];
          if (g === 0) continue;
          const xj = F[xr + j];
          if (dx) {
            F[dxo + b * n + i] += g * xj * F[kr + j];
            F[dxo + b * n + j] += g * xi * F[kr + j];
          }
          if (dK) F[dko + i * n + j] += g * xi * xj;
        }
      }
    }
    if (dK && C > 0) {
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) F[dko + j * n + i] = F[dko + i * n + j];
      const { grad, acc } = gradSlot(v);
      // dV = dK_sym V (dK_sym has the pair gradient in both triangles, zero diagonal).
      gemm(e, { M: n, N: C, K: n, a: dK.ptr, b: v.ptr, beta: acc, c: grad.ptr });
    }
  });
}
