// Pieces every retrieval model shares: batch checks with messages naming the model and the
// shapes, the batch's negatives from the model's negative config, the sampled-softmax loss of a
// read-out against the tied item table, parameter counts for toString(), and the check of a
// config object passed to a model constructor from plain JavaScript.
import type { Rng } from '../engine/random.js';
import { checkOptions, schemaOf, type OptionSchema } from '../engine/check-options.js';
import type { Tensor } from '../tensor.js';
import type { ParamStore } from '../nn/params.js';
import { capNegatives, sampleNegatives, sampledSoftmaxLoss, type SampledSoftmaxInput } from '../loss/sampled-softmax.js';
import type { RetrievalBatch, RetrievalConfig } from './types.js';

/** Negatives of one batch from the model's negative config (docs/model-guide.md#sampled-softmax). */
export function drawNegatives(cfg: RetrievalConfig, B: number, rng: Rng): SampledSoftmaxInput['negatives'] {
  const { kind } = cfg.negatives;
  if (kind === 'full') return { kind: 'full' };
  if (kind === 'inBatch') throw new Error('negatives: kind "inBatch" needs training item frequencies; call sampledSoftmaxLoss directly');
  return sampleNegatives(rng, kind, cfg.items, capNegatives(cfg.negatives.count ?? 10 * B, cfg.items));
}

/** Checks shared by the retrieval models: window length, lengths, targets. */
export function checkBatch(kind: string, cfg: RetrievalConfig, batch: RetrievalBatch, needTarget: boolean): void {
  const { B, T } = batch;
  if (T !== cfg.seqLen) throw new Error(`${kind}: batch window T=${T} differs from seqLen=${cfg.seqLen}`);
  if (batch.hist.length !== B * T || batch.mask.length !== B * T || batch.len.length !== B) {
    throw new Error(`${kind}: batch arrays do not match B=${B}, T=${T} (hist ${batch.hist.length}, mask ${batch.mask.length}, len ${batch.len.length})`);
  }
  for (let b = 0; b < B; b++) {
    if (!(batch.len[b] >= 1)) throw new Error(`${kind}: row ${b} has an empty history (len ${batch.len[b]}); every row needs ≥ 1 item`);
  }
  if (needTarget && (!batch.target || batch.target.length !== B)) throw new Error(`${kind}: loss needs batch.target with ${B} labels`);
}

/**
 * The checked batch as a model's forward reads it: unchanged for left-aligned models, re-aligned
 * for `alignment: 'right'`.
 */
export function modelBatch(kind: string, cfg: RetrievalConfig, batch: RetrievalBatch): RetrievalBatch {
  checkBatch(kind, cfg, batch, false);
  return cfg.alignment === 'right' ? alignRight(kind, batch) : batch;
}

/**
 * A left-aligned batch (row b's items in slots 0..len−1) moved so each row's newest item sits in
 * slot T−1 (docs/model-guide.md#conventions, `alignment: 'right'`); hist/mask are copied, targets shared.
 */
export function alignRight(kind: string, batch: RetrievalBatch): RetrievalBatch {
  const { B, T, hist, mask, len } = batch;
  const h = new Int32Array(B * T), m = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const n = len[b], row = b * T;
    for (let t = 0; t < T; t++) {
      if ((mask[row + t] !== 0) !== (t < n)) throw new Error(`${kind}: row ${b} is not a left-aligned window (mask slot ${t} is ${mask[row + t]}, len ${n}); pass batches left-aligned, the model re-aligns them`);
    }
    h.set(hist.subarray(row, row + n), row + T - n);
    m.set(mask.subarray(row, row + n), row + T - n);
  }
  return { ...batch, hist: h, mask: m };
}

/** Mean sampled-softmax loss of read-out vectors `user` [B, D] against the batch targets. */
export function itemSoftmaxLoss(cfg: RetrievalConfig, params: ParamStore, user: Tensor, batch: RetrievalBatch, rng: Rng): Tensor {
  return sampledSoftmaxLoss({
    user, table: params.get('item_emb'), labels: batch.target!, negatives: drawNegatives(cfg, batch.B, rng),
    bias: cfg.itemBias ? params.get('item_bias') : undefined,
  });
}

/** 1234567 → '1.2M'. */
export function fmtCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/**
 * Refuse a constructor config with keys the model does not have (did-you-mean) or values of the
 * wrong kind, before anything is built: `ComiRecSA config: unknown option "seqlen" (did you mean
 * "seqLen"?)`. `required` keys must be present.
 */
export function checkModelConfig(kind: string, config: unknown, defaults: object, extra: OptionSchema = {}, required: readonly string[] = ['items']): void {
  const where = `${kind} config`;
  checkOptions(where, config, schemaOf(defaults, extra));
  if (config === undefined || config === null) throw new TypeError(`${where}: expected an object with ${required.join(', ')}`);
  for (const key of required) {
    if ((config as Record<string, unknown>)[key] === undefined) throw new TypeError(`${where}: "${key}" is required`);
  }
}

/** Extra keys (and enumerated values) of every retrieval model config. */
export const RETRIEVAL_EXTRA: OptionSchema = {
  items: 'integer', dim: 'integer', interests: 'integer', seqLen: 'integer', seed: 'number', alignment: ['left', 'right'], negatives: 'object', itemBias: 'boolean',
};
