// gemm kernels: C = alpha·op(A)·op(B) + beta·C, row-major f32, explicit leading dimensions
// (NN, NT, TN) and strided-batched variants. beta = 0 never reads C (NaN in C is ignored).
// SIMD path: B is packed panel by panel (KC x NR, contiguous, zero-padded) into a static buffer,
// then an MR x NR register tile sweeps the rows of A; the scalar build uses plain i-k-j loops.

/** Register tile: 4 rows x 8 columns = 8 v128 accumulators + 2 B vectors + 1 A splat, well
 *  inside V8's 15 usable xmm registers on x64 (a 5x8 tile measured no faster here). */
const MR = 4;
const NR = 8;
/** K block: a packed panel of KC x NR floats (8 KiB) stays in L1 while A streams past it. */
const KC = 256;

const PANEL: usize = memory.data(KC * NR * 4, 16);
const TILE: usize = memory.data(NR * 4, 16);

/** Pack B(k0..k0+kc, j0..j0+nr) as kc rows of NR floats, zero-padded past nr. */
@inline
function packPanel(b: usize, bKs: usize, bNs: usize, k0: i32, kc: i32, j0: i32, nr: i32): void {
  for (let k = 0; k < kc; k++) {
    const dst = PANEL + (<usize>(k * NR) << 2);
    const row = b + (((<usize>(k0 + k)) * bKs + (<usize>j0) * bNs) << 2);
    if (nr == NR && bNs == 1) {
      v128.store(dst, v128.load(row));
      v128.store(dst, v128.load(row, 16), 16);
    } else {
      for (let j = 0; j < NR; j++) {
        store<f32>(dst + (<usize>j << 2), j < nr ? load<f32>(row + (((<usize>j) * bNs) << 2)) : 0);
      }
    }
  }
}

/** out[0..nr) of one C row = alpha·acc (+ beta·C); full rows use vector stores. */
@inline
function writeRow(c: usize, lo: v128, hi: v128, alpha: f32, beta: f32, nr: i32): void {
  const va = f32x4.splat(alpha);
  let r0 = f32x4.mul(lo, va);
  let r1 = f32x4.mul(hi, va);
  if (nr == NR) {
    if (beta != 0) {
      const vb = f32x4.splat(beta);
      r0 = f32x4.add(r0, f32x4.mul(v128.load(c), vb));
      r1 = f32x4.add(r1, f32x4.mul(v128.load(c, 16), vb));
    }
    v128.store(c, r0);
    v128.store(c, r1, 16);
    return;
  }
  v128.store(TILE, r0);
  v128.store(TILE, r1, 16);
  for (let j = 0; j < nr; j++) {
    const p = c + (<usize>j << 2);
    const v = load<f32>(TILE + (<usize>j << 2));
    store<f32>(p, beta != 0 ? v + beta * load<f32>(p) : v);
  }
}

/** MR x NR tile over the packed panel: rows i..i+3 of A at `a` (row stride aRs, k stride aKs). */
@inline
function tile4(a: usize, aRs: usize, aKs: usize, kc: i32, alpha: f32, beta: f32, c: usize, ldc: usize, nr: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let p0 = a;
  const rs = aRs << 2;
  const ks = aKs << 2;
  let pb = PANEL;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(p0);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(p0 + rs);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(p0 + 2 * rs);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(p0 + 3 * rs);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    p0 += ks;
    pb += NR << 2;
  }
  const rc = ldc << 2;
  writeRow(c, c00, c01, alpha, beta, nr);
  writeRow(c + rc, c10, c11, alpha, beta, nr);
  writeRow(c + 2 * rc, c20, c21, alpha, beta, nr);
  writeRow(c + 3 * rc, c30, c31, alpha, beta, nr);
}

/** 1 x NR tile (row remainders). */
@inline
function tile1(a: usize, aKs: usize, kc: i32, alpha: f32, beta: f32, c: usize, nr: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let p0 = a;
  const ks = aKs << 2;
  let pb = PANEL;
  for (let k = 0; k < kc; k++) {
    const av = v128.load32_splat(p0);
    c0 = f32x4.add(c0, f32x4.mul(av, v128.load(pb)));
    c1 = f32x4.add(c1, f32x4.mul(av, v128.load(pb, 16)));
    p0 += ks;
    pb += NR << 2;
  }
  writeRow(c, c0, c1, alpha, beta, nr);
}

/**
 * NT with few rows of A (e.g. the [4,64]·[20,64]ᵀ products of attention backward): packing B
 * would cost as much as the product, so take row-by-row dot products, both rows contiguous.
 */
function ntDot(M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: usize, b: usize, ldb: usize, beta: f32, c: usize, ldc: usize): void {
  for (let i = 0; i < M; i++) {
    const ar = a + (((<usize>i) * lda) << 2);
    for (let j = 0; j < N; j++) {
      const br = b + (((<usize>j) * ldb) << 2);
      let acc0 = f32x4.splat(0);
      let acc1 = f32x4.splat(0);
      let k = 0;
      for (; k + 8 <= K; k += 8) {
        const o = <usize>k << 2;
        acc0 = f32x4.add(acc0, f32x4.mul(v128.load(ar + o), v128.load(br + o)));
        acc1 = f32x4.add(acc1, f32x4.mul(v128.load(ar + o, 16), v128.load(br + o, 16)));
      }
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2;
        acc0 = f32x4.add(acc0, f32x4.mul(v128.load(ar + o), v128.load(br + o)));
      }
      acc0 = f32x4.add(acc0, acc1);
      let s = f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) + f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3);
      for (; k < K; k++) s += load<f32>(ar + (<usize>k << 2)) * load<f32>(br + (<usize>k << 2));
      const p = c + (((<usize>i) * ldc + <usize>j) << 2);
      store<f32>(p, beta != 0 ? alpha * s + beta * load<f32>(p) : alpha * s);
    }
  }
}

/** Rows of A below which NT takes the dot-product path instead of packing B. */
const NT_DOT_ROWS = 8;

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
    if (aKs == 1 && bKs == 1 && M <= NT_DOT_ROWS) {
      ntDot(M, N, K, alpha, a, aRs, b, bNs, beta, c, ldc);
      return;
    }
    for (let j0 = 0; j0 < N; j0 += NR) {
      const nr = min(NR, N - j0);
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = min(KC, K - k0);
        packPanel(b, bKs, bNs, k0, kc, j0, nr);
        const bet: f32 = k0 == 0 ? beta : 1;
        const aK = a + (((<usize>k0) * aKs) << 2);
        let i0 = 0;
        for (; i0 + MR <= M; i0 += MR) {
          tile4(aK + (((<usize>i0) * aRs) << 2), aRs, aKs, kc, alpha, bet, c + (((<usize>i0) * ldc + <usize>j0) << 2), ldc, nr);
        }
        for (; i0 < M; i0++) {
          tile1(aK + (((<usize>i0) * aRs) << 2), aKs, kc, alpha, bet, c + (((<usize>i0) * ldc + <usize>j0) << 2), nr);
        }
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
