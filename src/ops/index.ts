// The op table: every differentiable op, the kernels it runs and its gradient in one line.
// Compositions (capsule routing, attention read-outs, sampled softmax) live in nn/ and loss/ and
// are built from these. test/ops/op-table.test.ts fails when an exported op is missing here.
export { matmul, bmm, linear, reshape } from './matmul.js';
export { add, sub, mul, scale, addRow, mulRows, relu, tanh, sigmoid, exp, log } from './elementwise.js';
export { sum, mean, dotRows } from './reduce.js';
export { softmax, logSoftmax } from './softmax.js';
export { squash } from './squash.js';
export { layerNorm } from './layernorm.js';
export { gather } from './embedding.js';
export { softmaxCrossEntropy, bceWithLogits } from './loss.js';
export { concat, sliceLast, transpose } from './shape.js';
export { scatterRows } from './scatter-rows.js';
export { fmCross } from './fm-cross.js';
export { slotSum } from './slot-sum.js';

/** Documentation as data: op → kernels → gradient. */
export const OP_TABLE: ReadonlyArray<{ op: string; kernels: string; grad: string }> = [
  { op: 'matmul', kernels: 'gemm_f32_{nn,nt,tn}', grad: 'dA = dC·op(B)ᵀ, dB = op(A)ᵀ·dC (GEMMs with beta = acc)' },
  { op: 'bmm', kernels: 'gemm_batched_f32_{nn,nt,tn}', grad: 'per batch as matmul; a shared 2-D B folds the batch into rows' },
  { op: 'linear', kernels: 'matmul + add_row_f32', grad: 'as matmul; dbias = column sums of dY' },
  { op: 'reshape', kernels: 'copy_f32 / add_f32', grad: 'dx = dy viewed in the input shape' },
  { op: 'add / sub', kernels: 'add_f32, sub_f32', grad: 'da = g, db = ±g' },
  { op: 'mul', kernels: 'mul_f32, mul_acc_f32', grad: 'da = g ⊙ b, db = g ⊙ a' },
  { op: 'scale', kernels: 'scale_f32, axpy_f32', grad: 'dx = s·g' },
  { op: 'addRow', kernels: 'add_row_f32, sum_cols_f32', grad: 'dx = g, dbias = Σ_rows g' },
  { op: 'mulRows', kernels: 'mul_rows_scalar_f32, dot_rows_f32', grad: 'dx_r = s_r g_r, ds_r = ⟨g_r, x_r⟩' },
  { op: 'relu / tanh / sigmoid', kernels: '{op}_f32, {op}_bwd_f32', grad: 'g·1[x>0], g·(1−y²), g·y(1−y)' },
  { op: 'exp / log', kernels: 'exp_f32, log_f32', grad: 'g·eˣ, g/x' },
  { op: 'sum / mean', kernels: 'sum_rows_f32, fill_f32', grad: 'dx = g (÷ n for mean)' },
  { op: 'dotRows', kernels: 'dot_rows_f32, mul_rows_scalar_f32', grad: 'da_r = g_r b_r, db_r = g_r a_r' },
  { op: 'softmax', kernels: 'softmax_rows[_masked]_f32, softmax_rows_bwd_f32', grad: 'dx = p ⊙ (g − ⟨p, g⟩)' },
  { op: 'logSoftmax', kernels: 'log_softmax_rows_f32 (+ bwd)', grad: 'dx = g − softmax · Σg' },
  { op: 'squash', kernels: 'squash_f32, squash_bwd_f32', grad: "ds = f(n) g + 2 f'(n) ⟨s, g⟩ s, n = ‖s‖²" },
  { op: 'layerNorm', kernels: 'layernorm_f32, layernorm_bwd_f32', grad: 'dx = rstd (ĝ − mean ĝ − x̂ mean(ĝ x̂)), ĝ = g γ' },
  { op: 'gather', kernels: 'gather_rows_f32, scatter_add_rows_f32', grad: 'dE[ids[r]] += g_r (row-sparse for sparseGrad tables)' },
  { op: 'concat / sliceLast', kernels: 'copy_rows_f32 (+ fill_f32)', grad: 'the gradient is split / scattered back by column' },
  { op: 'transpose', kernels: 'transpose_f32', grad: 'dx = transpose(g)' },
  { op: 'scatterRows', kernels: 'typed-array copies', grad: 'dx = the scattered rows of g' },
  { op: 'softmaxCrossEntropy', kernels: 'softmax_xent_rows_f32', grad: 'dlogits = (p − onehot₀)/B, masked entries 0' },
  { op: 'fmCross', kernels: 'gemm_f32_nt (K = V Vᵀ) + typed-array pair products', grad: 'c_ij = x_i x_j K_ij: dx_i += Σ_j g_ij x_j K_ij, dK_ij = Σ_b g_ij x_i x_j, dV = (dK + dKᵀ) V' },
  { op: 'slotSum', kernels: 'gemm_batched_f32_tn, gemm_batched_f32_nn (strided)', grad: 'z_j = Σ_t c_tj û_tj with constant c: dû_tj = c_tj dz_j' },
  { op: 'bceWithLogits', kernels: 'bce_logits_f32, bce_logits_bwd_f32', grad: 'dx = (σ(x)(1 + (w−1)y) − w y)/n' },
];
