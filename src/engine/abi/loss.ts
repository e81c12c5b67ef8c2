// ABI of the loss kernel family (assembly/loss.ts): export name -> argument kinds.
// Backward kernels end in `acc` (i): 0 writes the input gradient, 1 adds into it.
import type { AbiTable } from './types.js';

export const LOSS_ABI = {
  bce_logits_f32: 'pppif', // (logits, labels, out, n, posWeight): per-element BCE with logits
  bce_logits_bwd_f32: 'ppppifi', // (logits, labels, g, dx, n, posWeight, acc)
  softmax_xent_rows_f32: 'ppiippf', // (logits, mask, rows, n, loss, dlogits, scale): true class in column 0
  logq_shift_mask_f32: 'ppiipppp', // (logits, mask, rows, n, rowShift f64, labels i32, cand i32, candShift f64): in place, n = 1 + S
  rng_uniforms: 'ppi', // (state u32[4], out f64, count): Rng.uniform's stream from that xoshiro128** state, advanced in place (assembly/sampler.ts)
  log_uniform_draws: 'ppii', // (u f64, out i32, count, n): ⌊n^u⌋ clamped to 1..n−1, Rng.logUniform's bits (assembly/sampler.ts)
  sampler_logq_f64: 'ppiiiii', // (ids i32, out f64, count, N, tries, S, kind): ln Q per id (assembly/sampler.ts)
} as const satisfies AbiTable;
