// Optimizer state kept as float16 for row-sparse tables (`sparseState: 'f16'`): each moment is an
// i32 pool block packing two f16 values per element (the kernels address halves), plus one f32
// power-of-two scale per row and moment. Checkpoints store the halves as safetensors F16.
import { Tensor, poolTensor } from '../tensor.js';
import type { Engine } from '../engine/engine.js';

/** Where the optimizer keeps its moments: float32 everywhere, or float16 for row-sparse tables. */
export type StateDtype = 'f32' | 'f16';

/** One checkpointed state tensor. */
export interface StateEntry {
  name: string;
  tensor: Tensor;
  /** Set when `tensor` packs f16 values: their logical shape [rows, d]. */
  halves?: readonly number[];
  /** Set on the f32 power-of-two row scales of f16 state (checked on load). */
  rowScales?: boolean;
}

/** Zeroed f16 storage for `rows × d` values: an i32 pool tensor of ceil(rows·d/2) elements. */
export function halfTable(rows: number, d: number, e: Engine): Tensor {
  const n = Math.max(1, Math.ceil((rows * d) / 2));
  const t = new Tensor(e, e.heap.alloc(n * 4), [n], 'i32', 'pool');
  t.ids.fill(0); // the int view: on the float64 oracle the float heap is a separate array
  return t;
}

/** The f16 bytes of a half table (rows·d·2 of them), for a checkpoint. */
export function halfBytes(t: Tensor, shape: readonly number[]): Uint8Array {
  const ids = t.ids;
  return new Uint8Array(ids.buffer, ids.byteOffset, shape.reduce((a, b) => a * b, 1) * 2);
}

/** Check the `sparseState` option of an optimizer config (plain-JavaScript callers included). */
export function checkStateDtype(who: string, v: unknown): StateDtype {
  if (v === undefined || v === 'f32' || v === 'f16') return (v ?? 'f32') as StateDtype;
  throw new Error(`${who}: sparseState ${JSON.stringify(v)}; expected 'f32' or 'f16'`);
}

/** Whether `p` keeps f16 state under `dtype`: only row-sparse [N, D] tables do. */
export function halfStated(p: Tensor, dtype: StateDtype): boolean {
  return dtype === 'f16' && p.sparseGrad && p.rank === 2;
}

/** A pool tensor of f32 row scales [rows, k], all 1 (any scale reads zero halves as zero). */
export function rowScales(rows: number, k: number, e: Engine): Tensor {
  const s = poolTensor([rows, k], undefined, e);
  e.k.fill_f32(s.ptr, 1, s.size);
  return s;
}
