// Matrix products and their gradients: matmul (2-D, optional transposes), bmm (batched 3-D) and
// linear (x W + b over the last axis). Every backward is itself a GEMM with beta = acc, so
// gradients accumulate without extra passes.
import { gemm } from '../engine/gemm.js';
import { Tensor, empty, viewAs } from '../tensor.js';
import { gradSlot, needsGrad, record } from '../autograd/tape.js';
import { checkInputs, fail } from './check.js';
import { addRow } from './elementwise.js';

/** C = op(A) op(B) for 2-D tensors. a [M,K] (or [K,M] with transA), b [K,N] (or [N,K] with transB). */
export function matmul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  checkInputs('matmul', a, b);
  if (a.rank !== 2 || b.rank !== 2) fail('matmul', 'operands must be 2-D', a, b);
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [K2, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== K2) fail('matmul', `inner dims differ (${K} vs ${K2})`, a, b);
  return product('matmul', a, b, transA, transB, 1, M, N, K, [M, N]);
}

/** Batched product: a [B,M,K] (or [B,K,M]), b [B,K,N] (or [B,N,K]); b may be 2-D (shared). */
export function bmm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  checkInputs('bmm', a, b);
  if (a.rank !== 3 || (b.rank !== 3 && b.rank !== 2)) fail('bmm', 'expected a 3-D and a 3-D or 2-D operand', a, b);
  const B = a.shape[0];
  const bs = b.rank === 3 ? b.shape.slice(1) : b.shape;
  if (b.rank === 3 && b.shape[0] !== B) fail('bmm', `batch sizes differ (${B} vs ${b.shape[0]})`, a, b);
  const [M, K] = transA ? [a.shape[2], a.shape[1]] : [a.shape[1], a.shape[2]];
  const [K2, N] = transB ? [bs[1], bs[0]] : [bs[0], bs[1]];
  if (K !== K2) fail('bmm', `inner dims differ (${K} vs ${K2})`, a, b);
  // A shared right operand folds the batch into rows: one plain GEMM instead of B small ones.
  if (b.rank === 2 && !transA) return reshape(matmul(reshape(a, [B * M, K]), b, false, transB), [B, M, N]);
  return product('bmm', a, b, transA, transB, B, M, N, K, [B, M, N]);
}

function product(
  op: string, a: Tensor, b: Tensor, ta: boolean, tb: boolean,
  B: number, M: number, N: number, K: number, shape: number[],
): Tensor {
  const e = a.engine;
  const out = empty(shape, 'f32', e);
  const sa = M * K;
  const sb = b.rank === 3 ? K * N : 0;
  if (M * N * B > 0) {
    if (K === 0) e.heap.zero(out.ptr, out.size);
    else gemm(e, { batch: B, M, N, K, a: a.ptr, strideA: sa, transA: ta, b: b.ptr, strideB: sb, transB: tb, c: out.ptr });
  }
  if (!needsGrad(a, b)) return out;
  return record(op, [a, b], out, () => {
    const g = out.grad!.ptr; // [B, M, N]
    if (a.requiresGrad) {
      const { grad, acc } = gradSlot(a);
      if (K === 0 || M === 0) {
        /* nothing flows */
      } else if (N === 0) {
        if (!acc) e.heap.zero(grad.ptr, grad.size);
      }
      // dA = dC op(B)^T            (stored [M,K]);  with ta: dA^T = op(B) dC^T (stored [K,M])
      else if (!ta) gemm(e, { batch: B, M, N: K, K: N, a: g, strideA: M * N, b: b.ptr, strideB: sb, transB: !tb, beta: acc, c: grad.ptr });
      else gemm(e, { batch: B, M: K, N: M, K: N, a: b.ptr, strideA: sb, transA: tb, b: g, strideB: M * N, transB: true, beta: acc, c: grad.ptr });
    }
    if (b.requiresGrad) {
      const { grad, acc } = gradSlot(b);
      if (K === 0 || N === 0) {
        /* nothing flows */
      } else if (M === 0) {
        if (!acc) e.heap.zero(grad.ptr, grad.size);
      } else if (sb === 0 && B > 1) {
        // Shared 2-D operand: fold the batch into rows, then one GEMM sums over it.
        if (!ta && !tb) gemm(e, { M: K, N, K: M * B, a: a.ptr, transA: true, b: g, beta: acc, c: grad.ptr });
        else if (!ta && tb) gemm(e, { M: N, N: K, K: M * B, a: g, transA: true, b: a.ptr, beta: acc, c: grad.ptr });
        else fail(op, 'gradient of a shared operand with transA is not supported', a, b);
      }
      // dB = op(A)^T dC (stored [K,N]);  with tb: dB^T = dC^T op(A) (stored [N,K])
      else if (!tb) gemm(e, { batch: B, M: K, N, K: M, a: a.ptr, strideA: sa, transA: !ta, b: g, strideB: M * N, beta: acc, c: grad.ptr });
      else gemm(e, { batch: B, M: N, N: K, K: M, a: g, strideA: M * N, transA: true, b: a.ptr, strideB: sa, transB: ta, beta: acc, c: grad.ptr });
    }
  });
}

/** y = x W (+ bias) over the last axis: x [..., I], W [I, O], bias [O] → [..., O]. */
export function linear(x: Tensor, w: Tensor, bias?: Tensor): Tensor {
  const I = x.cols;
  if (w.rank !== 2 || w.shape[0] !== I) fail('linear', `weight must be [${I}, out]`, x, w);
  const flat = x.rank === 2 ? x : reshape(x, [x.rows, I]);
  let y = matmul(flat, w);
  if (bias) y = addRow(y, bias);
  return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), w.shape[1]]);
}

/** Same values under another shape of equal size; the gradient flows back unchanged. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (x.size !== shape.reduce((p, s) => p * s, 1)) fail('reshape', `cannot view as [${shape.join(',')}]`, x);
  if (!needsGrad(x)) return viewAs(x, shape);
  // A view shares memory but not the gradient buffer: copy (or add) the gradient back.
  const out = new Tensor(x.engine, x.ptr, shape, x.dtype, 'arena', x.stamp);
  return record('reshape', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    const e = x.engine;
    if (acc) e.k.add_f32(grad.ptr, out.grad!.ptr, grad.ptr, x.size);
    else e.k.copy_f32(out.grad!.ptr, grad.ptr, x.size);
  });
}
