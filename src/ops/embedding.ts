// Embedding lookups: gather rows of a table by i32 ids. Tables marked `sparseGrad` receive their
// gradient as (ids, rows) pieces for the row-sparse optimizers; other tables get a dense
// scatter-add (duplicates accumulate).
import { Tensor, empty } from '../tensor.js';
import { addSparseGrad, gradSlot, record } from '../autograd/tape.js';
import { checkIds, checkInputs, fail } from './check.js';

/** table [N, D], ids [...] (i32) → [..., D]. Ids are range-checked. */
export function gather(table: Tensor, ids: Tensor): Tensor {
  checkInputs('gather', table);
  if (table.rank !== 2) fail('gather', 'table must be 2-D', table, ids);
  const [N, D] = table.shape;
  checkIds('gather', ids, N, table);
  const e = table.engine;
  const count = ids.size;
  const out = empty([...ids.shape, D], 'f32', e);
  e.k.gather_rows_f32(table.ptr, N, ids.ptr, out.ptr, count, D);
  return record('gather', [table], out, () => {
    if (table.sparseGrad) {
      addSparseGrad(table, ids, new Tensor(e, out.grad!.ptr, [count, D], 'f32', 'arena', out.grad!.stamp));
      return;
    }
    const { grad, acc } = gradSlot(table);
    if (!acc) e.k.fill_f32(grad.ptr, 0, grad.size);
    e.k.scatter_add_rows_f32(out.grad!.ptr, ids.ptr, grad.ptr, N, count, D);
  });
}
