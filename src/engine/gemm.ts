// GEMM with named arguments over the six gemm kernels: one call names its operands, shapes,
// transposes, leading dimensions and batch strides instead of 11 or 15 positional numbers.
// Defaults describe contiguous row-major operands; a batch of 1 runs the plain kernel.
import type { Engine } from './engine.js';
import type { Ptr } from './abi/index.js';

/** C_i = alpha · op(A_i) · op(B_i) + beta · C_i for i < batch; C_i is [M, N]. */
export interface GemmCall {
  M: number;
  N: number;
  K: number;
  /** A_i is [M, K], or [K, M] stored when `transA`. */
  a: Ptr;
  /** B_i is [K, N], or [N, K] stored when `transB`. */
  b: Ptr;
  c: Ptr;
  transA?: boolean;
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** 0 overwrites C, 1 adds into it. Default 0. */
  beta?: number;
  /** Leading dimensions in elements; default the stored row length (contiguous). */
  lda?: number;
  ldb?: number;
  ldc?: number;
  /** Number of products (default 1) and the element strides between them (0 reuses one operand). */
  batch?: number;
  strideA?: number;
  strideB?: number;
  strideC?: number;
}

/** Run one (batched) GEMM; both operands transposed is not a kernel and throws. */
export function gemm(e: Engine, g: GemmCall): void {
  const { M, N, K, a, b, c, transA = false, transB = false, alpha = 1, beta = 0, batch = 1 } = g;
  const lda = g.lda ?? (transA ? M : K);
  const ldb = g.ldb ?? (transB ? K : N);
  const ldc = g.ldc ?? N;
  if (transA && transB) throw new Error('gemm: transposing both operands is not supported');
  const k = e.k;
  if (batch === 1) {
    const f = transA ? k.gemm_f32_tn : transB ? k.gemm_f32_nt : k.gemm_f32_nn;
    f(M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const f = transA ? k.gemm_batched_f32_tn : transB ? k.gemm_batched_f32_nt : k.gemm_batched_f32_nn;
  f(batch, M, N, K, alpha, a, lda, g.strideA ?? M * K, b, ldb, g.strideB ?? K * N, beta, c, ldc, g.strideC ?? M * N);
}
