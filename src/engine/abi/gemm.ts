// ABI of the gemm kernel family (assembly/gemm.ts): export name -> argument kinds.
// No workspace argument: the SIMD build packs B into a static 8 KiB panel in page 0 (below the
// TypeScript heap at 64 KiB; `gemm_static_end()`, not in this table, reports the end of static
// data and a test keeps it <= 65536). So one module instance must not run two GEMMs at once on
// shared memory (a future threaded path needs a per-thread panel).
import type { AbiTable } from './types.js';

export const GEMM_ABI = {
  gemm_f32_nn: 'iiifpipifpi', // (M, N, K, alpha, a, lda, b, ldb, beta, c, ldc): C = αAB + βC
  gemm_f32_nt: 'iiifpipifpi', // B stored [N, K]
  gemm_f32_tn: 'iiifpipifpi', // A stored [K, M]
  gemm_batched_f32_nn: 'iiiifpiipiifpii', // (batch, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc)
  gemm_batched_f32_nt: 'iiiifpiipiifpii',
  gemm_batched_f32_tn: 'iiiifpiipiifpii',
} as const satisfies AbiTable;
