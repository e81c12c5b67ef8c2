// GEMM kernels (NN, NT, TN, strided-batched) against the float64 oracle on every float32 backend:
// tail shapes, odd leading dimensions, alpha/beta (beta 0 ignores NaN in C), K blocking, the
// in-place (few rows) and packed paths, and the static pack buffer staying below the heap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkKernel, randomFloats } from '../helpers/kernel-check.js';
import { f32Backends } from '../helpers/engines.js';

const DIMS = [0, 1, 3, 4, 5, 17, 67];

function gemmCase(kind: 'nn' | 'nt' | 'tn', M: number, N: number, K: number, alpha: number, beta: number, pad = 0, nanC = false) {
  const [ar, ac] = kind === 'tn' ? [K, M] : [M, K];
  const [br, bc] = kind === 'nt' ? [N, K] : [K, N];
  const lda = ac + pad;
  const ldb = bc + pad;
  const ldc = N + pad;
  const c = randomFloats(Math.max(1, M) * ldc, 3);
  if (nanC) c.fill(NaN);
  return checkKernel(`gemm_f32_${kind}`, {
    floats: { a: randomFloats(Math.max(1, ar) * lda, 1), b: randomFloats(Math.max(1, br) * ldb, 2), c },
    args: (p) => [M, N, K, alpha, p.a, lda, p.b, ldb, beta, p.c, ldc],
    tol: 1e-4,
  });
}

test('nn / nt / tn on tail shapes', async () => {
  for (const kind of ['nn', 'nt', 'tn'] as const) {
    for (const M of DIMS) for (const N of [0, 1, 5, 8, 17]) for (const K of [0, 1, 4, 67]) await gemmCase(kind, M, N, K, 1, 0);
    for (const N of DIMS) await gemmCase(kind, 5, N, 3, 1, 0);
  }
});

test('alpha and beta, odd leading dimensions, beta 0 ignores NaN in C', async () => {
  for (const kind of ['nn', 'nt', 'tn'] as const) {
    await gemmCase(kind, 5, 9, 7, 0.5, 1, 3);
    await gemmCase(kind, 6, 11, 5, -2, 0.25, 1);
    const run = await gemmCase(kind, 3, 4, 2, 1, 0, 0, true);
    assert.ok(run.floats.c.slice(0, 4).every(Number.isFinite), 'NaN in C leaked through beta = 0');
  }
});

test('large and K-blocked shapes exercise the packed tiles', async () => {
  for (const kind of ['nn', 'nt', 'tn'] as const) {
    await gemmCase(kind, 130, 97, 70, 1, 0);
    await gemmCase(kind, 33, 19, 600, 1, 1);
    await gemmCase(kind, 256, 256, 256, 1, 0);
    await gemmCase(kind, 67, 37, 259, 0.5, 1, 5);
  }
});

test('few rows of A: B panels read in place, edge panels and K > KC packed', async () => {
  for (const kind of ['nn', 'nt', 'tn'] as const) {
    for (const M of [1, 3, 4, 5, 8, 9]) {
      await gemmCase(kind, M, 21, 300, 1, 0, 3);
      await gemmCase(kind, M, 16, 5, -1, 0.5);
      await gemmCase(kind, M, 4, 17, 1, 1, 1);
    }
  }
});

test('the static pack buffer ends below the TypeScript heap (64 KiB)', async () => {
  for (const e of await f32Backends()) {
    if (!e.exports) continue;
    const end = (e.exports.gemm_static_end as () => number)();
    assert.ok(end > 0 && end <= 65536, `${e.backend}: static data ends at ${end}`);
  }
});

test('strided-batched products, including a shared operand (stride 0)', async () => {
  for (const kind of ['nn', 'nt', 'tn'] as const) {
    for (const batch of [0, 1, 3]) {
      const [M, N, K] = [4, 6, 5];
      await checkKernel(`gemm_batched_f32_${kind}`, {
        floats: { a: randomFloats(Math.max(1, batch) * M * K, 4), b: randomFloats(Math.max(1, batch) * K * N, 5), c: new Float64Array(Math.max(1, batch) * M * N) },
        args: (p) => [batch, M, N, K, 1, p.a, kind === 'tn' ? M : K, M * K, p.b, kind === 'nt' ? K : N, K * N, 0, p.c, N, M * N],
        tol: 1e-4,
      });
    }
    // The model shape [B, 4, 20] x [B, 20, 64] (B = 3 here), with beta 1 accumulation.
    await checkKernel(`gemm_batched_f32_${kind}`, {
      floats: { a: randomFloats(3 * 80, 8), b: randomFloats(3 * 1280, 9), c: randomFloats(3 * 256, 10) },
      args: (p) => [3, 4, 64, 20, 1, p.a, kind === 'tn' ? 4 : 20, 80, p.b, kind === 'nt' ? 20 : 64, 1280, 1, p.c, 64, 256],
      tol: 1e-4,
    });
    await checkKernel(`gemm_batched_f32_${kind}`, {
      floats: { a: randomFloats(3 * 20, 6), b: randomFloats(20 * 7, 7), c: new Float64Array(3 * 4 * 7) },
      args: (p) => [3, 4, 7, 5, 1, p.a, kind === 'tn' ? 4 : 5, 20, p.b, kind === 'nt' ? 5 : 7, 0, 0, p.c, 7, 28],
      tol: 1e-4,
    });
  }
});

test.run();
