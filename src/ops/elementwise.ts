// Elementwise ops and their gradients: add, sub, mul, scale, addRow (bias broadcast), mulRows
// (per-row scale), relu, tanh, sigmoid, exp, log. Backward kernels take acc (0 write, 1 add).
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail, sameShape } from './check.js';
import { accumulate, passGrad, writeOrAdd } from './grad-util.js';

function binary(op: string, a: Tensor, b: Tensor): Tensor {
  checkInputs(op, a, b);
  sameShape(op, a, b);
  return empty(a.shape, 'f32', a.engine);
}

/** a + b (same shapes). */
export function add(a: Tensor, b: Tensor): Tensor {
  const out = binary('add', a, b);
  a.engine.k.add_f32(a.ptr, b.ptr, out.ptr, out.size);
  return record('add', [a, b], out, () => {
    const g = out.grad!.ptr; // [out.size]; a may take the buffer over
    if (b.requiresGrad) accumulate(b, g);
    if (a.requiresGrad) passGrad(a, out, g);
  });
}

/** a − b (same shapes). */
export function sub(a: Tensor, b: Tensor): Tensor {
  const out = binary('sub', a, b);
  const k = a.engine.k;
  k.sub_f32(a.ptr, b.ptr, out.ptr, out.size);
  return record('sub', [a, b], out, () => {
    const g = out.grad!.ptr; // [out.size]; a takes the buffer over last, once b has read it
    if (b.requiresGrad) {
      const { grad, acc } = gradSlot(b);
      if (acc) k.axpy_f32(out.size, -1, g, grad.ptr);
      else k.scale_f32(g, -1, grad.ptr, out.size);
    }
    if (a.requiresGrad) passGrad(a, out, g);
  });
}

/** a ⊙ b (same shapes). */
export function mul(a: Tensor, b: Tensor): Tensor {
  const out = binary('mul', a, b);
  const k = a.engine.k;
  k.mul_f32(a.ptr, b.ptr, out.ptr, out.size);
  return record('mul', [a, b], out, () => {
    const g = out.grad!.ptr;
    for (const [x, other] of [[a, b], [b, a]] as const) {
      if (!x.requiresGrad) continue;
      const { grad, acc } = gradSlot(x);
      if (acc) k.mul_acc_f32(g, other.ptr, grad.ptr, out.size);
      else k.mul_f32(g, other.ptr, grad.ptr, out.size);
    }
  });
}

/** s · x for a constant s. */
export function scale(x: Tensor, s: number): Tensor {
  checkInputs('scale', x);
  const out = empty(x.shape, 'f32', x.engine);
  const k = x.engine.k;
  k.scale_f32(x.ptr, s, out.ptr, out.size);
  return record('scale', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    if (acc) k.axpy_f32(out.size, s, out.grad!.ptr, grad.ptr);
    else k.scale_f32(out.grad!.ptr, s, grad.ptr, out.size);
  });
}

/** x + bias broadcast over rows: x [..., n], bias [n]. */
export function addRow(x: Tensor, bias: Tensor): Tensor {
  checkInputs('addRow', x, bias);
  const n = x.cols;
  if (bias.size !== n) fail('addRow', `bias must have ${n} elements`, x, bias);
  const out = empty(x.shape, 'f32', x.engine);
  const k = x.engine.k;
  k.add_row_f32(x.ptr, bias.ptr, out.ptr, x.rows, n);
  return record('addRow', [x, bias], out, () => {
    const g = out.grad!.ptr; // [rows, n]; x takes the buffer over last, once the bias has read it
    if (bias.requiresGrad) {
      const { grad, acc } = gradSlot(bias);
      k.sum_cols_f32(g, grad.ptr, x.rows, n, acc);
    }
    if (x.requiresGrad) passGrad(x, out, g);
  });
}

/** Row r of x scaled by s[r]: x [..., n], s with one element per row of x. */
export function mulRows(x: Tensor, s: Tensor): Tensor {
  checkInputs('mulRows', x, s);
  const n = x.cols;
  const rows = x.rows;
  if (s.size !== rows) fail('mulRows', `scale must have one element per row (${rows})`, x, s);
  const out = empty(x.shape, 'f32', x.engine);
  const k = x.engine.k;
  k.mul_rows_scalar_f32(x.ptr, s.ptr, out.ptr, rows, n);
  return record('mulRows', [x, s], out, () => {
    const g = out.grad!.ptr;
    if (x.requiresGrad) writeOrAdd(x, (dst) => k.mul_rows_scalar_f32(g, s.ptr, dst, rows, n));
    if (s.requiresGrad) writeOrAdd(s, (dst) => k.dot_rows_f32(g, x.ptr, dst, rows, n));
  });
}

type Unary = 'relu' | 'tanh' | 'sigmoid';

function activation(op: Unary, x: Tensor): Tensor {
  checkInputs(op, x);
  const out = empty(x.shape, 'f32', x.engine);
  const k = x.engine.k;
  const n = out.size;
  k[`${op}_f32`](x.ptr, out.ptr, n);
  return record(op, [x], out, () => {
    const { grad, acc } = gradSlot(x);
    // relu's derivative needs the input; tanh and sigmoid are cheapest from their output.
    const saved = op === 'relu' ? x.ptr : out.ptr;
    k[`${op}_bwd_f32`](saved, out.grad!.ptr, grad.ptr, n, acc);
  });
}

/** max(x, 0). */
export const relu = (x: Tensor) => activation('relu', x);
/** tanh(x). */
export const tanh = (x: Tensor) => activation('tanh', x);
/** σ(x) = 1 / (1 + e^−x). */
export const sigmoid = (x: Tensor) => activation('sigmoid', x);

/** e^x; gradient g ⊙ e^x. */
export function exp(x: Tensor): Tensor {
  checkInputs('exp', x);
  const out = empty(x.shape, 'f32', x.engine);
  const k = x.engine.k;
  k.exp_f32(x.ptr, out.ptr, out.size);
  return record('exp', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    if (acc) k.mul_acc_f32(out.grad!.ptr, out.ptr, grad.ptr, out.size);
    else k.mul_f32(out.grad!.ptr, out.ptr, grad.ptr, out.size);
  });
}

/** ln x; gradient g / x (computed in TS: not on any hot path). */
export function log(x: Tensor): Tensor {
  checkInputs('log', x);
  const out = empty(x.shape, 'f32', x.engine);
  x.engine.k.log_f32(x.ptr, out.ptr, out.size);
  return record('log', [x], out, () => {
    writeOrAdd(x, (dst) => {
      const F = x.engine.floats;
      const [d, g, xi] = [dst >>> 2, out.grad!.ptr >>> 2, x.ptr >>> 2];
      for (let i = 0; i < out.size; i++) F[d + i] = F[g + i] / F[xi + i];
    });
  });
}

