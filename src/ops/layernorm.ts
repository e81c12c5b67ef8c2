// LayerNorm over the last axis with gain and bias (eps 1e-5 by default); saves mean and rstd.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail } from './check.js';

/** (x − mean) · rstd · gamma + beta per row; x [..., d], gamma and beta [d]. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  checkInputs('layerNorm', x, gamma, beta);
  const d = x.cols;
  if (gamma.size !== d || beta.size !== d) fail('layerNorm', `gain and bias must have ${d} elements`, x, gamma, beta);
  const e = x.engine;
  const rows = x.rows;
  const out = empty(x.shape, 'f32', e);
  const mean = empty([rows], 'f32', e);
  const rstd = empty([rows], 'f32', e);
  e.k.layernorm_f32(x.ptr, gamma.ptr, beta.ptr, out.ptr, mean.ptr, rstd.ptr, rows, d, eps);
  return record('layerNorm', [x, gamma, beta], out, () => {
    // One kernel writes dx, dgamma and dbeta under one acc flag. When the slots disagree (a
    // shared LN already has a gain gradient, x does not), go through scratch buffers.
    const g = out.grad!.ptr;
    const dx = x.requiresGrad ? gradSlot(x) : { grad: empty(x.shape, 'f32', e), acc: 0 as const };
    const dg = gamma.requiresGrad ? gradSlot(gamma) : { grad: empty([d], 'f32', e), acc: 0 as const };
    const db = beta.requiresGrad ? gradSlot(beta) : { grad: empty([d], 'f32', e), acc: 0 as const };
    if (dx.acc === dg.acc && dg.acc === db.acc) {
      e.k.layernorm_bwd_f32(x.ptr, gamma.ptr, mean.ptr, rstd.ptr, g, dx.grad.ptr, dg.grad.ptr, db.grad.ptr, rows, d, dx.acc);
      return;
    }
    const tx = empty(x.shape, 'f32', e);
    const tg = empty([d], 'f32', e);
    const tb = empty([d], 'f32', e);
    e.k.layernorm_bwd_f32(x.ptr, gamma.ptr, mean.ptr, rstd.ptr, g, tx.ptr, tg.ptr, tb.ptr, rows, d, 0);
    for (const [slot, tmp, n] of [[dx, tx, x.size], [dg, tg, d], [db, tb, d]] as const) {
      if (slot.acc) e.k.add_f32(slot.grad.ptr, tmp.ptr, slot.grad.ptr, n);
      else e.k.copy_f32(tmp.ptr, slot.grad.ptr, n);
    }
  });
}
