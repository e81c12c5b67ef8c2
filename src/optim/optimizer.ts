// Optimizer driver shared by Adam, Adagrad and SGD: walks the parameters that received a
// gradient, merges a table's row-sparse gradient pieces into unique rows (duplicates summed),
// applies optional global-norm clipping, and hands dense or row updates to the subclass.
import { Tensor, empty } from '../tensor.js';
import { hasGrad } from '../autograd/tape.js';
import { ptrAt } from '../engine/abi/index.js';
import type { StateEntry } from './half-state.js';

export interface OptimizerConfig {
  /** Learning rate. */
  lr: number;
  /** Clip the global L2 norm of all gradients to this value (0 or undefined: off). */
  clipNorm?: number;
}

/** Unique rows of one sparse table gradient, valid until the arena resets. */
export interface RowGrad {
  ids: Tensor; // [U] i32, unique
  rows: Tensor; // [U, D] summed gradients
}

export abstract class Optimizer {
  /** Number of steps taken. */
  t = 0;
  private readonly slots = new Map<Tensor, Int32Array>();

  constructor(readonly params: Tensor[], public config: OptimizerConfig) {
    for (const p of params) {
      if (p.lifetime !== 'pool') throw new Error(`optimizer: ${p.describe()} is not a pool tensor (make parameters with poolTensor/ParamStore)`);
    }
  }

  /** Dense update of `p` with gradient `g` (same size); `scale` multiplies the gradient. */
  protected abstract dense(p: Tensor, g: Tensor, scale: number): void;
  /** Row update: only the rows listed in `rg.ids` change. */
  protected abstract rows(p: Tensor, rg: RowGrad, scale: number): void;

  /** One update from the gradients of the latest backward pass. Returns the gradient norm. */
  step(): number {
    this.t++;
    const dense: Tensor[] = [];
    const sparse: [Tensor, RowGrad][] = [];
    for (const p of this.params) {
      if (!hasGrad(p)) continue;
      if (p.sparseGrad) sparse.push([p, this.mergeRows(p)]);
      else dense.push(p);
    }
    let sq = 0;
    for (const p of dense) sq += p.engine.k.sum_sq_f32(p.grad!.ptr, p.size) as number;
    for (const [, rg] of sparse) sq += rg.rows.engine.k.sum_sq_f32(rg.rows.ptr, rg.rows.size) as number;
    const norm = Math.sqrt(sq);
    const clip = this.config.clipNorm;
    const scale = clip && norm > clip ? clip / norm : 1;
    for (const p of dense) this.dense(p, p.grad!, scale);
    for (const [p, rg] of sparse) this.rows(p, rg, scale);
    return norm;
  }

  /** Merge a table's (ids, rows) pieces into unique ids with summed rows (first-seen order). */
  mergeRows(p: Tensor): RowGrad {
    const e = p.engine;
    const [N, D] = p.shape;
    let slot = this.slots.get(p);
    if (!slot) this.slots.set(p, (slot = new Int32Array(N).fill(-1)));
    const pieces = p.sparse ?? [];
    let count = 0;
    for (const piece of pieces) count += piece.ids.size;
    const pos = empty([count], 'i32', e);
    const uniq = empty([count], 'i32', e);
    let u = 0;
    let at = 0;
    const posV = pos.ids;
    const uniqV = uniq.ids;
    for (const piece of pieces) {
      const ids = piece.ids.ids;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (slot[id] < 0) {
          slot[id] = u;
          uniqV[u++] = id;
        }
        posV[at++] = slot[id];
      }
    }
    for (let i = 0; i < u; i++) slot[uniqV[i]] = -1;
    const rows = empty([u, D], 'f32', e);
    e.k.fill_f32(rows.ptr, 0, u * D); // [u, D] zeros by a kernel: split between threads, not a fill on the caller
    at = 0;
    for (const piece of pieces) {
      const c = piece.ids.size;
      e.k.scatter_add_rows_f32(piece.rows.ptr, ptrAt(pos.ptr, at * 4), rows.ptr, u, c, D);
      at += c;
    }
    return { ids: new Tensor(e, uniq.ptr, [u], 'i32', 'arena', uniq.stamp), rows };
  }

  /** Optimizer state to checkpoint (moment buffers by parameter index and name). */
  abstract state(): StateEntry[];
}
