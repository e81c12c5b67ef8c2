// gemm kernels: C = alpha·op(A)·op(B) + beta·C, row-major f32, explicit leading dimensions
// (NN, NT, TN) and strided-batched variants. beta = 0 never reads C (NaN in C is ignored).
// SIMD build: B is packed panel by panel (KC x 8, zero-padded) into an 8 KiB per-instance scratch
// (static data in page 0, or a per-worker block; see scratch.ts) and a 4x8 register tile sweeps the rows of A;
// with few rows of A, full B panels are read in place. The scalar build runs plain i-k-j loops.
import { MR, NR, KC, panel, packPanel, tile4x8, tile1x8 } from './gemm-kernels';

/** Up to this many rows of A, NN reads full B panels in place: packing one costs about as much
 *  as the 1-2 tiles that would reuse it. */
const DIRECT_M = 2 * MR;

/** C ← beta·C (beta = 0 writes zeros without reading C). */
function scaleC(M: i32, N: i32, beta: f32, c: usize, ldc: usize): void {
  for (let i = 0; i < M; i++) {
    const row = c + ((<usize>i * ldc) << 2);
    for (let j = 0; j < N; j++) {
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
  }
}

/**
 * The one GEMM: A(i,k) = a[i·aRs + k·aKs], B(k,j) = b[k·bKs + j·bNs], C(i,j) = c[i·ldc + j]
 * (strides in elements). Every public variant maps onto it.
 */
function gemmCore(M: i32, N: i32, K: i32, alpha: f32, a: usize, aRs: usize, aKs: usize, b: usize, bKs: usize, bNs: usize, beta: f32, c: usize, ldc: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scaleC(M, N, beta, c, ldc);
    return;
  }
  if (ASC_FEATURE_SIMD) {
    const rs = aRs << 2, ks = aKs << 2, bks = bKs << 2, bns = bNs << 2, cs = ldc << 2;
    const direct = bNs == 1 && M <= DIRECT_M;
    for (let j0 = 0; j0 < N; j0 += NR) {
      const nr = min(NR, N - j0);
      const bj = b + <usize>j0 * bns;
      const cj = c + (<usize>j0 << 2);
      // Full panels of a row-major B with few rows of A: no packing, one pass over all of K.
      const inPlace = direct && nr == NR;
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = inPlace ? K : min(KC, K - k0);
        const pb = inPlace ? bj : panel();
        const bs: usize = inPlace ? bks : NR << 2;
        if (!inPlace) packPanel(bj + <usize>k0 * bks, bks, bns, kc, nr);
        const bet: f32 = k0 == 0 ? beta : 1;
        const aK = a + <usize>k0 * ks;
        let i0 = 0;
        for (; i0 + MR <= M; i0 += MR) tile4x8(aK + <usize>i0 * rs, rs, ks, kc, pb, bs, alpha, bet, cj + <usize>i0 * cs, cs, nr);
        for (; i0 < M; i0++) tile1x8(aK + <usize>i0 * rs, ks, kc, pb, bs, alpha, bet, cj + <usize>i0 * cs, nr);
        if (inPlace) break;
      }
    }
    return;
  }
  // Scalar build: C ← beta·C, then C += (alpha·A(i,k))·B(k,:) row by row (i-k-j order).
  scaleC(M, N, beta, c, ldc);
  for (let i = 0; i < M; i++) {
    const crow = c + (((<usize>i) * ldc) << 2);
    for (let k = 0; k < K; k++) {
      const aik = alpha * load<f32>(a + (((<usize>i) * aRs + (<usize>k) * aKs) << 2));
      const brow = b + (((<usize>k) * bKs) << 2);
      for (let j = 0; j < N; j++) {
        const p = crow + (<usize>j << 2);
        store<f32>(p, load<f32>(p) + aik * load<f32>(brow + (((<usize>j) * bNs) << 2)));
      }
    }
  }
}
/** C[M,N] = alpha·A[M,K]·B[K,N] + beta·C. */
export function gemm_f32_nn(M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32): void {
  gemmCore(M, N, K, alpha, a, lda, 1, b, ldb, 1, beta, c, ldc);
}

/** C[M,N] = alpha·A[M,K]·B[N,K]ᵀ + beta·C. */
export function gemm_f32_nt(M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32): void {
  gemmCore(M, N, K, alpha, a, lda, 1, b, 1, ldb, beta, c, ldc);
}

/** C[M,N] = alpha·A[K,M]ᵀ·B[K,N] + beta·C. */
export function gemm_f32_tn(M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32): void {
  gemmCore(M, N, K, alpha, a, 1, lda, b, ldb, 1, beta, c, ldc);
}

/** Strided batch of NN products; strides in elements (0 reuses one operand for every batch). */
export function gemm_batched_f32_nn(batch: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32, beta: f32, c: usize, ldc: i32, sc: i32): void {
  for (let i = 0; i < batch; i++) {
    const o = <usize>i;
    gemmCore(M, N, K, alpha, a + ((o * <usize>sa) << 2), lda, 1, b + ((o * <usize>sb) << 2), ldb, 1, beta, c + ((o * <usize>sc) << 2), ldc);
  }
}

/** Strided batch of NT products. */
export function gemm_batched_f32_nt(batch: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32, beta: f32, c: usize, ldc: i32, sc: i32): void {
  for (let i = 0; i < batch; i++) {
    const o = <usize>i;
    gemmCore(M, N, K, alpha, a + ((o * <usize>sa) << 2), lda, 1, b + ((o * <usize>sb) << 2), 1, ldb, beta, c + ((o * <usize>sc) << 2), ldc);
  }
}

/** Strided batch of TN products. */
export function gemm_batched_f32_tn(batch: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, sa: i32, b: usize, ldb: i32, sb: i32, beta: f32, c: usize, ldc: i32, sc: i32): void {
  for (let i = 0; i < batch; i++) {
    const o = <usize>i;
    gemmCore(M, N, K, alpha, a + ((o * <usize>sa) << 2), 1, lda, b + ((o * <usize>sb) << 2), ldb, 1, beta, c + ((o * <usize>sc) << 2), ldc);
  }
}

/** End of the module's static data (the gemm panel included). TypeScript's heap starts at 65536,
 *  so this must stay <= 65536; test/kernels/gemm.test.ts checks it. */
export function gemm_static_end(): usize {
  return __heap_base;
}
