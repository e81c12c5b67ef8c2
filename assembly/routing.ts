// MIND's routing iterations that need no gradient, fused into one kernel: per iteration a masked
// softmax of the logits, c_bᵀ Ĥ_b, squash, and logits_b += Ĥ_b u_bᵀ, then the final softmax. It
// calls the very kernels the op-by-op path calls, in the same order, so the bits are the same;
// one call instead of 4 per iteration (and their JavaScript), and a threaded engine splits it by
// batch entries, each of which routes independently (engine/threads/split.ts).
import { softmax_rows_masked_f32 } from './softmax';
import { squash_f32 } from './squash';
import { gemm_batched_f32_nt, gemm_batched_f32_tn } from './gemm';

/**
 * h Ĥ [B, T, D], logits [B, T, K] (updated in place), mask [B, T, K] (f32 0/1), c [B, T, K] out
 * (the final coupling weights), s and u [B, K, D] scratch. `iters` untaped iterations, then c =
 * softmax(logits, mask).
 */
export function route_shared_f32(h: usize, logits: usize, mask: usize, c: usize, s: usize, u: usize, B: i32, T: i32, K: i32, D: i32, iters: i32): void {
  const tk = T * K, td = T * D, kd = K * D;
  for (let r = 0; r < iters; r++) {
    softmax_rows_masked_f32(logits, mask, c, B * T, K); // c [B, T, K]
    gemm_batched_f32_tn(B, K, D, T, 1, c, K, tk, h, D, td, 0, s, D, kd); // s_b = c_bᵀ Ĥ_b  [B, K, D]
    squash_f32(s, u, B * K, D); // u [B, K, D]
    gemm_batched_f32_nt(B, T, K, D, 1, h, D, td, u, D, kd, 1, logits, K, tk); // logits_b += Ĥ_b u_bᵀ
  }
  softmax_rows_masked_f32(logits, mask, c, B * T, K);
}
