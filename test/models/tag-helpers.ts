// Helpers for the tag-model tests: a tiny field schema and users, a finite-difference check of a
// whole model's parameters in float64 (sparse tables merged by row), and gradient readers.
import type { Tensor } from '../../src/tensor.js';
import { backward, hasGrad } from '../../src/autograd/tape.js';
import type { ParamStore } from '../../src/nn/params.js';
import type { FieldSpec, UserFields } from '../../src/nn/field-batch.js';

export const FIELDS: FieldSpec[] = [
  { name: 'hist_items', kind: 'multi', size: 10 },
  { name: 'hist_tags', kind: 'multi', size: 8 },
  { name: 'activity', kind: 'single', size: 5 },
];

export const multi = (ids: number[], weights: number[] = ids.map(() => 1)) => ({ ids: Int32Array.from(ids), weights: Float32Array.from(weights) });

export const USERS: UserFields[] = [
  [multi([1, 4, 7], [1, 2, 1]), multi([2, 3], [3, 1]), 2],
  [multi([2]), multi([5, 6, 7], [1, 1, 2]), 4],
  [multi([9, 3]), multi([], []), 1],
];

/** Dense gradient of a parameter after backward (sparse pieces summed by row); zeros when none. */
export function gradOf(p: Tensor): Float64Array {
  const out = new Float64Array(p.size);
  if (!hasGrad(p)) return out;
  if (p.sparseGrad) {
    const D = p.shape[1];
    for (const piece of p.sparse!) {
      const ids = piece.ids.ids;
      const rows = piece.rows.data;
      for (let r = 0; r < ids.length; r++) for (let j = 0; j < D; j++) out[ids[r] * D + j] += rows[r * D + j];
    }
  } else out.set(p.grad!.data);
  return out;
}

/**
 * Central differences of `loss()` against the tape for up to `perParam` coordinates of every
 * parameter (float64 engine). Returns the worst relative error and where it happened.
 */
export function modelGradcheck(params: ParamStore, loss: () => Tensor, reset: () => void, perParam = 6, eps = 1e-6): { maxError: number; where: string } {
  backward(loss());
  const grads = new Map(params.list().map((p) => [p, gradOf(p)]));
  reset();
  let maxError = 0;
  let where = '';
  for (const p of params.list()) {
    const g = grads.get(p)!;
    // Check the largest-gradient coordinates and a spread of others (rows of tables mostly zero).
    const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    const picks = [...order.slice(0, Math.ceil(perParam / 2)), ...Array.from({ length: Math.floor(perParam / 2) }, (_, i) => Math.floor((i * p.size) / Math.max(1, perParam / 2)))];
    for (const i of new Set(picks.filter((i) => i < p.size))) {
      const F = p.engine.floats;
      const at = (p.ptr >> 2) + i;
      const keep = F[at];
      F[at] = keep + eps;
      const up = loss().item();
      reset();
      p.engine.floats[at] = keep - eps;
      const down = loss().item();
      reset();
      p.engine.floats[at] = keep;
      const num = (up - down) / (2 * eps);
      const err = Math.abs(num - g[i]) / Math.max(1, Math.abs(num));
      if (err > maxError) { maxError = err; where = `${p.name}[${i}] analytic ${g[i]} numeric ${num}`; }
    }
  }
  return { maxError, where };
}
