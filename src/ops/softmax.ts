// Softmax over the last axis (optionally masked: masked entries get weight exactly 0 and a fully
// masked row gives zeros, never NaN), log-softmax, and their gradients.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail, sameShape } from './check.js';

/** softmax over the last axis; `mask` (same shape, 1 keep / 0 drop) excludes entries. */
export function softmax(x: Tensor, mask?: Tensor): Tensor {
  checkInputs('softmax', x, ...(mask ? [mask] : []));
  if (mask) sameShape('softmax', x, mask);
  if (mask?.requiresGrad) fail('softmax', 'the mask must not require a gradient', x, mask);
  const e = x.engine;
  const out = empty(x.shape, 'f32', e);
  const rows = x.rows;
  const n = x.cols;
  if (mask) e.k.softmax_rows_masked_f32(x.ptr, mask.ptr, out.ptr, rows, n);
  else e.k.softmax_rows_f32(x.ptr, out.ptr, rows, n);
  return record('softmax', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    // dx = p ⊙ (g − ⟨p, g⟩); masked entries have p = 0, hence dx = 0.
    e.k.softmax_rows_bwd_f32(out.ptr, out.grad!.ptr, grad.ptr, rows, n, acc);
  });
}

/** log softmax over the last axis. */
export function logSoftmax(x: Tensor): Tensor {
  checkInputs('logSoftmax', x);
  const e = x.engine;
  const out = empty(x.shape, 'f32', e);
  const rows = x.rows;
  const n = x.cols;
  e.k.log_softmax_rows_f32(x.ptr, out.ptr, rows, n);
  return record('logSoftmax', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    e.k.log_softmax_rows_bwd_f32(out.ptr, out.grad!.ptr, grad.ptr, rows, n, acc);
  });
}
