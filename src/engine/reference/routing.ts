// Pure-TS reference of the routing kernel (assembly/routing.ts): the same sequence of reference
// kernels (masked softmax, batched TN product, squash, batched NT product into the logits).
// Pointers are element indices; F is the float heap (float64 for the test oracle).
import type { Floats } from './types.js';
import { softmax_rows_masked_f32 } from './softmax.js';
import { squash_f32 } from './squash.js';
import { gemm_batched_f32_nt, gemm_batched_f32_tn } from './gemm.js';

type I = Int32Array;

/** MIND's `iters` untaped routing iterations on entries [0, B), then c = softmax(logits, mask). */
export function route_shared_f32(F: Floats, I: I, h: number, logits: number, mask: number, c: number, s: number, u: number, B: number, T: number, K: number, D: number, iters: number): void {
  const tk = T * K, td = T * D, kd = K * D;
  for (let r = 0; r < iters; r++) {
    softmax_rows_masked_f32(F, I, logits, mask, c, B * T, K);
    gemm_batched_f32_tn(F, I, B, K, D, T, 1, c, K, tk, h, D, td, 0, s, D, kd);
    squash_f32(F, I, s, u, B * K, D);
    gemm_batched_f32_nt(F, I, B, T, K, D, 1, h, D, td, u, D, kd, 1, logits, K, tk);
  }
  softmax_rows_masked_f32(F, I, logits, mask, c, B * T, K);
}
