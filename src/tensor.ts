// Tensor: a shape and a dtype over a block of an engine's linear memory. Parameters live in the
// pool (freed explicitly with the model); everything else lives in the step arena and is gone at
// the next reset. `data` is a fresh view each time: never keep it across an allocation.
import type { Engine } from './engine/engine.js';
import type { Ptr } from './engine/abi/types.js';
import { engine as currentEngine } from './engine/current.js';

export type DType = 'f32' | 'i32';
export type Lifetime = 'pool' | 'arena';

/** One contribution to a row-sparse gradient: `rows[r]` is the gradient of table row `ids[r]`. */
export interface SparseGrad {
  ids: Tensor; // [count] i32
  rows: Tensor; // [count, D] f32
}

export class Tensor {
  /** Dense gradient (same shape), written by backward. */
  grad: Tensor | null = null;
  /** Row-sparse gradient pieces (embedding tables marked `sparseGrad`). */
  sparse: SparseGrad[] | null = null;
  /** Tape step at which `grad` was last written (first write overwrites, later ones add). */
  gradStep = -1;
  /** Whether backward should compute a gradient for this tensor. */
  requiresGrad = false;
  /** For tables: gradients arrive as row lists instead of a dense [N, D] buffer. */
  sparseGrad = false;
  /** Optional label shown by toString and in error messages. */
  name = '';
  /** Arena tensors: the arena epoch and block they were made in (null for pool tensors). */
  readonly stamp: { readonly epoch: number; readonly seq: number } | null;

  constructor(
    readonly engine: Engine,
    readonly ptr: Ptr,
    readonly shape: readonly number[],
    readonly dtype: DType = 'f32',
    readonly lifetime: Lifetime = 'arena',
    stamp?: { epoch: number; seq: number } | null,
  ) {
    this.stamp = lifetime === 'arena' ? (stamp ?? engine.heap.arenaStamp()) : null;
  }

  /** Throws if the arena block under this tensor was reset or released since it was made. */
  checkLive(): void {
    if (this.stamp && !this.engine.heap.isLive(this.stamp)) {
      throw new Error(`tensor ${this.describe()}: stale read: it lived in the step arena (epoch ${this.stamp.epoch}) and its step has ended (now epoch ${this.engine.heap.epoch}); read its values inside engine.step(), or copy them out (Float32Array.from(t.data)) before the step ends`);
    }
  }

  get size(): number {
    let n = 1;
    for (const s of this.shape) n *= s;
    return n;
  }
  get rank(): number {
    return this.shape.length;
  }
  /** Length of the last axis. */
  get cols(): number {
    return this.shape.length ? this.shape[this.shape.length - 1] : 1;
  }
  /** Product of all axes but the last. */
  get rows(): number {
    return this.size / Math.max(1, this.cols);
  }

  /** A fresh float view of the data (Float64Array on the float64 reference engine). */
  get data(): Float32Array | Float64Array {
    if (this.dtype !== 'f32') throw new Error(`tensor ${this.describe()}: .data on an i32 tensor; use .ids`);
    this.checkLive();
    const i = this.ptr >>> 2;
    return this.engine.floats.subarray(i, i + this.size);
  }
  /** A fresh int32 view of the data. */
  get ids(): Int32Array {
    if (this.dtype !== 'i32') throw new Error(`tensor ${this.describe()}: .ids on an f32 tensor; use .data`);
    this.checkLive();
    const i = this.ptr >>> 2;
    return this.engine.i32.subarray(i, i + this.size);
  }
  toArray(): number[] {
    return Array.from(this.dtype === 'f32' ? this.data : this.ids);
  }
  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`tensor ${this.describe()}: item() needs exactly one element`);
    return this.dtype === 'f32' ? this.data[0] : this.ids[0];
  }

  /** `name[2,3] f32` — used in error messages. */
  describe(): string {
    return `${this.name || 'tensor'}[${this.shape.join(',')}] ${this.dtype}`;
  }

  toString(): string {
    const vals = this.dtype === 'f32' ? this.data : this.ids;
    const shown = Array.from(vals.subarray(0, 8), (v) => (this.dtype === 'f32' ? +v.toPrecision(4) : v));
    return `Tensor(${this.describe()}, [${shown.join(', ')}${this.size > 8 ? ', …' : ''}])`;
  }
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function checkShape(shape: readonly number[], what: string): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new Error(`${what}: bad shape [${shape.join(',')}] (dims must be integers >= 0)`);
  }
}

/** An uninitialised arena tensor (valid until the next arena reset). */
export function empty(shape: readonly number[], dtype: DType = 'f32', e: Engine = currentEngine()): Tensor {
  checkShape(shape, 'empty');
  return new Tensor(e, e.heap.scratch(sizeOf(shape) * 4), shape, dtype, 'arena');
}

/** A zero-filled arena tensor. */
export function zeros(shape: readonly number[], dtype: DType = 'f32', e: Engine = currentEngine()): Tensor {
  const t = empty(shape, dtype, e);
  if (dtype === 'f32') e.heap.zero(t.ptr, t.size);
  else t.ids.fill(0);
  return t;
}

/** An arena tensor holding a copy of `values`. */
export function tensor(values: ArrayLike<number>, shape: readonly number[] = [values.length], dtype: DType = 'f32', e: Engine = currentEngine()): Tensor {
  if (sizeOf(shape) !== values.length) {
    throw new Error(`tensor: ${values.length} values do not fill shape [${shape.join(',')}]`);
  }
  const t = empty(shape, dtype, e);
  (dtype === 'f32' ? t.data : t.ids).set(values as ArrayLike<number>);
  return t;
}

/** An i32 arena tensor of ids. */
export function idTensor(values: ArrayLike<number>, shape: readonly number[] = [values.length], e: Engine = currentEngine()): Tensor {
  return tensor(values, shape, 'i32', e);
}

/** A long-lived pool tensor (a parameter or optimizer state), zero-filled unless `values` given. */
export function poolTensor(shape: readonly number[], values?: ArrayLike<number>, e: Engine = currentEngine()): Tensor {
  checkShape(shape, 'poolTensor');
  const t = new Tensor(e, e.heap.alloc(sizeOf(shape) * 4), shape, 'f32', 'pool');
  if (values) {
    if (values.length !== t.size) throw new Error(`poolTensor: ${values.length} values do not fill shape [${shape.join(',')}]`);
    t.data.set(values);
  } else e.heap.zero(t.ptr, t.size);
  return t;
}

/** A view of the same memory with another shape of equal size (no copy, no gradient link). */
export function viewAs(t: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== t.size) throw new Error(`view: cannot view ${t.describe()} as [${shape.join(',')}]`);
  return new Tensor(t.engine, t.ptr, shape, t.dtype, t.lifetime, t.stamp);
}
