// Capsule squash over the last axis (docs/model-guide.md#squash): f(n)·s with n = ‖s‖², norm < 1, direction
// kept; squash(0) = 0 with zero gradient.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs } from './check.js';

/** squash(s) row-wise over the last axis. */
export function squash(s: Tensor): Tensor {
  checkInputs('squash', s);
  const e = s.engine;
  const out = empty(s.shape, 'f32', e);
  const rows = s.rows;
  const d = s.cols;
  e.k.squash_f32(s.ptr, out.ptr, rows, d);
  return record('squash', [s], out, () => {
    const { grad, acc } = gradSlot(s);
    e.k.squash_bwd_f32(s.ptr, out.grad!.ptr, grad.ptr, rows, d, acc);
  });
}
