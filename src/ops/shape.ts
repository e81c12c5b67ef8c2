// Shape ops that copy: concatenation and slicing along the last axis, and the last-two-axes
// transpose. Copies go through typed-array views (memmove speed on every backend).
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail } from './check.js';

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
  const out = empty([...lead, total], 'f32', e);
  const F = e.floats;
  let off = 0;
  xs.forEach((x, i) => {
    copyBlock(F, x.ptr >>> 2, widths[i], out.ptr >>> 2, total, off, rows, widths[i]);
    off += widths[i];
  });
  return record('concat', xs, out, () => {
    let at = 0;
    xs.forEach((x, i) => {
      const w = widths[i];
      if (x.requiresGrad) {
        const { grad, acc } = gradSlot(x);
        const G = e.floats;
        const g = out.grad!.ptr >>> 2;
        const d = grad.ptr >>> 2;
        for (let r = 0; r < rows; r++) {
          const src = g + r * total + at;
          const dst = d + r * w;
          if (acc) for (let j = 0; j < w; j++) G[dst + j] += G[src + j];
          else G.copyWithin(dst, src, src + w);
        }
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
  const out = empty([...x.shape.slice(0, -1), width], 'f32', e);
  const F = e.floats;
  for (let r = 0; r < rows; r++) F.copyWithin((out.ptr >>> 2) + r * width, (x.ptr >>> 2) + r * n + start, (x.ptr >>> 2) + r * n + start + width);
  return record('sliceLast', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    const G = e.floats;
    const d = grad.ptr >>> 2;
    const g = out.grad!.ptr >>> 2;
    if (!acc) G.fill(0, d, d + x.size);
    for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) G[d + r * n + start + j] += G[g + r * width + j];
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
  transposeInto(e.floats, x.ptr >>> 2, out.ptr >>> 2, batch, R, C, false);
  return record('transpose', [x], out, () => {
    const { grad, acc } = gradSlot(x);
    transposeInto(e.floats, out.grad!.ptr >>> 2, grad.ptr >>> 2, batch, C, R, acc === 1);
  });
}

function transposeInto(F: Float32Array | Float64Array, src: number, dst: number, batch: number, R: number, C: number, acc: boolean): void {
  for (let b = 0; b < batch; b++) {
    const s = src + b * R * C;
    const d = dst + b * R * C;
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        if (acc) F[d + j * R + i] += F[s + i * C + j];
        else F[d + j * R + i] = F[s + i * C + j];
      }
    }
  }
}

function copyBlock(F: Float32Array | Float64Array, src: number, srcLd: number, dst: number, dstLd: number, dstOff: number, rows: number, w: number): void {
  for (let r = 0; r < rows; r++) F.copyWithin(dst + r * dstLd + dstOff, src + r * srcLd, src + r * srcLd + w);
}
