// ComiRec-DR — Y. Cen et al., "Controllable Multi-Interest Framework for Recommendation", KDD 2020
// (arXiv 2005.09347), Algorithm 1. Reading fixed by docs/model-guide.md#comirec-dr, after THUDM/ComiRec:src/model.py
// (CapsuleNetwork, bilinear_type=2, Model_ComiRec_DR): a map W[t, k] per (slot, interest) with
// N(0, 1) init, zero routing logits re-created on every call, three iterations of which only the
// last is taped, K interests always active, hard read-out. Use Adam lr 5e-3 (ComiRec README).
// Switch `maps: 'perInterest'` shares one map per interest across slots (the official code's
// bilinear_type=1, glorot init): the remedy for small data, see docs/model-guide.md#comirec-dr.
import type { Tensor } from '../tensor.js';
import { idTensor, tensor, zeros } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { hardReadout } from '../nn/readout.js';
import { routePerInterest, routingMask } from '../nn/capsule.js';
import { bmm, gather, matmul, mulRows, reshape } from '../ops/index.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';
import type { CapsuleTrace } from './mind.js';
import { checkBatch, modelBatch, itemSoftmaxLoss, checkModelConfig, RETRIEVAL_EXTRA } from './common.js';
import { fmtCount } from './common.js';
import { callerWeights, type Explanation } from './explain.js';
import { noGrad } from '../autograd/tape.js';

/** ComiRec-DR settings (docs/model-guide.md#comirec-dr defaults). */
export interface ComiRecDRConfig extends RetrievalConfig {
  /** Routing iterations; only the last one is taped (default 3). */
  iterations: number;
  /**
   * 'perSlot' (default, the paper's Algorithm 1 and the official bilinear_type=2): a map W[t, k]
   * per (slot, interest), T·K·D² weights. 'perInterest': one map W[k] per interest shared by all
   * slots (the official bilinear_type=1), K·D² weights — the remedy for small data.
   */
  maps: 'perSlot' | 'perInterest';
  /**
   * Init of the maps: 'normal' N(0, 1) as the official perSlot code, 'glorot' (uniform). Unset:
   * 'normal' for perSlot, 'glorot' for perInterest (the official dense layer's init).
   */
  mapInit: 'normal' | 'glorot';
  /** Recommended Adam learning rate (default 5e-3, the ComiRec README's; read by trainers). */
  lr: number;
}

export const COMIREC_DR_DEFAULTS: Omit<ComiRecDRConfig, 'items'> = {
  dim: 64, interests: 4, seqLen: 20, negatives: { kind: 'logUniform' }, itemBias: false, alignment: 'left', seed: 1,
  iterations: 3, maps: 'perSlot', mapInit: 'normal', lr: 5e-3,
};

export class ComiRecDR implements RetrievalModel {
  readonly family = 'retrieval' as const;
  readonly kind = 'ComiRec-DR';
  readonly config: ComiRecDRConfig;
  readonly params: ParamStore;

  constructor(config: Partial<ComiRecDRConfig> & { items: number }) {
    checkModelConfig('ComiRecDR', config, COMIREC_DR_DEFAULTS, RETRIEVAL_EXTRA);
    const c: ComiRecDRConfig = { ...COMIREC_DR_DEFAULTS, ...config };
    if (config.mapInit === undefined) c.mapInit = c.maps === 'perInterest' ? 'glorot' : 'normal';
    if (!(c.items >= 2)) throw new Error(`ComiRecDR: items = ${c.items}; need ≥ 2 (row 0 is padding)`);
    if (c.maps !== 'perSlot' && c.maps !== 'perInterest') throw new Error(`ComiRecDR: maps = ${JSON.stringify(c.maps)}; use 'perSlot' or 'perInterest'`);
    if (c.mapInit !== 'normal' && c.mapInit !== 'glorot') throw new Error(`ComiRecDR: mapInit = ${JSON.stringify(c.mapInit)}; use 'normal' or 'glorot'`);
    if (!(c.iterations >= 1)) throw new Error(`ComiRecDR: iterations = ${c.iterations}; need ≥ 1`);
    this.config = c;
    this.params = new ParamStore(new Rng(c.seed).fork(1));
    const { items: N, dim: D, interests: K, seqLen: T } = c;
    this.params.create('item_emb', [N, D], { kind: 'glorot' }, { paddingRow: true, sparse: true });
    if (c.itemBias) this.params.create('item_bias', [N, 1], { kind: 'zeros' }, { paddingRow: true, sparse: true });
    if (c.maps === 'perSlot') {
      // W[t, k] is [D_out, D_in]: û_{k,t} = W[t, k] h_t (ComiRec's w[t] viewed as [K·D, D]).
      const init = c.mapInit === 'glorot' ? { kind: 'uniform' as const, limit: Math.sqrt(3 / D) } : { kind: 'normal' as const, std: 1 };
      this.params.create('dr.W', [T, K, D, D], init);
    } else {
      // W[k] is [D_out, D_in], shared by every slot: û_{k,t} = W[k] h_t. Glorot over the official
      // dense kernel [D, K·D] (limit √(6/(D + K·D))); no bias (the official layer has one).
      const init = c.mapInit === 'glorot' ? { kind: 'uniform' as const, limit: Math.sqrt(6 / (D + K * D)) } : { kind: 'normal' as const, std: 1 };
      this.params.create('dr.Wk', [K, D, D], init);
    }
  }

  itemTable(): Tensor {
    return this.params.get('item_emb');
  }

  interests(batch: RetrievalBatch, _opts: { training?: boolean; rng?: Rng } = {}): Interests {
    return this.forward(batch);
  }

  queries(batch: RetrievalBatch): Interests {
    return this.forward(batch);
  }

  /** Steps 1–4 of docs/model-guide.md#comirec-dr: capsules [B, K, D], all K active. Deterministic (no random state). */
  forward(batch: RetrievalBatch, trace?: CapsuleTrace): Interests {
    const c = this.config;
    batch = modelBatch('ComiRecDR', c, batch);
    const { B, T } = batch;
    const { dim: D, interests: K } = c;
    const E = this.itemTable();
    const e = E.engine;
    // Slot-major layout [T, B, ·]: each slot's B rows meet the same W[t] in one GEMM of the batch.
    const histT = new Int32Array(T * B);
    const maskT = new Float32Array(T * B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        histT[t * B + b] = batch.hist[b * T + t];
        maskT[t * B + b] = batch.mask[b * T + t];
      }
    }
    const H = mulRows(gather(E, idTensor(histT, [T, B], e)), tensor(maskT, [T * B], 'f32', e)); // [T, B, D]
    const uHat = c.maps === 'perSlot'
      ? reshape(bmm(H, reshape(this.params.get('dr.W'), [T, K * D, D]), false, true), [T, B * K, D]) // [T, B·K, D]: û_{k,t} of row b at t·B·K + b·K + k
      : reshape(matmul(reshape(H, [T * B, D]), reshape(this.params.get('dr.Wk'), [K * D, D]), false, true), [T, B * K, D]); // [T, B·K, D], same layout
    const active = new Uint8Array(B * K).fill(1);
    const mask = routingMask(batch.mask, active, B, T, K, 'TBK', E); // [T, B, K]
    const logits = zeros([T, B, K], 'f32', e); // b = 0, re-created on every call
    const routed = routePerInterest(uHat, logits, mask, c.iterations, trace?.frozen);
    if (trace) {
      trace.routed = routed;
      trace.vectors = routed.V;
    }
    return { vectors: routed.V, active };
  }

  /** The interests and the final routing coefficients c[t, k] of each history slot (read-only). */
  explain(batch: RetrievalBatch): Explanation {
    return noGrad(() => {
      const trace: CapsuleTrace = {};
      const { vectors, active } = this.forward(batch, trace);
      const { interests: K, alignment } = this.config;
      return { kind: 'routing', B: batch.B, K, T: batch.T, weights: callerWeights(trace.routed!.weights, 'TBK', batch, K, alignment), vectors: vectors.data.slice(), active };
    });
  }

  loss(batch: RetrievalBatch, rng: Rng, trace?: CapsuleTrace): Tensor {
    const c = this.config;
    checkBatch('ComiRecDR', c, batch, true);
    const { vectors, active } = this.forward(batch, trace);
    const E = this.itemTable();
    const labels = batch.target!;
    const eY = gather(E, idTensor(labels, [batch.B], E.engine)); // [B, D]
    const user = hardReadout(vectors, active, eY); // [B, D]
    if (trace) trace.user = user;
    return itemSoftmaxLoss(c, this.params, user, batch, rng);
  }

  toString(): string {
    const c = this.config;
    return `ComiRecDR(D=${c.dim}, K=${c.interests}, T=${c.seqLen}, maps=${c.maps}, params=${fmtCount(this.params.count())})`;
  }
}
