// Input checks shared by the ops: shape agreement with messages that name the op and the shapes,
// and (debug level >= 1) a NaN/Inf scan of every float input.
import type { Tensor } from '../tensor.js';

const fmt = (t: Tensor) => `${t.name || ''}[${t.shape.join(',')}]`;

/** Throw `op: message: a[..] x b[..]` naming every tensor involved. */
export function fail(op: string, message: string, ...ts: Tensor[]): never {
  throw new Error(`${op}: ${message}: ${ts.map(fmt).join(' x ')}`);
}

/** Every tensor must be f32 and live on the same engine; in debug mode also finite. */
export function checkInputs(op: string, ...ts: Tensor[]): void {
  const e = ts[0].engine;
  for (const t of ts) {
    if (t.engine !== e) fail(op, 'tensors belong to different engines', ...ts);
    if (t.dtype !== 'f32') fail(op, `${fmt(t)} is ${t.dtype}, expected f32`, ...ts);
  }
  if (e.debug > 0) for (const t of ts) checkFinite(op, t, ts);
}

/** Debug scan: the first NaN or Inf of `t`, reported with the op and all its operand shapes. */
export function checkFinite(op: string, t: Tensor, all: Tensor[] = [t]): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) fail(op, `input ${fmt(t)} holds ${d[i]} at flat index ${i}`, ...all);
  }
}

/** `a` and `b` must have identical shapes. */
export function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.rank !== b.rank || a.shape.some((s, i) => s !== b.shape[i])) fail(op, 'shapes differ', a, b);
}

/** i32 ids must lie in [0, rows). */
export function checkIds(op: string, ids: Tensor, rows: number, table: Tensor): void {
  if (ids.dtype !== 'i32') fail(op, `ids ${fmt(ids)} must be i32`, ids, table);
  const v = ids.ids;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] >= rows || !Number.isInteger(v[i])) {
      fail(op, `id ${v[i]} at position ${i} is out of range [0, ${rows})`, ids, table);
    }
  }
}
