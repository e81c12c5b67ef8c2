// MIND — C. Li et al., "Multi-Interest Network with Dynamic Routing for Recommendation at Tmall",
// CIKM 2019 (arXiv 1904.08030); no official code. Reading fixed by docs/model-guide.md#mind, informed by
// THUDM/ComiRec:src/model.py (CapsuleNetwork, bilinear_type=0), shenweichen/DeepMatch
// deepmatch/layers/core.py and alibaba/EasyRec capsule_layer.py: a shared bilinear map S,
// fresh TruncatedNormal routing logits per row and forward pass (a fixed seeded draw b° at
// serving), adaptive K′ = max(1, min(K, ⌊log₂ n⌋)), label-aware read-out (p = ∞: hard argmax).
// The optional profile head of docs/model-guide.md#mind step 5 (profileFields) joins each capsule with the user's profile.
import type { Tensor } from '../tensor.js';
import { empty, idTensor, tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { labelAwareAttention } from '../nn/readout.js';
import { activeInterestCount, fillTruncatedNormal, routeShared, routingMask, type Routed } from '../nn/capsule.js';
import { concat, gather, linear, mulRows, relu, reshape } from '../ops/index.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';
import { checkBatch, modelBatch, fmtCount, itemSoftmaxLoss, checkModelConfig, RETRIEVAL_EXTRA } from './common.js';
import { callerWeights, type Explanation } from './explain.js';
import { noGrad } from '../autograd/tape.js';

export { checkBatch, drawNegatives } from './common.js';

/** MIND settings (docs/model-guide.md#mind defaults). */
export interface MINDConfig extends RetrievalConfig {
  /** Routing iterations; only the last one is taped (default 3). */
  iterations: number;
  /**
   * Label-aware attention power p: Infinity = hard argmax read-out (default), 0 = mean of active
   * capsules. A finite p weights interests by softmax_K(p·⟨v_k, e_y⟩) — the softmax weights raised
   * to p and renormalised — not the paper's softmax(pow(⟨v_k, e_y⟩, p)), which is NaN or
   * order-reversing for negative scores (docs/model-guide.md#mind).
   */
  labelAwareP: number;
  /** Adaptive interest count K′ = max(1, min(K, ⌊log₂ n⌋)) (default true); false = fixed K as ComiRec's MIND. */
  adaptiveInterests: boolean;
  /** Routing logits: 'random' TruncatedNormal(0, 1) (default); 'zeros' only for the symmetry test. */
  routingInit: 'random' | 'zeros';
  /** Seed of the serving logits b° [K, T], stored as a non-trainable buffer (default 28, EasyRec's). */
  routingSeed: number;
  /**
   * Serving routing logits: 'fixed' (default) uses b° for every user; 'perUser' draws them from
   * routingSeed and a hash of the user id (batches then need `userKeys`, see `hashString`).
   */
  servingRouting: 'fixed' | 'perUser';
  /** 'none' (default) or 'relu': Dense(D, ReLU) on the capsules (ComiRec's MIND on Book). */
  capsuleProjection: 'none' | 'relu';
  /** Bias on the bilinear map S, as ComiRec's tf.layers.dense (default false). */
  mapBias: boolean;
  /**
   * Optional profile head (docs/model-guide.md#mind step 5): the value-vocabulary size of each single-valued
   * user profile field (id 0 = unknown, a zero row). Empty (default) = no head, which makes the
   * default ComiRec's MIND baseline (no profile features) with the paper's adaptive K. Batches then carry
   * `profile` [B·F].
   */
  profileFields: number[];
  /** Embedding width of each profile field (default 16; D_p = profileDim · F). */
  profileDim: number;
  /** Hidden width H_m of the head (default 0 = 2·D). */
  profileHidden: number;
  /** Activation of the head's last layer: 'relu' (default, the paper's) or 'linear' (DeepMatch). */
  profileHeadLast: 'relu' | 'linear';
  /** Recommended Adam learning rate (default 1e-3; read by trainers, not by the model). */
  lr: number;
}

/** Defaults shared with RetrievalConfig (docs/model-guide.md#conventions, docs/model-guide.md#mind). */
export const MIND_DEFAULTS: Omit<MINDConfig, 'items'> = {
  dim: 64, interests: 4, seqLen: 20, negatives: { kind: 'logUniform' }, itemBias: false, alignment: 'left', seed: 1,
  iterations: 3, labelAwareP: Infinity, adaptiveInterests: true, routingInit: 'random', routingSeed: 28, servingRouting: 'fixed',
  capsuleProjection: 'none', mapBias: false, profileFields: [], profileDim: 16, profileHidden: 0, profileHeadLast: 'relu', lr: 1e-3,
};

/** Optional hooks of one forward pass (tests, gradchecks, inspection). */
export interface CapsuleTrace {
  /** Use these final coupling weights instead of routing (frozen-w gradcheck). */
  frozen?: Tensor;
  /** Set by the forward: routing result (V before the projection, final weights and logits). */
  routed?: Routed;
  /** Set by the forward: interest vectors as returned by `interests`. */
  vectors?: Tensor;
  /** Set by the loss: the read-out user vectors [B, D]. */
  user?: Tensor;
}

export class MIND implements RetrievalModel {
  readonly family = 'retrieval' as const;
  readonly kind = 'MIND';
  readonly config: MINDConfig;
  readonly params: ParamStore;
  /** Fallback generator for training forwards called without an rng. */
  private readonly ownRng: Rng;

  constructor(config: Partial<MINDConfig> & { items: number }) {
    checkModelConfig('MIND', config, MIND_DEFAULTS, { ...RETRIEVAL_EXTRA, labelAwareP: 'any' /* Infinity is null in JSON */ });
    const c: MINDConfig = { ...MIND_DEFAULTS, ...config };
    // JSON (checkpoint metadata) writes the default p = Infinity as null: read it back as Infinity.
    if ((c.labelAwareP as number | null) === null) c.labelAwareP = Infinity;
    if (!(c.items >= 2)) throw new Error(`MIND: items = ${c.items}; need ≥ 2 (row 0 is padding)`);
    if (!(c.iterations >= 1)) throw new Error(`MIND: iterations = ${c.iterations}; need ≥ 1`);
    if (c.servingRouting !== 'fixed' && c.servingRouting !== 'perUser') throw new Error(`MIND: servingRouting = ${JSON.stringify(c.servingRouting)}; use 'fixed' or 'perUser'`);
    if (!(c.labelAwareP >= 0)) throw new Error(`MIND: labelAwareP = ${c.labelAwareP}; need ≥ 0 or Infinity`);
    this.config = c;
    const rng = new Rng(c.seed);
    this.params = new ParamStore(rng.fork(1));
    const { items: N, dim: D, interests: K, seqLen: T } = c;
    this.params.create('item_emb', [N, D], { kind: 'glorot' }, { paddingRow: true, sparse: true });
    if (c.itemBias) this.params.create('item_bias', [N, 1], { kind: 'zeros' }, { paddingRow: true, sparse: true });
    this.params.create('mind.S', [D, D]);
    if (c.mapBias) this.params.create('mind.S_bias', [D], { kind: 'zeros' });
    if (c.capsuleProjection === 'relu') {
      this.params.create('mind.proj.W', [D, D]);
      this.params.create('mind.proj.b', [D], { kind: 'zeros' });
    }
    if (!Array.isArray(c.profileFields) || c.profileFields.some((n) => !(Number.isInteger(n) && n >= 2))) {
      throw new Error(`MIND: profileFields = ${JSON.stringify(c.profileFields)}; expected value-vocabulary sizes ≥ 2 (id 0 = unknown)`);
    }
    if (c.profileFields.length) {
      const H = c.profileHidden || 2 * D, Dp = c.profileDim * c.profileFields.length;
      c.profileFields.forEach((n, f) => this.params.create(`mind.profile.table${f}`, [n, c.profileDim], { kind: 'glorot' }, { paddingRow: true }));
      this.params.create('mind.profile.Wa', [D + Dp, H]);
      this.params.create('mind.profile.ba', [H], { kind: 'zeros' });
      this.params.create('mind.profile.Wb', [H, D]);
      this.params.create('mind.profile.bb', [D], { kind: 'zeros' });
    }
    // b° [K, T]: one TruncatedNormal(0, 1) draw from routingSeed, a buffer saved with the model.
    const b0 = this.params.create('mind.routing_b0', [K, T], { kind: 'zeros' }, { trainable: false });
    const r0 = new Rng(c.routingSeed);
    const B0 = b0.data;
    for (let i = 0; i < K * T; i++) B0[i] = r0.truncatedNormal();
    this.ownRng = rng.fork(2);
  }

  itemTable(): Tensor {
    return this.params.get('item_emb');
  }

  interests(batch: RetrievalBatch, opts: { training?: boolean; rng?: Rng } = {}): Interests {
    return this.forward(batch, !!opts.training, opts.rng ?? this.ownRng);
  }

  queries(batch: RetrievalBatch): Interests {
    return this.forward(batch, false, this.ownRng);
  }

  /**
   * The serving capsules and the final routing coefficients c[t, k] of each history slot
   * (read-only; inactive interests get 0).
   */
  explain(batch: RetrievalBatch): Explanation {
    return noGrad(() => {
      const trace: CapsuleTrace = {};
      const { vectors, active } = this.forward(batch, false, this.ownRng, trace);
      const { interests: K, alignment } = this.config;
      return { kind: 'routing', B: batch.B, K, T: batch.T, weights: callerWeights(trace.routed!.weights, 'BTK', batch, K, alignment), vectors: vectors.data.slice(), active };
    });
  }

  /** Steps 1–4 of docs/model-guide.md#mind (and the optional projection): capsules [B, K, D] with K′ active per row. */
  forward(batch: RetrievalBatch, training: boolean, rng: Rng, trace?: CapsuleTrace): Interests {
    const c = this.config;
    batch = modelBatch('MIND', c, batch);
    const { B, T } = batch;
    const { dim: D, interests: K } = c;
    const E = this.itemTable();
    const H = mulRows(gather(E, idTensor(batch.hist, [B, T], E.engine)), tensor(batch.mask, [B * T], 'f32', E.engine)); // [B, T, D]
    const hHat = linear(H, this.params.get('mind.S'), c.mapBias ? this.params.get('mind.S_bias') : undefined); // [B, T, D]
    const active = new Uint8Array(B * K);
    for (let b = 0; b < B; b++) active.fill(1, b * K, b * K + activeInterestCount(batch.len[b], K, c.adaptiveInterests));
    const mask = routingMask(batch.mask, active, B, T, K, 'BTK', E); // [B, T, K]
    const logits = empty([B, T, K], 'f32', E.engine); // [B, T, K]: b[k, t] of row b at (b·T + t)·K + k
    const L = logits.data;
    if (c.routingInit === 'zeros') L.fill(0);
    else if (training) {
      // Drawn in [B, K, T] order (row, interest, slot), fresh for every row and every pass.
      const draw = new Float64Array(B * K * T);
      fillTruncatedNormal(rng, draw);
      for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) L[(b * T + t) * K + k] = draw[(b * K + k) * T + t];
    } else if (c.servingRouting === 'perUser') {
      if (!batch.userKeys || batch.userKeys.length !== B) throw new Error(`MIND: servingRouting 'perUser' needs batch.userKeys (hashString of each row's raw user id, ${B} values)`);
      const draw = new Float64Array(K * T); // [K, T] of one user
      for (let b = 0; b < B; b++) {
        fillTruncatedNormal(new Rng(c.routingSeed * 2 ** 32 + batch.userKeys[b]), draw);
        for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) L[(b * T + t) * K + k] = draw[k * T + t];
      }
    } else {
      const B0 = this.params.get('mind.routing_b0').data; // [K, T]
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) L[(b * T + t) * K + k] = B0[k * T + t];
    }
    const routed = routeShared(hHat, logits, mask, c.iterations, trace?.frozen);
    let V = routed.V; // [B, K, D]
    if (c.capsuleProjection === 'relu') {
      V = relu(linear(V, this.params.get('mind.proj.W'), this.params.get('mind.proj.b'))); // [B, K, D]
      // Inactive capsules are zero before the layer but not after it: re-mask them.
      V = mulRows(V, tensor(active, [B * K], 'f32', E.engine)); // [B, K, D]
    }
    if (c.profileFields.length) V = this.profileHead(V, batch, active); // [B, K, D]
    if (trace) {
      trace.routed = routed;
      trace.vectors = V;
    }
    return { vectors: V, active };
  }

  /**
   * Step 5 of docs/model-guide.md#mind: each capsule concatenated with the user's profile embedding p_u, two dense
   * layers back to D, inactive interests re-masked (an MLP maps a zero capsule to a non-zero vector).
   */
  private profileHead(V: Tensor, batch: RetrievalBatch, active: Uint8Array): Tensor {
    const c = this.config;
    const { B } = batch;
    const { dim: D, interests: K } = c;
    const F = c.profileFields.length;
    const prof = batch.profile;
    if (!prof || prof.length !== B * F) throw new Error(`MIND: the profile head needs batch.profile with ${B}×${F} field ids (got ${prof?.length ?? 'none'})`);
    const p = this.params;
    const e = V.engine;
    const fields = c.profileFields.map((n, f) => {
      const ids = Int32Array.from({ length: B }, (_, b) => prof[b * F + f]);
      const known = Float32Array.from(ids, (i) => (i > 0 ? 1 : 0)); // id 0 (unknown) reads as zeros and gets no gradient
      return mulRows(gather(p.get(`mind.profile.table${f}`), idTensor(ids, [B], e)), tensor(known, [B], 'f32', e)); // [B, profileDim]
    });
    const pu = F > 1 ? concat(fields) : fields[0]; // [B, D_p]
    const perCapsule = gather(pu, idTensor(Int32Array.from({ length: B * K }, (_, r) => Math.floor(r / K)), [B * K], e)); // [B·K, D_p]
    const x = concat([reshape(V, [B * K, D]), perCapsule]); // [B·K, D + D_p]
    const h = relu(linear(x, p.get('mind.profile.Wa'), p.get('mind.profile.ba'))); // [B·K, H]
    let out = linear(h, p.get('mind.profile.Wb'), p.get('mind.profile.bb')); // [B·K, D]
    if (c.profileHeadLast === 'relu') out = relu(out);
    return mulRows(reshape(out, [B, K, D]), tensor(active, [B * K], 'f32', e)); // [B, K, D]
  }

  loss(batch: RetrievalBatch, rng: Rng, trace?: CapsuleTrace): Tensor {
    const c = this.config;
    checkBatch('MIND', c, batch, true);
    const { vectors, active } = this.forward(batch, true, rng, trace);
    const E = this.itemTable();
    const labels = batch.target!;
    const eY = gather(E, idTensor(labels, [batch.B], E.engine)); // [B, D]
    const user = labelAwareAttention(vectors, active, eY, c.labelAwareP); // [B, D]
    if (trace) trace.user = user;
    return itemSoftmaxLoss(c, this.params, user, batch, rng);
  }

  toString(): string {
    const c = this.config;
    return `MIND(D=${c.dim}, K=${c.interests}, T=${c.seqLen}, params=${fmtCount(this.params.count())})`;
  }
}
