// SINE — Q. Tan et al., "Sparse-Interest Network for Sequential Recommendation", WSDM 2021
// (arXiv 2102.09267), in the paper form fixed by docs/model-guide.md#sine (RecBole's sine.py reading; the
// official qiaoyu-tan/SINE code differs, SINE issue #1): top-K prototypes activated from a concept
// pool with a sigmoid gate, intention assignment, rank-bound attention heads, interests φ_k,
// the intention sequence C_apt and the softmax_K(⟨φ_k, C_apt⟩/τ) aggregation, plus λ·L_c with
// each prototype centred over its D coordinates (switches covCentring, captPooling: see
// docs/model-guide.md#sine).
import type { Tensor } from '../tensor.js';
import { idTensor, tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { noGrad } from '../autograd/tape.js';
import { ParamStore } from '../nn/params.js';
import {
  add, bmm, concat, dotRows, exp, gather, layerNorm, linear, log, matmul, mul, mulRows, reshape, scale, sigmoid, softmax, tanh, transpose,
} from '../ops/index.js';
import { scatterRows } from '../ops/scatter-rows.js';
import { covarianceLoss, type CovarianceCentring } from '../loss/covariance.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';
import { checkBatch, modelBatch, fmtCount, itemSoftmaxLoss, checkModelConfig, RETRIEVAL_EXTRA } from './common.js';
import { SlotView, selfAttention } from '../nn/self-attentive.js';
import { callerWeights, type Explanation } from './explain.js';

export { covarianceLoss };

/** SINE settings (docs/model-guide.md#sine defaults). */
export interface SINEConfig extends RetrievalConfig {
  /** Prototype (concept) pool size L (default 500). */
  prototypes: number;
  /** Aggregation temperature τ (default 0.1). */
  tau: number;
  /** Weight λ of the covariance regulariser L_c (default 0.1). */
  covWeight: number;
  /**
   * Centring of L_c: 'perPrototype' (default; each prototype over its D coordinates, the paper's
   * L×L covariance with its 1/D factor, as RecBole) or 'acrossPrototypes' (minus the mean prototype).
   */
  covCentring: CovarianceCentring;
  /**
   * Projection of the C_apt attention tanh(X̂ W) w6: 'own' (default) a separate W5 [D, D];
   * 'sharedW3' reuses the assignment projection W3 (RecBole).
   */
  captPooling: 'own' | 'sharedW3';
  /** 'aggregate' (default): one query v_u; 'multi': retrieve with the K interests φ_k and merge. */
  servingMode: 'aggregate' | 'multi';
  /** Normalisation of the assignment query x_t W3: 'ln' (LN1, default, paper) or 'l2' (RecBole). */
  assignNorm: 'ln' | 'l2';
  /** Add the positions Pos to the concept-pooling attention input (official code); default false. */
  conceptPositions: boolean;
  /** Recommended Adam learning rate (default 1e-3; read by trainers). */
  lr: number;
}

export const SINE_DEFAULTS: Omit<SINEConfig, 'items'> = {
  dim: 64, interests: 4, seqLen: 20, negatives: { kind: 'logUniform' }, itemBias: false, alignment: 'left', seed: 1,
  prototypes: 500, tau: 0.1, covWeight: 0.1, covCentring: 'perPrototype', captPooling: 'own', servingMode: 'aggregate', assignNorm: 'ln', conceptPositions: false, lr: 1e-3,
};

/** What one forward pass produces (tests and inspection read the intermediate weights). */
export interface SINEForward {
  phi: Tensor; // [B, K, D] interests
  user: Tensor; // [B, D] aggregated v_u
  selected: Int32Array; // [B*K] prototype indices, descending score per row
  pkt: Tensor; // [B, T, K] P_{k|t}
  ptk: Tensor; // [B, K, T] P_{t|k}
  gate: Tensor; // [B*K, 1] σ(s[idx])
  e: Tensor; // [B, K] aggregation weights
}

const SMALL = { kind: 'normal', std: 0.01 } as const;

export class SINE implements RetrievalModel {
  readonly family = 'retrieval' as const;
  readonly kind = 'SINE';
  readonly config: SINEConfig;
  readonly params: ParamStore;

  constructor(config: Partial<SINEConfig> & { items: number }) {
    checkModelConfig('SINE', config, SINE_DEFAULTS, RETRIEVAL_EXTRA);
    const c: SINEConfig = { ...SINE_DEFAULTS, ...config };
    if (!(c.items >= 2)) throw new Error(`SINE: items = ${c.items}; need ≥ 2 (row 0 is padding)`);
    if (!(c.prototypes >= c.interests)) throw new Error(`SINE: prototypes = ${c.prototypes} < interests = ${c.interests}`);
    if (c.covCentring !== 'perPrototype' && c.covCentring !== 'acrossPrototypes') throw new Error(`SINE: covCentring = ${JSON.stringify(c.covCentring)}; use 'perPrototype' or 'acrossPrototypes'`);
    if (c.captPooling !== 'own' && c.captPooling !== 'sharedW3') throw new Error(`SINE: captPooling = ${JSON.stringify(c.captPooling)}; use 'own' or 'sharedW3'`);
    this.config = c;
    this.params = new ParamStore(new Rng(c.seed).fork(1));
    const { items: N, dim: D, interests: K, seqLen: T, prototypes: L } = c;
    const p = this.params;
    p.create('item_emb', [N, D], { kind: 'glorot' }, { paddingRow: true, sparse: true });
    if (c.itemBias) p.create('item_bias', [N, 1], { kind: 'zeros' }, { paddingRow: true, sparse: true });
    p.create('sine.C', [L, D], { kind: 'normal', std: Math.sqrt(2 / (L + D)) }); // glorot-normal
    p.create('sine.W1', [D, D], SMALL);
    p.create('sine.w2', [D, 1], SMALL);
    p.create('sine.W3', [D, D], SMALL);
    p.create('sine.pos', [T, D], SMALL);
    for (let k = 0; k < K; k++) {
      p.create(`sine.Wk1.${k}`, [D, D], SMALL);
      p.create(`sine.wk2.${k}`, [D, 1], SMALL);
    }
    if (c.captPooling === 'own') p.create('sine.W5', [D, D], SMALL);
    p.create('sine.w6', [D, 1], SMALL);
    for (const ln of ['ln1', 'ln2', 'ln3', 'ln4']) {
      p.create(`sine.${ln}.g`, [D], { kind: 'ones' });
      p.create(`sine.${ln}.b`, [D], { kind: 'zeros' });
    }
  }

  itemTable(): Tensor {
    return this.params.get('item_emb');
  }

  private ln(x: Tensor, name: string): Tensor {
    return layerNorm(x, this.params.get(`sine.${name}.g`), this.params.get(`sine.${name}.b`));
  }

  /**
   * Steps 1–7 of docs/model-guide.md#sine. The per-slot MLPs (concept pooling, assignment query, heads,
   * intention pooling) run on the valid slots only (nn/self-attentive) and are scattered back to [B, T, ·]: padded
   * slots get weight exactly 0 in every masked softmax, so the outputs equal the dense form.
   */
  forward(batch: RetrievalBatch): SINEForward {
    const c = this.config;
    batch = modelBatch('SINE', c, batch);
    const B = batch.B;
    const { dim: D, interests: K, prototypes: L } = c;
    const p = this.params;
    const E = this.itemTable();
    const e = E.engine;
    const slots = new SlotView(batch, E);
    const Xv = slots.items(E); // [n, D] valid x_t
    const X = slots.dense(Xv); // [B, T, D] = E[hist] ⊙ m
    const XPv = add(Xv, slots.positions(p.get('sine.pos'))); // [n, D] x_t + p_t
    // 2. Concept activation: z, scores against the pool, top-K prototypes with a sigmoid gate.
    const a = selfAttention(slots, c.conceptPositions ? XPv : Xv, { W1: p.get('sine.W1'), W2: p.get('sine.w2') }); // [B, 1, T]
    const z = reshape(bmm(a, X), [B, D]); // [B, D]
    const C = p.get('sine.C');
    const s = matmul(z, C, false, true); // [B, L]
    const selected = new Int32Array(B * K);
    noGrad(() => topKIndices(s.data, B, L, K, selected));
    const flat = Int32Array.from(selected, (l, i) => Math.floor(i / K) * L + l);
    const gate = sigmoid(gather(reshape(s, [B * L, 1]), idTensor(flat, [B * K], e))); // [B*K, 1]
    const Cu = reshape(mulRows(gather(C, idTensor(selected, [B * K], e)), reshape(gate, [B * K])), [B, K, D]); // [B, K, D]
    // 3. Intention assignment P_{k|t} over the K selected prototypes (padded t: uniform, unused).
    const qv = linear(Xv, p.get('sine.W3')); // [n, D]
    const q = slots.dense(c.assignNorm === 'l2' ? l2Normalize(qv) : this.ln(qv, 'ln1')); // [B, T, D]
    const pkt = softmax(bmm(q, this.ln(Cu, 'ln2'), false, true)); // [B, T, K]
    // 4. Attention weighting: head k (bound to rank k) over the valid slots. The K heads run as
    // one [D, K·D] product and a block-diagonal [K·D, K] read-out of the wk2[k].
    const Wk1: Tensor[] = [], wk2: Tensor[] = [];
    for (let k = 0; k < K; k++) {
      Wk1.push(p.get(`sine.Wk1.${k}`));
      wk2.push(reshape(p.get(`sine.wk2.${k}`), [1, D]));
    }
    const headScores = matmul(tanh(matmul(XPv, concat(Wk1))), blockDiagonal(reshape(concat(wk2), [K * D, 1]), K, D)); // [n, K]
    const ptk = slots.attend(headScores); // [B, K, T]
    // 5. Interests φ_k = LN3(Σ_t P_{k|t} P_{t|k} x_t).
    const phi = this.ln(bmm(mul(transpose(pkt), ptk), X), 'ln3'); // [B, K, D]
    // 6. Intention sequence and its attentive pooling C_apt.
    const Xhat = bmm(pkt, Cu); // [B, T, D]
    const XhatV = slots.pick(Xhat); // [n, D]
    const W5 = p.get(c.captPooling === 'own' ? 'sine.W5' : 'sine.W3');
    const beta = selfAttention(slots, XhatV, { W1: W5, W2: p.get('sine.w6') }); // [B, 1, T]
    const capt = this.ln(reshape(bmm(beta, Xhat), [B, D]), 'ln4'); // [B, D]
    // 7. Aggregation e = softmax_K(⟨φ_k, C_apt⟩ / τ); v_u = Σ_k e_k φ_k.
    const eK = softmax(scale(reshape(bmm(phi, reshape(capt, [B, D, 1])), [B, K]), 1 / c.tau)); // [B, K]
    const user = reshape(bmm(reshape(eK, [B, 1, K]), phi), [B, D]); // [B, D]
    return { phi, user, selected, pkt, ptk, gate, e: eK };
  }

  /**
   * How often each prototype is among a row's top-K in `batch` → [L], summing to B·K. With L 500
   * most prototypes are rarely selected (docs/model-guide.md#sine): log this histogram at each evaluation.
   * Runs the forward without recording; the caller resets the arena as after any inference.
   */
  selectionCounts(batch: RetrievalBatch): Int32Array {
    const counts = new Int32Array(this.config.prototypes);
    const { selected } = noGrad(() => this.forward(batch));
    for (const l of selected) counts[l]++;
    return counts;
  }

  /** The K interests φ_k [B, K, D]. */
  interests(batch: RetrievalBatch): Interests {
    const { phi } = this.forward(batch);
    return { vectors: phi, active: new Uint8Array(batch.B * this.config.interests).fill(1) };
  }

  /**
   * The interests φ_k with the intention assignment P(k | t) of each history slot as `weights`,
   * the heads' attention P(t | k), the selected prototypes and the aggregation weights (read-only).
   */
  explain(batch: RetrievalBatch): Explanation {
    return noGrad(() => {
      const f = this.forward(batch);
      const { interests: K, alignment } = this.config;
      return {
        kind: 'assignment', B: batch.B, K, T: batch.T,
        weights: callerWeights(f.pkt, 'BTK', batch, K, alignment), vectors: f.phi.data.slice(),
        active: new Uint8Array(batch.B * K).fill(1), attention: callerWeights(f.ptk, 'BKT', batch, K, alignment),
        prototypes: Int32Array.from(f.selected), aggregation: f.e.data.slice(),
      };
    });
  }

  /** 'aggregate': v_u as [B, 1, D]; 'multi': the K interests. */
  queries(batch: RetrievalBatch): Interests {
    if (this.config.servingMode === 'multi') return this.interests(batch);
    const { user } = this.forward(batch);
    return { vectors: reshape(user, [batch.B, 1, this.config.dim]), active: new Uint8Array(batch.B).fill(1) };
  }

  /** Sampled softmax of v_u plus λ·L_c(C). */
  loss(batch: RetrievalBatch, rng: Rng): Tensor {
    const c = this.config;
    checkBatch('SINE', c, batch, true);
    const { user } = this.forward(batch);
    const ssm = itemSoftmaxLoss(c, this.params, user, batch, rng);
    return c.covWeight > 0 ? add(ssm, scale(covarianceLoss(this.params.get('sine.C'), c.covCentring), c.covWeight)) : ssm;
  }

  toString(): string {
    const c = this.config;
    return `SINE(D=${c.dim}, K=${c.interests}, L=${c.prototypes}, T=${c.seqLen}, params=${fmtCount(this.params.count())})`;
  }
}

/**
 * [K·D, 1] stacked vectors w_k → [K·D, K] with w_k in rows k·D..k·D+D−1 of column k, zeros
 * elsewhere (so [n, K·D] × it = the K per-head dot products).
 */
function blockDiagonal(w: Tensor, K: number, D: number): Tensor {
  const pos = new Int32Array(K * D);
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) pos[k * D + d] = (k * D + d) * K + k;
  return reshape(scatterRows(w, idTensor(pos, [K * D], w.engine), [K * D * K, 1]), [K * D, K]);
}

/** x / ‖x‖ per row (F.normalize with eps 1e-12 on the norm): [n, D] → [n, D]. */
function l2Normalize(x: Tensor): Tensor {
  const eps = tensor(new Float32Array(x.rows).fill(1e-24), [x.rows], 'f32', x.engine);
  return mulRows(x, exp(scale(log(add(dotRows(x, x), eps)), -0.5)));
}

/**
 * Per row, the K largest scores in descending order; a tie goes to the lower index (insertion
 * keeps the earlier of equal scores first). One pass over L with a sorted list of K.
 */
export function topKIndices(s: Float32Array | Float64Array, B: number, L: number, K: number, out: Int32Array): void {
  const val = new Float64Array(K);
  for (let b = 0; b < B; b++) {
    const row = b * L;
    const idx = out.subarray(b * K, b * K + K);
    let count = 0;
    for (let l = 0; l < L; l++) {
      const v = s[row + l];
      if (count === K && !(v > val[K - 1])) continue;
      let j = count < K ? count++ : K - 1;
      while (j > 0 && v > val[j - 1]) {
        val[j] = val[j - 1];
        idx[j] = idx[j - 1];
        j--;
      }
      val[j] = v;
      idx[j] = l;
    }
  }
}
