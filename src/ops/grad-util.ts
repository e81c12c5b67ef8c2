// Small helpers for backward closures: add a computed gradient into an input's slot whether or not
// the kernel at hand has an accumulate flag.
import type { Tensor } from '../tensor.js';
import { empty } from '../tensor.js';
import { gradSlot, takeGrad } from '../autograd/tape.js';
import type { Ptr } from '../engine/abi/index.js';

/** grad(t) (+)= the `t.size` floats at `src`. */
export function accumulate(t: Tensor, src: Ptr): void {
  const { grad, acc } = gradSlot(t);
  const k = t.engine.k;
  if (acc) k.add_f32(grad.ptr, src, grad.ptr, t.size);
  else k.copy_f32(src, grad.ptr, t.size);
}

/**
 * grad(t) (+)= grad(out) for an input whose gradient is the output's unchanged: takes over out's
 * buffer when it can (autograd/tape.ts takeGrad), else copies or adds. `src` is out's gradient,
 * read by the caller before (out gives its buffer up).
 */
export function passGrad(t: Tensor, out: Tensor, src: Ptr): void {
  if (!takeGrad(t, out)) accumulate(t, src);
}

/**
 * For kernels without an accumulate flag: `write(dst)` writes a gradient for `t` at dst; on the
 * first write it targets the slot directly, later it goes through a scratch buffer and an add.
 */
export function writeOrAdd(t: Tensor, write: (dst: Ptr) => void): void {
  const { grad, acc } = gradSlot(t);
  if (!acc) return write(grad.ptr);
  const tmp = empty(t.shape, 'f32', t.engine);
  write(tmp.ptr);
  t.engine.k.add_f32(grad.ptr, tmp.ptr, grad.ptr, t.size);
}

/** The scalar value of a one-element gradient (reads linear memory). */
export function scalarGrad(out: Tensor): number {
  return out.engine.floats[out.grad!.ptr >>> 2];
}
