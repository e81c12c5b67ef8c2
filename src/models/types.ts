// The one interface every retrieval model implements (MIND, ComiRec-DR, ComiRec-SA, SINE,
// YouTubeDNN, MostPopular): interests for serving, a loss for training, and the parameters.
// Batches carry item indices (vocabulary-mapped); raw ids are handled by the serving layer.
import type { Rng } from '../engine/random.js';
import type { Tensor } from '../tensor.js';
import type { ParamStore } from '../nn/params.js';
import type { NegativeConfig } from '../loss/sampled-softmax.js';

/** B rows of left-aligned history windows of length T (slot 0 oldest, padding 0 on the right). */
export interface RetrievalBatch {
  /** Rows. */
  B: number;
  /** Window length. */
  T: number;
  /** Item indices [B*T], 0 = padding. */
  hist: Int32Array;
  /** 1 where a slot holds an item, else 0 [B*T]. */
  mask: Float32Array;
  /** Valid items per row [B] (1 ≤ len ≤ T). */
  len: Int32Array;
  /** Training target per row [B] (absent at serving time). */
  target?: Int32Array;
  /** Per row, `hashString(raw user id)` [B]: seeds MIND's `servingRouting: 'perUser'` draw. */
  userKeys?: Uint32Array;
  /** Per row, the ids of the user's single-valued profile fields [B*F] (0 = unknown): MIND's profile head. */
  profile?: Int32Array;
}

/** Interest vectors of a batch: [B, K, D] plus which interests are active (MIND's dynamic K). */
export interface Interests {
  vectors: Tensor; // [B, K, D]
  /** 1 if interest k of row b is active [B*K]; all ones for fixed-K models. */
  active: Uint8Array;
}

/** Settings shared by every retrieval model. */
export interface RetrievalConfig {
  /** Rows of the item table including padding row 0 (N). */
  items: number;
  /** Embedding and interest dimension (default 64). */
  dim: number;
  /** Number of interests (maximum for MIND; default 4). */
  interests: number;
  /** History window length (default 20; 50 on MovieLens). */
  seqLen: number;
  /** Negatives for the sampled softmax (default log-uniform, 10·B unique per batch). */
  negatives: NegativeConfig;
  /** Trainable item bias in the softmax (default false). */
  itemBias: boolean;
  /**
   * History window layout the model's positional parameters see (docs/model-guide.md#conventions): 'left' (default,
   * slot 0 = oldest item of the window) or 'right' (newest item in slot T−1). Batches are always
   * passed left-aligned; a 'right' model re-aligns them itself. Saved with the config.
   */
  alignment: 'left' | 'right';
  /** Seed of parameter initialisation and of the model's own draws (routing logits). */
  seed: number;
}

export interface RetrievalModel {
  /** Which trainer data and evaluation the model takes (the tag-profile models say 'tag'). */
  readonly family: 'retrieval';
  /** Paper name, e.g. 'ComiRec-SA'. */
  readonly kind: string;
  readonly config: RetrievalConfig;
  readonly params: ParamStore;
  /** The item table E [N, D] (tied: histories and softmax weights). */
  itemTable(): Tensor;
  /**
   * Interest vectors for retrieval. `training` selects the training forward (MIND: fresh
   * routing logits from `rng`); serving is deterministic.
   */
  interests(batch: RetrievalBatch, opts?: { training?: boolean; rng?: Rng }): Interests;
  /**
   * Serving query vectors [B, Q, D] with active flags: the interests for multi-interest models,
   * one vector for single-vector models (YouTubeDNN, SINE in 'aggregate' mode).
   */
  queries(batch: RetrievalBatch): Interests;
  /** Mean training loss of the batch (records on the tape). `rng` draws negatives etc. */
  loss(batch: RetrievalBatch, rng: Rng): Tensor;
  /**
   * Read-only inspection: the serving interests and the weights linking each interest to each
   * history slot (attention, routing coefficients, intention assignment), as plain arrays.
   * Runs off the tape; the caller resets the arena afterwards, as after any inference.
   */
  explain?(batch: RetrievalBatch): Explanation;
  /** e.g. `ComiRecSA(D=64, K=4, T=20, params=1.2M)`. */
  toString(): string;
}

/** A ranked list of (item id, score) pairs as given by the engine (any array-likes). */
export interface ScoredList {
  /** Item ids, parallel to `scores`. */
  ids: ArrayLike<number>;
  /** Scores, best first. */
  scores: ArrayLike<number>;
}

/** A ranked list of distinct items, best first; scores kept exactly (float64). */
export interface ScoredItems {
  /** Item ids, best first. */
  ids: Int32Array;
  /** Their scores, parallel to `ids`. */
  scores: Float64Array;
}

/**
 * What each interest draws from each history slot, for B rows, K interests and T slots.
 * - 'attention' (ComiRec-SA): A[k, t], a softmax over the valid slots t of each interest.
 * - 'routing' (MIND, ComiRec-DR): the final coupling coefficients c[t, k], a softmax over the
 *   active interests k of each slot (so a column k need not sum to 1 over t).
 * - 'assignment' (SINE): the intention assignment P(k | t), a softmax over k of each slot.
 * - 'mean' (YouTubeDNN): the pooling weight 1/n of every valid slot.
 */
export interface Explanation {
  kind: 'attention' | 'routing' | 'assignment' | 'mean';
  B: number;
  K: number;
  T: number;
  /**
   * weights[(b·K + k)·T + t] [B, K, T]; slot t as in the batch passed in (left-aligned), 0 at
   * padding. Arrays are float32 (Float64Array on the float64 reference engine).
   */
  weights: Float32Array | Float64Array;
  /** The interest vectors [B·K·D] that `interests(batch)` returns. */
  vectors: Float32Array | Float64Array;
  /** 1 if interest k of row b is active [B·K]. */
  active: Uint8Array;
  /** SINE: P(t | k) of the rank-bound attention heads [B, K, T]. */
  attention?: Float32Array | Float64Array;
  /** SINE: the selected prototype of each interest [B·K] (index into the concept pool). */
  prototypes?: Int32Array;
  /** SINE: the aggregation weights e_k of the serving user vector [B·K]. */
  aggregation?: Float32Array | Float64Array;
}
