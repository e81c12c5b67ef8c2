// scatterRows: place the rows of a compact tensor at given row positions of a zero-filled padded
// layout (the inverse of gathering the valid rows). ComiRec-SA and SINE run their per-slot MLPs
// on the valid history slots only (padding is about half of a typical batch) and scatter the
// results back to [B, T, ·] for the masked softmax over the window.
import { Tensor, empty } from '../tensor.js';
import { record } from '../autograd/tape.js';
import { writeOrAdd } from './grad-util.js';
import { checkIds, checkInputs, fail } from './check.js';

/**
 * x [n, C], rows (i32 [n], distinct, in [0, R)) → out of `shape` (last axis C, R rows in all)
 * with out[rows[i]] = x[i] and zeros elsewhere. Gradient: dx[i] = dout[rows[i]].
 */
export function scatterRows(x: Tensor, rows: Tensor, shape: readonly number[]): Tensor {
  checkInputs('scatterRows', x);
  if (x.rank !== 2) fail('scatterRows', 'x must be 2-D [n, C]', x, rows);
  const [n, C] = x.shape;
  if (shape[shape.length - 1] !== C) fail('scatterRows', `output shape [${shape.join(',')}] must end in ${C}`, x, rows);
  const R = shape.slice(0, -1).reduce((p, s) => p * s, 1);
  if (rows.size !== n) fail('scatterRows', `${rows.size} row positions for ${n} rows`, x, rows);
  checkIds('scatterRows', rows, R, x);
  const seen = new Uint8Array(R);
  const ids = rows.ids;
  for (let i = 0; i < n; i++) {
    if (seen[ids[i]]) fail('scatterRows', `row position ${ids[i]} appears twice`, x, rows);
    seen[ids[i]] = 1;
  }
  const e = x.engine;
  const out = empty(shape, 'f32', e);
  e.k.fill_f32(out.ptr, 0, out.size); // a kernel: split between threads like the rest
  // Positions are distinct, so the scatter-add kernel is a scatter-copy into the zeros.
  if (n > 0 && C > 0) e.k.scatter_add_rows_f32(x.ptr, rows.ptr, out.ptr, R, n, C);
  return record('scatterRows', [x], out, () => {
    writeOrAdd(x, (dst) => {
      if (n > 0 && C > 0) e.k.gather_rows_f32(out.grad!.ptr, R, rows.ptr, dst, n, C);
    });
  });
}
