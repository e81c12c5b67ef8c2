// ComiRec-SA — Y. Cen et al., "Controllable Multi-Interest Framework for Recommendation",
// KDD 2020 (arXiv 2005.09347), eqs. 5–8; reference THUDM/ComiRec:src/model.py Model_ComiRec_SA.
// Self-attentive multi-interest extraction (docs/model-guide.md#comirec-sa): A = softmax_T(W2 tanh(W1 (H+P)ᵀ)),
// masked over padding, V = A·H with the raw item embeddings as values, hard read-out, sampled
// softmax against the tied item table.
import type { Tensor } from '../tensor.js';
import { idTensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { hardReadout } from '../nn/readout.js';
import { add, bmm, gather } from '../ops/index.js';
import { SlotView, selfAttention } from '../nn/self-attentive.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';
import { checkBatch, modelBatch, fmtCount, itemSoftmaxLoss, checkModelConfig, RETRIEVAL_EXTRA } from './common.js';
import { callerWeights, type Explanation } from './explain.js';
import { noGrad } from '../autograd/tape.js';

/** ComiRec-SA settings (docs/model-guide.md#comirec-sa defaults). */
export interface ComiRecSAConfig extends RetrievalConfig {
  /** Width of the attention MLP W1 [D, width] (default 4·D, "set by intuition", ComiRec #16). */
  attentionWidth: number;
  /** 'learned' positional table P [T, D] added to the attention input (default), or 'none'. */
  positions: 'learned' | 'none';
  /** Use H + P as the values too (ReChorus #46); default false: raw embeddings, as ComiRec. */
  valuesWithPositions: boolean;
  /** Recommended Adam learning rate (default 1e-3; read by trainers). */
  lr: number;
}

export const COMIREC_SA_DEFAULTS: Omit<ComiRecSAConfig, 'items' | 'attentionWidth'> & { attentionWidth?: number } = {
  dim: 64, interests: 4, seqLen: 20, negatives: { kind: 'logUniform' }, itemBias: false, alignment: 'left', seed: 1,
  positions: 'learned', valuesWithPositions: false, lr: 1e-3,
};

export class ComiRecSA implements RetrievalModel {
  readonly family = 'retrieval' as const;
  readonly kind = 'ComiRec-SA';
  readonly config: ComiRecSAConfig;
  readonly params: ParamStore;

  constructor(config: Partial<ComiRecSAConfig> & { items: number }) {
    checkModelConfig('ComiRecSA', config, COMIREC_SA_DEFAULTS, { ...RETRIEVAL_EXTRA, attentionWidth: 'integer', positions: ['learned', 'none'] });
    const merged = { ...COMIREC_SA_DEFAULTS, ...config };
    const c: ComiRecSAConfig = { ...merged, attentionWidth: merged.attentionWidth ?? 4 * merged.dim } as ComiRecSAConfig;
    if (!(c.items >= 2)) throw new Error(`ComiRecSA: items = ${c.items}; need ≥ 2 (row 0 is padding)`);
    this.config = c;
    const rng = new Rng(c.seed);
    this.params = new ParamStore(rng.fork(1));
    const { items: N, dim: D, interests: K, seqLen: T, attentionWidth: W } = c;
    this.params.create('item_emb', [N, D], { kind: 'glorot' }, { paddingRow: true, sparse: true });
    if (c.itemBias) this.params.create('item_bias', [N, 1], { kind: 'zeros' }, { paddingRow: true, sparse: true });
    if (c.positions === 'learned') this.params.create('sa.pos', [T, D]);
    this.params.create('sa.W1', [D, W]);
    this.params.create('sa.b1', [W], { kind: 'zeros' });
    this.params.create('sa.W2', [W, K]);
    this.params.create('sa.b2', [K], { kind: 'zeros' });
  }

  itemTable(): Tensor {
    return this.params.get('item_emb');
  }

  /**
   * Interests V [B, K, D] (all K active). Deterministic: training and serving agree.
   * `trace.attention` receives A [B, K, T] (tests, inspection).
   */
  interests(batch: RetrievalBatch, opts: { training?: boolean; trace?: { attention?: Tensor } } = {}): Interests {
    const c = this.config;
    batch = modelBatch('ComiRecSA', c, batch);
    const B = batch.B;
    const K = c.interests;
    const E = this.itemTable();
    const p = this.params;
    const slots = new SlotView(batch, E); // the attention MLP runs on the valid slots only
    const Hv = slots.items(E); // [n, D] valid history embeddings
    const H = slots.dense(Hv); // [B, T, D] = E[hist] ⊙ m
    const Xv = c.positions === 'learned' ? add(Hv, slots.positions(p.get('sa.pos'))) : Hv; // [n, D] = (H + P) at valid slots
    const A = selfAttention(slots, Xv, { W1: p.get('sa.W1'), b1: p.get('sa.b1'), W2: p.get('sa.W2'), b2: p.get('sa.b2') }); // [B, K, T]
    if (opts.trace) opts.trace.attention = A;
    const V = bmm(A, c.valuesWithPositions ? slots.dense(Xv) : H); // [B, K, D]
    return { vectors: V, active: new Uint8Array(B * K).fill(1) };
  }

  queries(batch: RetrievalBatch): Interests {
    return this.interests(batch);
  }

  /** The interests and their attention A [B, K, T] over the history slots (read-only). */
  explain(batch: RetrievalBatch): Explanation {
    return noGrad(() => {
      const trace: { attention?: Tensor } = {};
      const { vectors, active } = this.interests(batch, { trace });
      const { interests: K, alignment } = this.config;
      return { kind: 'attention', B: batch.B, K, T: batch.T, weights: callerWeights(trace.attention!, 'BKT', batch, K, alignment), vectors: vectors.data.slice(), active };
    });
  }

  loss(batch: RetrievalBatch, rng: Rng): Tensor {
    const c = this.config;
    checkBatch('ComiRecSA', c, batch, true);
    const { vectors, active } = this.interests(batch);
    const E = this.itemTable();
    const labels = batch.target!;
    const eY = gather(E, idTensor(labels, [batch.B], E.engine)); // [B, D]
    const user = hardReadout(vectors, active, eY); // [B, D]
    return itemSoftmaxLoss(c, this.params, user, batch, rng);
  }

  toString(): string {
    const c = this.config;
    return `ComiRecSA(D=${c.dim}, K=${c.interests}, T=${c.seqLen}, params=${fmtCount(this.params.count())})`;
  }
}
