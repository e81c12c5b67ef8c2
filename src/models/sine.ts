// SINE — Q. Tan et al., "Sparse-Interest Network for Sequential Recommendation", WSDM 2021
// (arXiv 2102.09267), in the paper form fixed by models.md §5 (RecBole's sine.py reading; the
// official qiaoyu-tan/SINE code differs, SINE issue #1): top-K prototypes activated from a concept
// pool with a sigmoid gate, intention assignment, rank-bound attention heads, interests φ_k,
// the intention sequence C_apt and the softmax_K(⟨φ_k, C_apt⟩/τ) aggregation, plus λ·L_c.
import type { Tensor } from '../tensor.js';
import { empty, idTensor, tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { noGrad } from '../autograd/tape.js';
import { ParamStore } from '../nn/params.js';
import {
  add, addRow, bmm, concat, dotRows, gather, layerNorm, linear, matmul, mul, mulRows, reshape, scale, sigmoid, softmax, sub, sum, tanh, transpose,
} from '../ops/index.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';
import { checkBatch, itemSoftmaxLoss } from './common.js';
import { fmtCount } from './common.js';

/** SINE settings (models.md §5 defaults). */
export interface SINEConfig extends RetrievalConfig {
  /** Prototype (concept) pool size L (default 500). */
  prototypes: number;
  /** Aggregation temperature τ (default 0.1). */
  tau: number;
  /** Weight λ of the covariance regulariser L_c (default 0.1). */
  covWeight: number;
  /** 'aggregate' (default): one query v_u; 'multi': retrieve with the K interests φ_k and merge. */
  servingMode: 'aggregate' | 'multi';
  /** Recommended Adam learning rate (default 1e-3; read by trainers). */
  lr: number;
}

export const SINE_DEFAULTS: Omit<SINEConfig, 'items'> = {
  dim: 64, interests: 4, seqLen: 20, negatives: { kind: 'logUniform' }, itemBias: false, seed: 1,
  prototypes: 500, tau: 0.1, covWeight: 0.1, servingMode: 'aggregate', lr: 1e-3,
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
  readonly kind = 'SINE';
  readonly config: SINEConfig;
  readonly params: ParamStore;

  constructor(config: Partial<SINEConfig> & { items: number }) {
    const c: SINEConfig = { ...SINE_DEFAULTS, ...config };
    if (!(c.items >= 2)) throw new Error(`SINE: items = ${c.items}; need ≥ 2 (row 0 is padding)`);
    if (!(c.prototypes >= c.interests)) throw new Error(`SINE: prototypes = ${c.prototypes} < interests = ${c.interests}`);
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
    p.create('sine.W5', [D, D], SMALL);
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

  /** Steps 1–7 of models.md §5. */
  forward(batch: RetrievalBatch): SINEForward {
    const c = this.config;
    checkBatch('SINE', c, batch, false);
    const { B, T } = batch;
    const { dim: D, interests: K, prototypes: L } = c;
    const p = this.params;
    const E = this.itemTable();
    const e = E.engine;
    const maskBT = tensor(batch.mask, [B, T], 'f32', e);
    const X = mulRows(gather(E, idTensor(batch.hist, [B, T], e)), reshape(maskBT, [B * T])); // [B, T, D]
    // 2. Concept activation: z, scores against the pool, top-K prototypes with a sigmoid gate.
    const a = softmax(reshape(linear(tanh(linear(X, p.get('sine.W1'))), p.get('sine.w2')), [B, T]), maskBT); // [B, T]
    const z = reshape(bmm(reshape(a, [B, 1, T]), X), [B, D]); // [B, D]
    const C = p.get('sine.C');
    const s = matmul(z, C, false, true); // [B, L]
    const selected = new Int32Array(B * K);
    noGrad(() => topKIndices(s.data, B, L, K, selected));
    const flat = Int32Array.from(selected, (l, i) => Math.floor(i / K) * L + l);
    const gate = sigmoid(gather(reshape(s, [B * L, 1]), idTensor(flat, [B * K], e))); // [B*K, 1]
    const Cu = reshape(mulRows(gather(C, idTensor(selected, [B * K], e)), reshape(gate, [B * K])), [B, K, D]); // [B, K, D]
    // 3. Intention assignment P_{k|t} over the K selected prototypes.
    const q = this.ln(linear(X, p.get('sine.W3')), 'ln1'); // [B, T, D]
    const pkt = softmax(bmm(q, this.ln(Cu, 'ln2'), false, true)); // [B, T, K]
    // 4. Attention weighting: head k (bound to rank k) over the valid slots.
    const XP = reshape(addRow(reshape(X, [B, T * D]), reshape(p.get('sine.pos'), [T * D])), [B, T, D]); // [B, T, D]
    const heads: Tensor[] = [];
    for (let k = 0; k < K; k++) heads.push(linear(tanh(linear(XP, p.get(`sine.Wk1.${k}`))), p.get(`sine.wk2.${k}`))); // [B, T, 1]
    const maskBKT = empty([B, K, T], 'f32', e);
    const M = maskBKT.data;
    for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) M.set(batch.mask.subarray(b * T, (b + 1) * T), (b * K + k) * T);
    const ptk = softmax(transpose(concat(heads)), maskBKT); // [B, K, T]
    // 5. Interests φ_k = LN3(Σ_t P_{k|t} P_{t|k} x_t).
    const phi = this.ln(bmm(mul(transpose(pkt), ptk), X), 'ln3'); // [B, K, D]
    // 6. Intention sequence and its attentive pooling C_apt.
    const Xhat = bmm(pkt, Cu); // [B, T, D]
    const beta = softmax(reshape(linear(tanh(linear(Xhat, p.get('sine.W5'))), p.get('sine.w6')), [B, T]), maskBT); // [B, T]
    const capt = this.ln(reshape(bmm(reshape(beta, [B, 1, T]), Xhat), [B, D]), 'ln4'); // [B, D]
    // 7. Aggregation e = softmax_K(⟨φ_k, C_apt⟩ / τ); v_u = Σ_k e_k φ_k.
    const eK = softmax(scale(reshape(bmm(phi, reshape(capt, [B, D, 1])), [B, K]), 1 / c.tau)); // [B, K]
    const user = reshape(bmm(reshape(eK, [B, 1, K]), phi), [B, D]); // [B, D]
    return { phi, user, selected, pkt, ptk, gate, e: eK };
  }

  /** The K interests φ_k [B, K, D]. */
  interests(batch: RetrievalBatch): Interests {
    const { phi } = this.forward(batch);
    return { vectors: phi, active: new Uint8Array(batch.B * this.config.interests).fill(1) };
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
    return c.covWeight > 0 ? add(ssm, scale(covarianceLoss(this.params.get('sine.C')), c.covWeight)) : ssm;
  }

  toString(): string {
    const c = this.config;
    return `SINE(D=${c.dim}, K=${c.interests}, L=${c.prototypes}, T=${c.seqLen}, params=${fmtCount(this.params.count())})`;
  }
}

/**
 * L_c = ½ (‖M‖_F² − ‖diag M‖²), M = (1/D)(C − C̄)(C − C̄)ᵀ centred over prototypes (models.md §5):
 * invariant to translating every prototype by the same vector. Computed without the [L, L]
 * matrix: ‖Cc Ccᵀ‖_F = ‖Ccᵀ Cc‖_F (a [D, D] Gram) and M_ll = ‖c_l‖² / D.
 */
export function covarianceLoss(C: Tensor): Tensor {
  const [L, D] = C.shape;
  const e = C.engine;
  const avg = tensor(new Float64Array(L).fill(1 / L), [1, L], 'f32', e);
  const centred = addRow(C, reshape(scale(matmul(avg, C), -1), [D])); // [L, D]
  const gram = matmul(centred, centred, true, false); // [D, D]
  const frob = sum(mul(gram, gram)); // ‖M‖_F² · D²
  const diag = dotRows(centred, centred); // [L] = D · M_ll
  return scale(sub(frob, sum(mul(diag, diag))), 0.5 / (D * D));
}

/** Per row, the K largest scores in descending order (ties: lower index). */
function topKIndices(s: Float32Array | Float64Array, B: number, L: number, K: number, out: Int32Array): void {
  for (let b = 0; b < B; b++) {
    const row = b * L;
    for (let k = 0; k < K; k++) {
      let best = -1;
      for (let l = 0; l < L; l++) {
        let taken = false;
        for (let j = 0; j < k; j++) if (out[b * K + j] === l) taken = true;
        if (taken) continue;
        if (best < 0 || s[row + l] > s[row + best]) best = l;
      }
      out[b * K + k] = best;
    }
  }
}
