// Fused losses: softmax cross-entropy with the true class in column 0 (the sampled-softmax core,
// accidental hits masked out) and binary cross-entropy with logits (stable at |logit| = 100).
// Both return the batch mean as a [1] tensor; their kernels produce the gradient in the forward.
import { Tensor, empty } from '../tensor.js';
import { gradSlot, record } from '../autograd/tape.js';
import { checkInputs, fail, sameShape } from './check.js';
import { scalarGrad } from './grad-util.js';

/**
 * mean_b [logsumexp(logits[b, unmasked]) − logits[b, 0]]: logits [B, C] with the true class in
 * column 0; `mask` [B, C] (1 keep, 0 drop) removes accidental hits (weight and gradient 0).
 */
export function softmaxCrossEntropy(logits: Tensor, mask?: Tensor): Tensor {
  checkInputs('softmaxCrossEntropy', logits, ...(mask ? [mask] : []));
  if (logits.rank !== 2) fail('softmaxCrossEntropy', 'logits must be [B, C]', logits);
  if (mask) sameShape('softmaxCrossEntropy', logits, mask);
  const e = logits.engine;
  const [B, C] = logits.shape;
  const perRow = empty([B], 'f32', e);
  const dlogits = empty([B, C], 'f32', e);
  const ones = mask ?? onesLike(logits);
  e.k.softmax_xent_rows_f32(logits.ptr, ones.ptr, B, C, perRow.ptr, dlogits.ptr, 1 / Math.max(1, B));
  const out = empty([1], 'f32', e);
  e.k.sum_rows_f32(perRow.ptr, out.ptr, 1, B);
  e.floats[out.ptr >>> 2] /= Math.max(1, B);
  return record('softmaxCrossEntropy', [logits], out, () => {
    const g = scalarGrad(out);
    const { grad, acc } = gradSlot(logits);
    if (acc) e.k.axpy_f32(B * C, g, dlogits.ptr, grad.ptr);
    else e.k.scale_f32(dlogits.ptr, g, grad.ptr, B * C);
  });
}

/** mean BCE(σ(logits), labels), labels in [0, 1]; `posWeight` scales the positive term. */
export function bceWithLogits(logits: Tensor, labels: Tensor, posWeight = 1): Tensor {
  checkInputs('bceWithLogits', logits, labels);
  sameShape('bceWithLogits', logits, labels);
  const e = logits.engine;
  const n = logits.size;
  const perElem = empty(logits.shape, 'f32', e);
  e.k.bce_logits_f32(logits.ptr, labels.ptr, perElem.ptr, n, posWeight);
  const out = empty([1], 'f32', e);
  e.k.sum_rows_f32(perElem.ptr, out.ptr, 1, n);
  e.floats[out.ptr >>> 2] /= Math.max(1, n);
  return record('bceWithLogits', [logits], out, () => {
    const g = scalarGrad(out) / Math.max(1, n);
    const gb = empty(logits.shape, 'f32', e);
    e.k.fill_f32(gb.ptr, g, n);
    const { grad, acc } = gradSlot(logits);
    e.k.bce_logits_bwd_f32(logits.ptr, labels.ptr, gb.ptr, grad.ptr, n, posWeight, acc);
  });
}

function onesLike(t: Tensor): Tensor {
  const o = empty(t.shape, 'f32', t.engine);
  t.engine.k.fill_f32(o.ptr, 1, o.size);
  return o;
}
