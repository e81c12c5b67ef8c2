// Pure-TS reference kernels of the gemm family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/gemm.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
import type { Floats } from './types.js';

/** C(i,j) = alpha·Σ_k A(i,k)·B(k,j) + beta·C(i,j) with A(i,k) = F[a + i·aRs + k·aKs], B likewise. */
function gemmCore(
  F: Floats, M: number, N: number, K: number, alpha: number, a: number, aRs: number, aKs: number,
  b: number, bKs: number, bNs: number, beta: number, c: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += F[a + i * aRs + k * aKs] * F[b + k * bKs + j * bNs];
      const p = c + i * ldc + j;
      F[p] = beta === 0 ? alpha * s : alpha * s + beta * F[p];
    }
  }
}

type I = Int32Array;

/** C[M,N] = alpha·A[M,K]·B[K,N] + beta·C. */
export function gemm_f32_nn(F: Floats, _I: I, M: number, N: number, K: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number): void {
  gemmCore(F, M, N, K, alpha, a, lda, 1, b, ldb, 1, beta, c, ldc);
}

/** C[M,N] = alpha·A[M,K]·B[N,K]ᵀ + beta·C. */
export function gemm_f32_nt(F: Floats, _I: I, M: number, N: number, K: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number): void {
  gemmCore(F, M, N, K, alpha, a, lda, 1, b, 1, ldb, beta, c, ldc);
}

/** C[M,N] = alpha·A[K,M]ᵀ·B[K,N] + beta·C. */
export function gemm_f32_tn(F: Floats, _I: I, M: number, N: number, K: number, alpha: number, a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number): void {
  gemmCore(F, M, N, K, alpha, a, 1, lda, b, ldb, 1, beta, c, ldc);
}

function batched(
  ta: boolean, tb: boolean, F: Floats, batch: number, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, sa: number, b: number, ldb: number, sb: number, beta: number, c: number, ldc: number, sc: number,
): void {
  for (let i = 0; i < batch; i++) {
    gemmCore(F, M, N, K, alpha, a + i * sa, ta ? 1 : lda, ta ? lda : 1, b + i * sb, tb ? 1 : ldb, tb ? ldb : 1, beta, c + i * sc, ldc);
  }
}

/** Strided batch of NN products; strides in elements (0 reuses one operand). */
export function gemm_batched_f32_nn(F: Floats, _I: I, batch: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, sa: number, b: number, ldb: number, sb: number, beta: number, c: number, ldc: number, sc: number): void {
  batched(false, false, F, batch, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc);
}

/** Strided batch of NT products. */
export function gemm_batched_f32_nt(F: Floats, _I: I, batch: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, sa: number, b: number, ldb: number, sb: number, beta: number, c: number, ldc: number, sc: number): void {
  batched(false, true, F, batch, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc);
}

/** Strided batch of TN products. */
export function gemm_batched_f32_tn(F: Floats, _I: I, batch: number, M: number, N: number, K: number, alpha: number, a: number, lda: number, sa: number, b: number, ldb: number, sb: number, beta: number, c: number, ldc: number, sc: number): void {
  batched(true, false, F, batch, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc);
}
