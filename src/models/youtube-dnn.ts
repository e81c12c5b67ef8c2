// YouTube DNN baseline — Covington et al., RecSys 2016, as ComiRec's Model_DNN
// (THUDM/ComiRec:src/model.py; docs/model-guide.md#retrieval-baselines): v_u = (Σ_t m_t h_t / (n_b + 1e-9)) W + b, one vector
// per user, sampled softmax against the tied item table, no merge at serving.
import type { Tensor } from '../tensor.js';
import { idTensor, tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { bmm, gather, linear, reshape } from '../ops/index.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';
import { checkBatch, modelBatch, itemSoftmaxLoss, checkModelConfig, RETRIEVAL_EXTRA } from './common.js';
import { fmtCount } from './common.js';
import type { Explanation } from './explain.js';
import { noGrad } from '../autograd/tape.js';

export interface YouTubeDNNConfig extends RetrievalConfig {
  /** Recommended Adam learning rate (default 1e-3; read by trainers). */
  lr: number;
}

export const YOUTUBE_DNN_DEFAULTS: Omit<YouTubeDNNConfig, 'items'> = {
  dim: 64, interests: 1, seqLen: 20, negatives: { kind: 'logUniform' }, itemBias: false, alignment: 'left', seed: 1, lr: 1e-3,
};

export class YouTubeDNN implements RetrievalModel {
  readonly family = 'retrieval' as const;
  readonly kind = 'YouTubeDNN';
  readonly config: YouTubeDNNConfig;
  readonly params: ParamStore;

  constructor(config: Partial<YouTubeDNNConfig> & { items: number }) {
    checkModelConfig('YouTubeDNN', config, YOUTUBE_DNN_DEFAULTS, RETRIEVAL_EXTRA);
    const c: YouTubeDNNConfig = { ...YOUTUBE_DNN_DEFAULTS, ...config, interests: 1 };
    if (!(c.items >= 2)) throw new Error(`YouTubeDNN: items = ${c.items}; need ≥ 2 (row 0 is padding)`);
    this.config = c;
    this.params = new ParamStore(new Rng(c.seed).fork(1));
    this.params.create('item_emb', [c.items, c.dim], { kind: 'glorot' }, { paddingRow: true, sparse: true });
    if (c.itemBias) this.params.create('item_bias', [c.items, 1], { kind: 'zeros' }, { paddingRow: true, sparse: true });
    this.params.create('dnn.W', [c.dim, c.dim]);
    this.params.create('dnn.b', [c.dim], { kind: 'zeros' });
  }

  itemTable(): Tensor {
    return this.params.get('item_emb');
  }

  /** One user vector per row, as [B, 1, D]. */
  interests(batch: RetrievalBatch): Interests {
    batch = modelBatch('YouTubeDNN', this.config, batch);
    const { B, T } = batch;
    const E = this.itemTable();
    const e = E.engine;
    const weights = new Float32Array(B * T); // m_t / (n_b + 1e-9): masked mean over the window
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) weights[b * T + t] = batch.mask[b * T + t] / (batch.len[b] + 1e-9);
    const H = gather(E, idTensor(batch.hist, [B, T], e)); // [B, T, D]
    const pooled = bmm(tensor(weights, [B, 1, T], 'f32', e), H); // [B, 1, D]
    const v = linear(reshape(pooled, [B, this.config.dim]), this.params.get('dnn.W'), this.params.get('dnn.b')); // [B, D]
    return { vectors: reshape(v, [B, 1, this.config.dim]), active: new Uint8Array(B).fill(1) };
  }

  queries(batch: RetrievalBatch): Interests {
    return this.interests(batch);
  }

  /** The user vector and its mean-pooling weights 1/n over the valid slots (read-only). */
  explain(batch: RetrievalBatch): Explanation {
    return noGrad(() => {
      const { vectors, active } = this.interests(batch);
      const { B, T, mask, len } = batch;
      const weights = vectors.data instanceof Float64Array ? new Float64Array(B * T) : new Float32Array(B * T);
      for (let i = 0; i < B * T; i++) weights[i] = mask[i] / (len[Math.floor(i / T)] + 1e-9);
      return { kind: 'mean', B, K: 1, T, weights, vectors: vectors.data.slice(), active };
    });
  }

  loss(batch: RetrievalBatch, rng: Rng): Tensor {
    checkBatch('YouTubeDNN', this.config, batch, true);
    const { B } = batch;
    const user = reshape(this.interests(batch).vectors, [B, this.config.dim]); // [B, D]
    return itemSoftmaxLoss(this.config, this.params, user, batch, rng);
  }

  toString(): string {
    const c = this.config;
    return `YouTubeDNN(D=${c.dim}, T=${c.seqLen}, params=${fmtCount(this.params.count())})`;
  }
}
