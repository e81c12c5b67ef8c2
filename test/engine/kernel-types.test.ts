// Typed kernels: the kernel table's call types come from the ABI signature strings, so a wrong
// argument count or a number where a pointer belongs fails `npm run typecheck` (the expected-
// error lines below stop compiling if either check is lost); the named-argument
// `gemm` wrapper matches a naive product on every backend, strided and batched layouts included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { f32Backends } from '../helpers/engines.js';
import type { Engine } from '../../src/engine/engine.js';
import { gemm, type GemmCall } from '../../src/engine/gemm.js';
import { NULL_PTR, ptrAt, type KernelArgs, type Ptr } from '../../src/engine/abi/index.js';

/** Never called: only compiled. Each marked line must be a type error. */
export function typeLevelChecks(e: Engine, x: Ptr, out: Ptr): void {
  e.k.copy_f32(x, out, 4); // 'ppi': right
  // @ts-expect-error one argument short
  e.k.copy_f32(x, out);
  // @ts-expect-error one argument too many
  e.k.copy_f32(x, out, 4, 1);
  // @ts-expect-error a plain number where the signature says pointer
  e.k.copy_f32(x, 64, 4);
  // @ts-expect-error a pointer where the signature says i32 count
  e.k.copy_f32(x, out, x);
  // @ts-expect-error 11 arguments, the batched GEMM takes 15
  e.k.gemm_batched_f32_nn(4, 4, 4, 1, x, 4, x, 4, 0, out, 4);
  // @ts-expect-error pointer arithmetic yields a number, not a Ptr (use ptrAt)
  e.k.copy_f32(x + 16, out, 4);
  e.k.copy_f32(ptrAt(x, 16), out, 4);
  // @ts-expect-error a GEMM without its output operand
  gemm(e, { M: 1, N: 1, K: 1, a: x, b: x });
  const sum: number = e.k.sum_sq_f32(x, 4); // returning kernels are typed as returning a number
  // @ts-expect-error kernels without a result return void
  const none: number = e.k.copy_f32(x, out, 4);
  void sum, none;
}

test('KernelArgs maps each signature letter to one argument', () => {
  const args: KernelArgs<'pfi'> = [NULL_PTR, 0.5, 3];
  assert.is(args.length, 3);
});

/** C_i = alpha op(A_i) op(B_i) + beta C_i in float64 over the same strided layout. */
function naive(F: ArrayLike<number>, Cin: ArrayLike<number>, g: Required<Omit<GemmCall, 'a' | 'b' | 'c'>>, a: number, b: number): number[] {
  const C = Array.from(Cin);
  for (let i = 0; i < g.batch; i++) {
    for (let m = 0; m < g.M; m++) {
      for (let n = 0; n < g.N; n++) {
        let s = 0;
        for (let k = 0; k < g.K; k++) {
          const av = F[a + i * g.strideA + (g.transA ? k * g.lda + m : m * g.lda + k)];
          const bv = F[b + i * g.strideB + (g.transB ? n * g.ldb + k : k * g.ldb + n)];
          s += av * bv;
        }
        const at = i * g.strideC + m * g.ldc + n;
        C[at] = g.alpha * s + g.beta * C[at];
      }
    }
  }
  return C;
}

const CASES: Required<Omit<GemmCall, 'a' | 'b' | 'c'>>[] = [
  { M: 3, N: 5, K: 4, transA: false, transB: false, alpha: 1, beta: 0, lda: 4, ldb: 5, ldc: 5, batch: 1, strideA: 0, strideB: 0, strideC: 0 },
  { M: 3, N: 5, K: 4, transA: false, transB: true, alpha: 0.5, beta: 1, lda: 4, ldb: 4, ldc: 5, batch: 1, strideA: 0, strideB: 0, strideC: 0 },
  { M: 3, N: 5, K: 4, transA: true, transB: false, alpha: 1, beta: 0, lda: 3, ldb: 5, ldc: 5, batch: 1, strideA: 0, strideB: 0, strideC: 0 },
  // contiguous batches, B shared (stride 0)
  { M: 2, N: 3, K: 4, transA: false, transB: false, alpha: 1, beta: 0, lda: 4, ldb: 3, ldc: 3, batch: 3, strideA: 8, strideB: 0, strideC: 6 },
  // capsule routing's interleaved layout: row stride J·D, batch stride D, output written with stride J
  { M: 4, N: 1, K: 3, transA: false, transB: true, alpha: 1, beta: 1, lda: 5 * 3, ldb: 3, ldc: 5, batch: 5, strideA: 3, strideB: 3, strideC: 1 },
  // slotSum: Σ_t c[t, j] û[t, j] as [1, T]·[T, D] per j, A read transposed with stride 1
  { M: 1, N: 3, K: 4, transA: true, transB: false, alpha: 1, beta: 0, lda: 5, ldb: 5 * 3, ldc: 3, batch: 5, strideA: 1, strideB: 3, strideC: 3 },
];

test('gemm: named arguments match a float64 product on every backend (plain, batched, strided)', async () => {
  for (const e of await f32Backends()) {
    for (const g of CASES) {
      const span = (ld: number, rows: number, stride: number) => (g.batch - 1) * stride + rows * ld + ld;
      const na = span(g.lda, g.transA ? g.K : g.M, g.strideA), nb = span(g.ldb, g.transB ? g.N : g.K, g.strideB), nc = span(g.ldc, g.M, g.strideC);
      const mark = e.heap.mark();
      const a = e.heap.scratch(na * 4), b = e.heap.scratch(nb * 4), c = e.heap.scratch(nc * 4);
      const F = e.floats;
      for (let i = 0; i < na; i++) F[(a >> 2) + i] = ((i * 7) % 11) / 8 - 0.5;
      for (let i = 0; i < nb; i++) F[(b >> 2) + i] = ((i * 5) % 13) / 8 - 0.75;
      for (let i = 0; i < nc; i++) F[(c >> 2) + i] = ((i * 3) % 7) / 4;
      const before = Array.from(F.subarray(c >> 2, (c >> 2) + nc));
      const want = naive(F, before, g, a >> 2, b >> 2);
      const call: GemmCall = { ...g, a, b, c };
      if (g.batch === 1) delete call.strideA, delete call.strideB, delete call.strideC;
      gemm(e, call);
      const got = e.floats.subarray(c >> 2, (c >> 2) + nc);
      for (let i = 0; i < nc; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-5, `${e.backend} ${JSON.stringify(g)} c[${i}] = ${got[i]}, want ${want[i]}`);
      e.heap.release(mark);
    }
  }
});

test('gemm: defaults describe contiguous operands; both transposes are refused', async () => {
  const [e] = await f32Backends();
  const mark = e.heap.mark();
  const a = e.heap.scratch(6 * 4), b = e.heap.scratch(6 * 4), c = e.heap.scratch(4 * 4);
  e.floats.set([1, 2, 3, 4, 5, 6], a >> 2); // A [2, 3]
  e.floats.set([1, 0, 0, 1, 1, 1], b >> 2); // B [3, 2]
  gemm(e, { M: 2, N: 2, K: 3, a, b, c });
  assert.equal(Array.from(e.floats.subarray(c >> 2, (c >> 2) + 4)), [4, 5, 10, 11]);
  assert.throws(() => gemm(e, { M: 2, N: 2, K: 3, a, b, c, transA: true, transB: true }), /transposing both operands/);
  e.heap.release(mark);
});

test.run();
