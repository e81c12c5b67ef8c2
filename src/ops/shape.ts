// Shape ops that copy: concatenation and slicing along the last axis, and the last-two-axes
// transpose. The copies are kernels (copy_rows_f32, transpose_f32: wasm, split between threads by
// rows or blocks), not loops on the calling thread; each element is copied or added once, so the
// bits are those of the plain loops.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail } from './check.js';
import { asPtr } from '../engine/abi/index.js';

/** Concatenate along the last axis: every input [..., n_i] with equal leading shape → [..., Σ n_i]. */
export function concat(xs: Tensor[]): Tensor {
  if (!xs.length) throw new Error('concat: no tensors');
  checkInputs('concat', ...xs);
  const rows = xs[0].rows;
  const lead = xs[0].shape.slice(0, -1);
  for (const x of xs) if (x.rows !== rows || x.rank !== xs[0].rank) fail('concat', 'leading shapes differ', ...xs);
  const widths = xs.map((x) => x.cols);
  const total = widths.reduce((a, b) => a + b, 0);
  const e = xs[0].engine;
  const out = empty([...lead, total], 'f32', e); // [..., Σ n_i]
  let off = 0;
  xs.forEach((x, i) => {
    e.k.copy_rows_f32(x.ptr, widths[i], asPtr(out.ptr + 4 * off), total, rows, widths[i], 0);
    off += widths[i];
  });
  return record('concat', xs, out, () => {
    let at = 0;
    xs.forEach((x, i) => {
      const w = widths[i];
      if (x.requiresGrad) {
        const { grad, acc } = gradSlot(x);
        e.k.copy_rows_f32(asPtr(out.grad!.ptr + 4 * at), total, grad.ptr, w, rows, w, acc);
      }
      at += w;
    });
  });
}

/** Columns [start, start + width) of the last axis. */
export function sliceLast(x: Tensor, start: number, width: number): Tensor {
  checkInputs('sliceLast', x);
  const n = x.cols;
  if (start < 0 || width < 0 || start + width > n) fail('sliceLast', `columns [${start}, ${start + width}) out of range ${n}`, x);
  const rows = x.rows;
  const e = x.engine;
  const out = empty([...x.shape.slice(0, -1), width], 'f32', e); // [..., width]
  e.k.copy_rows_f32(asPtr(x.ptr + 4 * start), n, out.ptr, width, rows, width, 0);
  return record('sliceLast', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    // Zero then add (not copy) on the first write: 0 + (−0) is +0, as the gradient always was.
    if (!acc) e.k.fill_f32(grad.ptr, 0, x.size);
    e.k.copy_rows_f32(out.grad!.ptr, width, asPtr(grad.ptr + 4 * start), n, rows, width, 1);
  });
}

/** Swap the last two axes: [..., R, C] → [..., C, R]. */
export function transpose(x: Tensor): Tensor {
  checkInputs('transpose', x);
  if (x.rank < 2) fail('transpose', 'needs at least 2 axes', x);
  const R = x.shape[x.rank - 2];
  const C = x.shape[x.rank - 1];
  const batch = x.size / Math.max(1, R * C);
  const e = x.engine;
  const out = empty([...x.shape.slice(0, -2), C, R], 'f32', e);
  e.k.transpose_f32(x.ptr, out.ptr, batch, R, C, 0);
  return record('transpose', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    e.k.transpose_f32(out.grad!.ptr, grad.ptr, batch, C, R, acc);
  });
}
