// Sampled softmax with TensorFlow semantics (docs/model-guide.md#sampled-softmax): one set of S unique negatives per
// batch drawn log-uniformly over 1..N−1 (index tracks popularity rank), logits corrected by
// −ln Q with TF's expected counts, accidental hits removed, tied item embeddings. Also uniform,
// in-batch and full softmax. Padding (id 0) is never sampled.
import type { Rng } from '../engine/random.js';
import type { Engine } from '../engine/engine.js';
import type { Ptr } from '../engine/abi/index.js';
import { detLog } from '../engine/det-math.js';
import { SAMPLER_KIND, expectedCount, logQInto, probabilityOf, type SamplerKindCode } from '../engine/det-sampler.js';
import { currentEngine } from '../engine/current.js';
import { Tensor, empty, idTensor } from '../tensor.js';
import { drawUnique } from './draw-negatives.js';
import { add, addRow, concat, dotRows, gather, matmul, reshape, softmaxCrossEntropy } from '../ops/index.js';

export type NegativeKind = 'logUniform' | 'tfLogUniform' | 'uniform' | 'inBatch' | 'full';

export interface NegativeConfig {
  /** How candidates are chosen (default 'logUniform', TF's LogUniformSampler shifted past 0). */
  kind: NegativeKind;
  /** Number of unique sampled negatives per batch (default 10·B, capped at ⌊(N−1)/2⌋). */
  count?: number;
  /** In-batch only: subtract ln Q (default true). */
  logQ?: boolean;
}

/** The negatives of one batch: S ids, ln Q per id, and the draw count (for the labels' Q). */
export interface NegativeSample {
  ids: Int32Array;
  logQ: Float64Array;
  tries: number;
  kind: NegativeKind;
}

/** Probability of id k (1..N−1) under the sampler. */
export function samplerProbability(kind: NegativeKind, k: number, N: number): number {
  return probabilityOf(kindCode(kind), N)(k);
}

export { expectedCount };

/** The sampler kind as kernels take it (in-batch and full have none; they read as log-uniform). */
function kindCode(kind: NegativeKind): SamplerKindCode {
  return kind === 'uniform' || kind === 'tfLogUniform' ? SAMPLER_KIND[kind] : SAMPLER_KIND.logUniform;
}

/** Effective S for a catalogue of N rows: min(requested, ⌊(N−1)/2⌋). */
export function capNegatives(requested: number, N: number): number {
  return Math.max(1, Math.min(requested, Math.floor((N - 1) / 2)));
}

/**
 * Samples drawn here, with the catalogue size they were drawn for: their ln Q is what the
 * `sampler_logq_f64` kernel computes, so the loss has the kernel compute it (split between
 * threads) and `logQ` is only formed in JavaScript when someone reads it.
 */
const drawnFor = new WeakMap<NegativeSample, { N: number; tries: number }>();

/**
 * Draw S unique negatives for one batch (log-uniform, TF log-uniform or uniform). The engine `e`
 * (default: the current one; null: none) runs the log-uniform draws; every backend draws the same.
 */
export function sampleNegatives(rng: Rng, kind: NegativeKind, N: number, S: number, e: Engine | null = currentEngine()): NegativeSample {
  if (kind === 'inBatch' || kind === 'full') throw new Error(`sampleNegatives: kind "${kind}" is not drawn`);
  if (S > N - 1) throw new Error(`sampleNegatives: cannot draw ${S} unique ids from ${N - 1} items`);
  const { ids, tries } = drawUnique(rng, kind, N, S, e);
  let logQ: Float64Array | null = null;
  const sample: NegativeSample = {
    ids,
    tries,
    kind,
    // Own enumerable accessors: a spread copy reads the values (and is then an ordinary sample).
    get logQ(): Float64Array {
      return (logQ ??= logQInto(new Float64Array(S), ids, kindCode(kind), N, tries, S));
    },
    set logQ(v: Float64Array) {
      logQ = v;
      drawnFor.delete(sample); // replaced ln Q: the loss must use these values
    },
  };
  drawnFor.set(sample, { N, tries });
  return sample;
}

export interface SampledSoftmaxInput {
  /** User vectors [B, D] (the read-out). */
  user: Tensor;
  /** Item table [N, D], row 0 padding (tied: the same table embeds histories). */
  table: Tensor;
  /** Labels [B] (item indices 1..N−1). */
  labels: Int32Array;
  /** Negatives: a drawn sample, or the kind for in-batch / full. */
  negatives: NegativeSample | { kind: 'inBatch'; freq: Float64Array; logQ?: boolean } | { kind: 'full' };
  /** Optional trainable item bias [N, 1]. */
  bias?: Tensor;
}

/** Mean sampled-softmax loss over the batch, differentiable in user, table and bias. */
export function sampledSoftmaxLoss(inp: SampledSoftmaxInput): Tensor {
  const { user, table, labels, negatives } = inp;
  const [B, D] = user.shape;
  const N = table.shape[0];
  if (labels.length !== B) throw new Error(`sampledSoftmaxLoss: ${labels.length} labels for ${B} user vectors`);
  if (table.shape[1] !== D) throw new Error(`sampledSoftmaxLoss: user [${B},${D}] and table [${table.shape}] differ in D`);

  // Candidate ids and their −ln Q shift; labels' shift computed with the same tries.
  let cand: Int32Array;
  let candShift: Float64Array | undefined;
  let labelShift: ((y: number) => number) | undefined;
  let sample: NegativeSample | undefined;
  if (negatives.kind === 'full') {
    cand = Int32Array.from({ length: N - 1 }, (_, i) => i + 1);
    candShift = new Float64Array(N - 1);
    labelShift = () => 0;
  } else if (negatives.kind === 'inBatch' && 'freq' in negatives) {
    const { freq } = negatives;
    const total = freqTotal(freq, N);
    const useQ = (negatives as { logQ?: boolean }).logQ !== false;
    const lq = (y: number) => (useQ ? detLog((B * freq[y]) / total) : 0);
    cand = Int32Array.from(labels);
    candShift = Float64Array.from(cand, (c) => lq(c));
    labelShift = lq;
  } else {
    sample = negatives as NegativeSample;
    cand = sample.ids;
  }
  const S = cand.length;
  const e = table.engine;
  const y = idTensor(labels, [B], e);
  const c = idTensor(cand, [S], e);
  // ln Q of the candidates and the labels: for a drawn sample both by the kernel (split between
  // threads), with the bits of the JavaScript definition (engine/det-sampler.ts).
  let rowShiftPtr: Ptr, candShiftPtr: Ptr;
  if (sample) {
    const { tries, kind } = sample;
    const code = kindCode(kind);
    const drawn = drawnFor.get(sample);
    if (drawn && drawn.N === N && drawn.tries === tries) {
      candShiftPtr = e.heap.scratch(Math.max(1, S) * 8);
      e.k.sampler_logq_f64(c.ptr, candShiftPtr, S, N, tries, S, code);
    } else candShiftPtr = f64Scratch(e, sample.logQ);
    rowShiftPtr = e.heap.scratch(Math.max(1, B) * 8);
    e.k.sampler_logq_f64(y.ptr, rowShiftPtr, B, N, tries, S, code);
  } else {
    candShiftPtr = f64Scratch(e, candShift!);
    rowShiftPtr = f64Scratch(e, Float64Array.from(labels, labelShift!));
  }
  let trueLogit = dotRows(user, gather(table, y)); // [B]
  let negLogits = matmul(user, gather(table, c), false, true); // [B, S]
  if (inp.bias) {
    const by = reshape(gather(inp.bias, y), [B]);
    trueLogit = add(trueLogit, by);
    negLogits = addRow(negLogits, reshape(gather(inp.bias, c), [S]));
  }
  const logits = concat([reshape(trueLogit, [B, 1]), negLogits]); // [B, 1+S]
  // −ln Q is a constant shift: applied in place, it changes no gradient. One kernel (split by
  // rows between threads) subtracts it in float64 and writes the accidental-hit mask.
  const mask = empty([B, 1 + S], 'f32', e);
  e.k.logq_shift_mask_f32(logits.ptr, mask.ptr, B, 1 + S, rowShiftPtr, y.ptr, c.ptr, candShiftPtr);
  return softmaxCrossEntropy(logits, mask);
}

/** A step-arena copy of float64 values (64-byte aligned) for a kernel that reads f64. */
function f64Scratch(e: Engine, v: Float64Array): Ptr {
  const p = e.heap.scratch(Math.max(1, v.length) * 8);
  new Float64Array(e.heap.store.buffer, p, v.length).set(v);
  return p;
}

/** Σ freq[1..N−1], summed once per frequency table (an O(N) pass per step would make the step's
 *  cost grow with the catalogue). The table must not be changed in place after first use. */
const totals = new WeakMap<Float64Array, { n: number; total: number }>();
function freqTotal(freq: Float64Array, N: number): number {
  const hit = totals.get(freq);
  if (hit && hit.n === N) return hit.total;
  let total = 0;
  for (let i = 1; i < N; i++) total += freq[i];
  totals.set(freq, { n: N, total });
  return total;
}
