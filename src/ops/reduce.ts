// Reductions and their gradients: sum and mean to a scalar, row-wise inner products.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, sameShape } from './check.js';
import { scalarGrad, writeOrAdd } from './grad-util.js';

function total(op: 'sum' | 'mean', x: Tensor): Tensor {
  checkInputs(op, x);
  const e = x.engine;
  const out = empty([1], 'f32', e);
  const n = x.size;
  e.k.sum_rows_f32(x.ptr, out.ptr, 1, n);
  const factor = op === 'mean' ? 1 / Math.max(1, n) : 1;
  if (op === 'mean') e.floats[out.ptr >>> 2] *= factor;
  return record(op, [x], out, () => {
    const g = scalarGrad(out) * factor;
    const { grad, acc } = gradSlot(x);
    if (acc) e.k.add_scalar_f32(grad.ptr, g, grad.ptr, n);
    else e.k.fill_f32(grad.ptr, g, n);
  });
}

/** Σ x over every element → [1]. */
export const sum = (x: Tensor) => total('sum', x);
/** Mean over every element → [1]. */
export const mean = (x: Tensor) => total('mean', x);

/** Row-wise inner products: a, b [..., n] → [...] (one value per row). */
export function dotRows(a: Tensor, b: Tensor): Tensor {
  checkInputs('dotRows', a, b);
  sameShape('dotRows', a, b);
  const rows = a.rows;
  const n = a.cols;
  const e = a.engine;
  const out = empty(a.shape.slice(0, -1).length ? a.shape.slice(0, -1) : [1], 'f32', e);
  e.k.dot_rows_f32(a.ptr, b.ptr, out.ptr, rows, n);
  return record('dotRows', [a, b], out, () => {
    const g = out.grad!.ptr;
    if (a.requiresGrad) writeOrAdd(a, (dst) => e.k.mul_rows_scalar_f32(b.ptr, g, dst, rows, n));
    if (b.requiresGrad) writeOrAdd(b, (dst) => e.k.mul_rows_scalar_f32(a.ptr, g, dst, rows, n));
  });
}
