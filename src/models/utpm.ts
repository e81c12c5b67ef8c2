// UTPM — S. Yan et al., "Learning to Build User-tag Profile in Recommendation System", CIKM 2020
// (doi 10.1145/3340531.3412719); no official code. The reading is in docs/model-guide.md#utpm:
// two-level attention fusion with per-head global queries (ln w of a value's weight in the
// level-1 logits, the library's own choice), the FM cross layer in Gram form, two FC layers to u,
// and the paper's joint loss σ(Σ_{t∈τ(item)}⟨u, Θ_t⟩). Layer sizes follow Wang-Yu-Qing/UTPM:model.py,
// the learning rate Czkonverse/UTPM; the 'scale' value weighting (t_i · w_i, WeightComputeLayer)
// and the trainable scale and bias of `jointAffine` (Dense(1, sigmoid), JointLossUTPM) are
// Czkonverse/UTPM:src/model/layer.py's.
import { fmtCount, checkModelConfig } from './common.js';
import type { Tensor } from '../tensor.js';
import { idTensor, tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { noGrad } from '../autograd/tape.js';
import {
  add, bceWithLogits, bmm, concat, dotRows, gather, linear, matmul, mulRows, relu, reshape, softmax,
} from '../ops/index.js';
import { crossPairs, fmCross } from '../ops/fm-cross.js';
import type { FieldBatch, FieldSpec, TagBatch, TagTask, UserFields } from '../nn/field-batch.js';
import { defaultTagNames, profileOf, sigmoid, type ProfileTag, type TagModel } from './tag-model.js';
import { pickRows } from '../nn/field-pooling.js';

/** UTPM settings (docs/model-guide.md#utpm defaults). */
export interface UTPMConfig {
  /** Input fields (multi-valued weighted lists and single-valued ids). */
  fields: FieldSpec[];
  /** Rows of the output tag table Θ, padding row 0 included. */
  tags: number;
  /** Tag names by id (index 0 = padding); default `t<id>`. */
  tagNames?: string[];
  /** E: field value embedding size (default 16). */
  embedDim: number;
  /** A: attention hidden size (default 8). */
  attnDim: number;
  /** C: FM latent size (default 4). */
  fmDim: number;
  /** H1: first FC width (default 32). */
  hidden: number;
  /** U: user and tag vector size (default 16). */
  userDim: number;
  /** Attention heads, each with its own global query (default 2). */
  heads: number;
  /** Values kept per multi-valued field, heaviest first (default 100; applied by the data layer). */
  maxValues: number;
  /** Training label of the joint loss: 'click' scores the CTR task, 'conversion' the CVR task (default 'click'). */
  label: 'click' | 'conversion';
  /** 'log' (default): ln w added to level-1 logits; 'scale': t_i multiplied by w_i (Czkonverse's WeightComputeLayer). */
  valueWeighting: 'log' | 'scale';
  /** 'sum' (default) of the item's tag scores in the joint logit, or their 'mean'. */
  itemScore: 'sum' | 'mean';
  /**
   * false (default, the paper's joint loss): logit = Σ_t ⟨u, Θ_t⟩. true: w · Σ_t ⟨u, Θ_t⟩ + b with
   * a trainable scale w (init 1) and bias b (init 0), as Czkonverse's Dense(1, sigmoid).
   */
  jointAffine: boolean;
  /** Use the input table of `tagField` as Θ (Czkonverse; needs embedDim = userDim). Default false. */
  tieTagTables: boolean;
  /** Field holding tag ids (tied tables, `candidates: 'history'`); default 'hist_tags'. */
  tagField: string;
  /** ReLU on u (default) or 'none'. */
  finalActivation: 'relu' | 'none';
  /** FM cross layer on (default true). */
  cross: boolean;
  /** Serving candidates: every tag (default) or only tags in the user's `tagField` ('history', the paper's set). */
  candidates: 'all' | 'history';
  /** Seed of parameter initialisation (default 1). */
  seed: number;
}

export const UTPM_DEFAULTS: Omit<UTPMConfig, 'fields' | 'tags'> = {
  embedDim: 16, attnDim: 8, fmDim: 4, hidden: 32, userDim: 16, heads: 2, maxValues: 100,
  label: 'click', valueWeighting: 'log', itemScore: 'sum', jointAffine: false, tieTagTables: false, tagField: 'hist_tags',
  finalActivation: 'relu', cross: true, candidates: 'all', seed: 1,
};

/** Intermediate values of one forward pass (tests and inspection). */
export interface UTPMTrace {
  /** Level-1 weights per head and multi field: [B, n]. */
  alpha: Tensor[][];
  /** Level-1 outputs per head and multi field: [B, E]. */
  fused: Tensor[][];
  /** Level-2 weights per head: [B, F]. */
  beta: Tensor[];
  /** Head outputs o_h: [B, E]. */
  heads: Tensor[];
  /** x = [o_1; …; o_h] [B, hE] and the cross features c [B, hE(hE−1)/2]. */
  x?: Tensor;
  cross?: Tensor;
}

export class UTPM implements TagModel {
  readonly family = 'tag' as const;
  readonly kind = 'UTPM';
  readonly rows = 'item' as const;
  readonly config: UTPMConfig;
  readonly params: ParamStore;
  readonly tasks: readonly TagTask[];
  readonly tagNames: string[];
  private readonly tables: Tensor[];
  private readonly q: Tensor[]; // per head [A, 1]
  private readonly w1: Map<string, Tensor>; // `${h}.${f}` → [E, A], and b1
  private readonly b1: Map<string, Tensor>;
  private readonly w2: Tensor[];
  private readonly b2: Tensor[];
  private readonly v: Tensor | null;
  private readonly fc: [Tensor, Tensor, Tensor, Tensor];
  readonly theta: Tensor;
  private readonly wScale: Tensor | null; // [1, 1] (jointAffine only)
  private readonly bias: Tensor | null; // [1]

  constructor(config: Partial<UTPMConfig> & Pick<UTPMConfig, 'fields' | 'tags'>) {
    checkModelConfig('UTPM', config, UTPM_DEFAULTS, { fields: 'array', tags: 'integer', tagNames: 'array', tagGroups: 'array', seed: 'number' }, ['fields', 'tags']);
    const c = (this.config = { ...UTPM_DEFAULTS, ...config });
    const { embedDim: E, attnDim: A, fmDim: C, hidden: H1, userDim: U, heads } = c;
    if (!c.fields.length) throw new Error('UTPM: no input fields');
    if (heads < 1) throw new Error(`UTPM: heads = ${heads}; need at least 1`);
    this.tasks = [c.label === 'click' ? 'ctr' : 'cvr'];
    this.tagNames = defaultTagNames(c.tags, c.tagNames);
    const p = (this.params = new ParamStore(new Rng(c.seed)));
    const own = new Map<string, Tensor>();
    for (const f of c.fields) if (!f.table) own.set(f.name, p.create(`table.${f.name}`, [f.size, E], { kind: 'glorot' }, { paddingRow: true, sparse: true }));
    this.tables = c.fields.map((f) => {
      const t = own.get(f.table ?? f.name);
      if (!t) throw new Error(`UTPM: field "${f.name}" shares table "${f.table}", which has no table of its own`);
      return t;
    });
    this.q = [];
    this.w1 = new Map();
    this.b1 = new Map();
    this.w2 = [];
    this.b2 = [];
    for (let h = 0; h < heads; h++) {
      this.q.push(p.create(`head${h}.q`, [A, 1]));
      for (const f of c.fields) {
        if (f.kind !== 'multi') continue;
        this.w1.set(`${h}.${f.name}`, p.create(`head${h}.${f.name}.w`, [E, A]));
        this.b1.set(`${h}.${f.name}`, p.create(`head${h}.${f.name}.b`, [A], { kind: 'zeros' }));
      }
      this.w2.push(p.create(`head${h}.level2.w`, [E, A]));
      this.b2.push(p.create(`head${h}.level2.b`, [A], { kind: 'zeros' }));
    }
    const n = heads * E;
    this.v = c.cross ? p.create('cross.v', [n, C], { kind: 'normal', std: 0.01 }) : null;
    const zDim = n + (c.cross ? crossPairs(n) : 0); // 2E + E(2E−1) with two heads
    this.fc = [
      p.create('fc1.w', [zDim, H1]), p.create('fc1.b', [H1], { kind: 'zeros' }),
      p.create('fc2.w', [H1, U]), p.create('fc2.b', [U], { kind: 'zeros' }),
    ];
    if (c.tieTagTables) {
      const fi = c.fields.findIndex((f) => f.name === c.tagField);
      if (fi < 0) throw new Error(`UTPM: tieTagTables needs a field named "${c.tagField}" (set tagField)`);
      if (E !== U) throw new Error(`UTPM: tieTagTables needs embedDim = userDim (got ${E} and ${U})`);
      if (this.tables[fi].shape[0] !== c.tags) throw new Error(`UTPM: tieTagTables: field "${c.tagField}" has ${this.tables[fi].shape[0]} rows, tags = ${c.tags}`);
      this.theta = this.tables[fi];
    } else {
      this.theta = p.create('theta', [c.tags, U], { kind: 'glorot' }, { paddingRow: true, sparse: true });
    }
    this.wScale = c.jointAffine ? p.create('joint.w', [1, 1], { kind: 'ones' }) : null;
    this.bias = c.jointAffine ? p.create('joint.b', [1], { kind: 'zeros' }) : null;
  }

  get fields(): readonly FieldSpec[] {
    return this.config.fields;
  }

  /** User vectors u [B, U] of unique users (records on the tape). `trace` collects internals. */
  encode(fb: FieldBatch, trace?: UTPMTrace): Tensor {
    const c = this.config;
    const { embedDim: E } = c;
    const B = fb.B;
    // Value embeddings, shared by the heads; masks and ln w as constants.
    const inputs = fb.values.map((v, f) => {
      if (v.kind === 'single') return { single: gather(this.tables[f], idTensor(v.ids, [B])), present: v.ids.map((id) => (id > 0 ? 1 : 0)) }; // [B, E]
      let t = gather(this.tables[f], idTensor(v.ids, [B, v.n])); // [B, n, E]
      if (c.valueWeighting === 'scale') t = mulRows(t, tensor(v.weights, [B * v.n]));
      const mask = new Float32Array(B * v.n);
      const lnw = new Float32Array(B * v.n);
      const present = new Int32Array(B);
      for (let i = 0; i < B * v.n; i++) {
        if (v.weights[i] > 0 && v.ids[i] > 0) {
          mask[i] = 1;
          if (c.valueWeighting === 'log') lnw[i] = Math.log(v.weights[i]);
          present[Math.floor(i / v.n)] = 1;
        }
      }
      return { t, n: v.n, name: c.fields[f].name, mask: tensor(mask, [B, v.n]), lnw: tensor(lnw, [B, v.n]), present };
    });
    const F = inputs.length;
    const mask2 = new Float32Array(B * F);
    inputs.forEach((inp, f) => { for (let b = 0; b < B; b++) mask2[b * F + f] = inp.present[b] ? 1 : 0; });
    const m2 = tensor(mask2, [B, F]);
    const heads: Tensor[] = [];
    for (let h = 0; h < c.heads; h++) {
      const q = this.q[h];
      const alphas: Tensor[] = [];
      const fusedH: Tensor[] = [];
      const G = inputs.map((inp) => {
        if ('single' in inp) return inp.single!;
        // Level 1: r_i = ⟨q_h, ReLU(t_i W + b)⟩ + ln w_i; α = masked softmax_i(r); f = Σ α_i t_i.
        const a = relu(linear(inp.t, this.w1.get(`${h}.${inp.name}`)!, this.b1.get(`${h}.${inp.name}`)!)); // [B, n, A]
        let r = reshape(linear(a, q), [B, inp.n]); // [B, n]
        if (c.valueWeighting === 'log') r = add(r, inp.lnw);
        const alpha = softmax(r, inp.mask); // [B, n]
        const f = reshape(bmm(reshape(alpha, [B, 1, inp.n]), inp.t), [B, E]); // [B, E]
        alphas.push(alpha);
        fusedH.push(f);
        return f;
      });
      // Level 2: β = masked softmax_F(⟨q_h, ReLU(G W′ + b′)⟩); o_h = Σ_f β_f G_f.
      const g = reshape(concat(G), [B, F, E]); // [B, F, E]
      const s = reshape(linear(relu(linear(g, this.w2[h], this.b2[h])), q), [B, F]); // [B, F]
      const beta = softmax(s, m2);
      const o = reshape(bmm(reshape(beta, [B, 1, F]), g), [B, E]); // [B, E]
      heads.push(o);
      if (trace) {
        trace.alpha.push(alphas);
        trace.fused.push(fusedH);
        trace.beta.push(beta);
        trace.heads.push(o);
      }
    }
    const x = heads.length === 1 ? heads[0] : concat(heads); // [B, hE]
    let z = x;
    if (this.v) {
      const cr = fmCross(x, this.v); // [B, hE(hE−1)/2]
      z = concat([x, cr]);
      if (trace) trace.cross = cr;
    }
    if (trace) trace.x = x;
    const [w1, b1, w2, b2] = this.fc;
    const u = linear(relu(linear(z, w1, b1)), w2, b2); // [B, U]
    return c.finalActivation === 'relu' ? relu(u) : u;
  }

  /**
   * Joint logits of item rows: Σ_{t∈τ(item)} ⟨u, Θ_t⟩ (or the mean with itemScore 'mean'), with
   * `jointAffine` w · (that) + b.
   * `u` [Bu, U] of the batch's unique users.
   */
  jointLogits(u: Tensor, batch: TagBatch): Tensor {
    const { B, m } = batch;
    const U = this.config.userDim;
    const mw = new Float32Array(B * m);
    for (let r = 0; r < B; r++) {
      let cnt = 0;
      for (let j = 0; j < m; j++) if (batch.tags[r * m + j] > 0) cnt++;
      const val = this.config.itemScore === 'mean' && cnt > 0 ? 1 / cnt : 1;
      for (let j = 0; j < m; j++) if (batch.tags[r * m + j] > 0) mw[r * m + j] = val;
    }
    const th = gather(this.theta, idTensor(batch.tags, [B, m])); // [B, m, U]
    const s = reshape(bmm(tensor(mw, [B, 1, m]), th), [B, U]); // Σ_t Θ_t  [B, U]
    const ur = pickRows(u, batch.rowUser); // [B, U]
    if (!this.wScale) return dotRows(ur, s); // [B]
    const d = reshape(dotRows(ur, s), [B, 1]); // [B, 1]
    return reshape(linear(d, this.wScale, this.bias!), [B]); // [B]
  }

  loss(batch: TagBatch): Tensor {
    const logits = this.jointLogits(this.encode(batch.users), batch);
    const y = this.config.label === 'click' ? batch.click : batch.conversion;
    return bceWithLogits(logits, tensor(y, [batch.B]));
  }

  /** Tag-row probability σ(⟨u, Θ_t⟩) (the serving score; rows carry one tag). */
  scoreRows(batch: TagBatch): Float64Array[] {
    return noGrad(() => {
      const u = this.encode(batch.users);
      const th = gather(this.theta, idTensor(Int32Array.from({ length: batch.B }, (_, r) => batch.tags[r * batch.m]), [batch.B]));
      const d = dotRows(pickRows(u, batch.rowUser), th).data;
      return [Float64Array.from(d, sigmoid)];
    });
  }

  /** σ(⟨u, Θ_t⟩) for every tag (id 0 and, with candidates 'history', non-history tags are −∞). */
  scoreTags(fb: FieldBatch): Float64Array[] {
    return noGrad(() => {
      const u = this.encode(fb);
      const N = this.config.tags;
      const out = Float64Array.from(matmul(u, this.theta, false, true).data, sigmoid); // [Bu, N]
      for (let b = 0; b < fb.B; b++) out[b * N] = -Infinity;
      if (this.config.candidates === 'history') {
        const fi = this.config.fields.findIndex((f) => f.name === this.config.tagField);
        const v = fi >= 0 ? fb.values[fi] : undefined;
        if (!v || v.kind !== 'multi') throw new Error(`UTPM: candidates 'history' needs a multi-valued field "${this.config.tagField}"`);
        for (let b = 0; b < fb.B; b++) {
          const keep = new Set<number>();
          for (let i = 0; i < v.n; i++) if (v.weights[b * v.n + i] > 0) keep.add(v.ids[b * v.n + i]);
          for (let t = 1; t < N; t++) if (!keep.has(t)) out[b * N + t] = -Infinity;
        }
      }
      return [out];
    });
  }

  /** Share of users whose u is the zero vector (final ReLU pitfall, docs/model-guide.md#utpm). */
  zeroNormShare(fb: FieldBatch): number {
    return noGrad(() => {
      const u = this.encode(fb).data;
      const U = this.config.userDim;
      let zero = 0;
      for (let b = 0; b < fb.B; b++) {
        let s = 0;
        for (let j = 0; j < U; j++) s += u[b * U + j] * u[b * U + j];
        if (s === 0) zero++;
      }
      return zero / Math.max(1, fb.B);
    });
  }

  /** Top-K tags of one user with raw names (serving). */
  profile(user: UserFields, opts: { topK?: number } = {}): ProfileTag[] {
    return profileOf(this, user, { topK: opts.topK ?? 10 });
  }

  toString(): string {
    const c = this.config;
    return `UTPM(E=${c.embedDim}, A=${c.attnDim}, C=${c.fmDim}, U=${c.userDim}, heads=${c.heads}, F=${c.fields.length}, tags=${c.tags - 1}, params=${fmtCount(this.params.count())})`;
  }
}
