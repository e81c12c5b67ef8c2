// MVKE — Xu et al., "Mixture of Virtual-Kernel Experts for Multi-Objective User Profile Modeling",
// KDD 2022 (arXiv 2106.07356); official partial code motefly/MVKE:core/mvke_ops.py
// (mvke_bottom_layer, vcg_layer, _build_mvke_layers) and model_graph_type.py
// (user_MVKE_and_tag_HS). Spec: docs/model-guide.md#mvke. Virtual kernels attend over user fields (residual +
// per-field LayerNorm), one expert per kernel, per-task tag towers, and a gate over each task's
// kernel subset keyed by the raw kernels: ŷ_τ = σ(Σ_{k∈S_τ} g_τ,k ⟨x_k, t_τ⟩).
import type { Tensor } from '../tensor.js';
import { tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { noGrad } from '../autograd/tape.js';
import {
  add, bmm, concat, dotRows, layerNorm, linear, matmul, mulRows, reshape, scale, sliceLast, softmax, transpose,
} from '../ops/index.js';
import type { FieldBatch, FieldSpec, TagBatch, TagTask, UserFields } from '../nn/field-batch.js';
import { defaultTagNames, profileOf, sigmoid, type ProfileTag, type TagModel } from './tag-model.js';
import {
  allTags, createFieldTables, createMlp, createTagFeatures, mlp, multiTaskBce, pickRows, pooledFields, tagFieldCount, tagInput,
  type Mlp, type TagFeatures,
} from '../nn/field-pooling.js';
import { fmtCount, checkModelConfig } from './common.js';

/** MVKE settings (docs/model-guide.md#mvke defaults). */
export interface MVKEConfig {
  /** User fields; multi-valued ones are pooled by count-weighted mean. */
  fields: FieldSpec[];
  /** Rows of the tag id table, padding row 0 included. */
  tags: number;
  /** Tag names by id (index 0 = padding); default `t<id>`. */
  tagNames?: string[];
  /** Group of each tag id (a second tag feature field), or absent. */
  tagGroups?: Int32Array;
  /** Rows of the tag group table, padding row 0 included (0: no group feature). */
  groups: number;
  /** D: embedding, kernel, expert and tower output size (default 32). */
  dim: number;
  /** E: number of virtual kernels (default 5). */
  kernels: number;
  /** S_ctr: kernels of the CTR task (default [0, 1, 2]). */
  ctrKernels: number[];
  /** S_cvr: kernels of the CVR task (default [1, 2, 3, 4]). */
  cvrKernels: number[];
  /** H_e: expert hidden width (default 128). */
  expertHidden: number;
  /** H_t: tag tower hidden width (default 64). */
  towerHidden: number;
  /** Train and score one task only (click-only data): one tower, one subset. Default: both. */
  singleTask?: TagTask;
  /** Loss weights [ctr, cvr] (default [1, 1]). */
  taskWeights: [number, number];
  /** One expert body for every kernel (official `shared_model`). Default false. */
  sharedExperts: boolean;
  /**
   * Mask empty multi-valued fields out of the field attention (default true); false lets their
   * zero vector take a share of the attention, as before the mask existed.
   */
  maskEmptyFields: boolean;
  /** Seed of parameter initialisation (default 1). */
  seed: number;
}

export const MVKE_DEFAULTS: Omit<MVKEConfig, 'fields' | 'tags'> = {
  groups: 0, dim: 32, kernels: 5, ctrKernels: [0, 1, 2], cvrKernels: [1, 2, 3, 4], expertHidden: 128,
  towerHidden: 64, taskWeights: [1, 1], sharedExperts: false, maskEmptyFields: true, seed: 1,
};

/** Internals of the user side (tests, gate-entropy logging). */
export interface MVKETrace {
  /** α [B, E, F]: per kernel, a distribution over fields. */
  alpha?: Tensor;
  /** H [B, E, F, D] after the residual and LayerNorm. */
  h?: Tensor;
  /** Expert outputs [B, |used|, D] (kernels in `usedKernels` order). */
  x?: Tensor;
  /** Gates per task [rows, |S_τ|]. */
  gates?: Tensor[];
}

export class MVKE implements TagModel {
  readonly family = 'tag' as const;
  readonly kind = 'MVKE';
  readonly rows = 'tag' as const;
  readonly config: MVKEConfig;
  readonly params: ParamStore;
  readonly tasks: readonly TagTask[];
  readonly tagNames: string[];
  /** Kernels some task reads, ascending: the experts that are computed and cached. */
  readonly usedKernels: number[];
  private readonly subsets: number[][]; // per task
  private readonly tables: Tensor[];
  readonly vk: Tensor; // [E, D]
  readonly attn: { wq: Tensor; bq: Tensor; wk: Tensor; bk: Tensor; wv: Tensor; bv: Tensor };
  private readonly ln: [Tensor, Tensor];
  private readonly experts: Mlp[]; // one per used kernel (or one shared)
  private readonly towers: Mlp[]; // per task
  private readonly tagFeatures: TagFeatures;

  constructor(config: Partial<MVKEConfig> & Pick<MVKEConfig, 'fields' | 'tags'>) {
    checkModelConfig('MVKE', config, MVKE_DEFAULTS, { ...{ fields: 'array', tags: 'integer', tagNames: 'array', tagGroups: 'array', seed: 'number' }, singleTask: ['ctr', 'cvr'] }, ['fields', 'tags']);
    const c = (this.config = { ...MVKE_DEFAULTS, ...config });
    const { dim: D, kernels: E } = c;
    const F = c.fields.length;
    if (!F) throw new Error('MVKE: no user fields');
    this.tasks = c.singleTask ? [c.singleTask] : ['ctr', 'cvr'];
    this.subsets = this.tasks.map((t) => (t === 'ctr' ? c.ctrKernels : c.cvrKernels));
    for (const [i, s] of this.subsets.entries()) {
      if (!s.length || s.some((k) => !Number.isInteger(k) || k < 0 || k >= E) || new Set(s).size !== s.length) {
        throw new Error(`MVKE: kernel subset of ${this.tasks[i]} is [${s.join(', ')}]; need distinct kernels in 0..${E - 1}, at least one`);
      }
    }
    this.usedKernels = [...new Set(this.subsets.flat())].sort((a, b) => a - b);
    this.tagNames = defaultTagNames(c.tags, c.tagNames);
    const p = (this.params = new ParamStore(new Rng(c.seed)));
    const small = { kind: 'normal', std: 0.01 } as const;
    this.tables = createFieldTables(p, c.fields, D);
    this.tagFeatures = createTagFeatures(p, c.tags, D, c.tagGroups, c.groups);
    this.vk = p.create('vk', [E, D], small);
    this.attn = {
      wq: p.create('attn.wq', [D, D], small), bq: p.create('attn.bq', [D], { kind: 'zeros' }),
      wk: p.create('attn.wk', [D, D], small), bk: p.create('attn.bk', [D], { kind: 'zeros' }),
      wv: p.create('attn.wv', [D, D], small), bv: p.create('attn.bv', [D], { kind: 'zeros' }),
    };
    this.ln = [p.create('ln.gain', [D], { kind: 'ones' }), p.create('ln.bias', [D], { kind: 'zeros' })];
    this.experts = c.sharedExperts
      ? [createMlp(p, 'expert', F * D, c.expertHidden, D)]
      : this.usedKernels.map((k) => createMlp(p, `expert${k}`, F * D, c.expertHidden, D));
    const G = tagFieldCount(this.tagFeatures);
    this.towers = this.tasks.map((t) => createMlp(p, `tower.${t}`, G * D, c.towerHidden, D));
  }

  get fields(): readonly FieldSpec[] {
    return this.config.fields;
  }

  /** U [B, F, D] of unique users (pooled field embeddings). */
  userFields(fb: FieldBatch): Tensor {
    return pooledFields(this.tables, fb);
  }

  /**
   * Bottom attention: H [B, E, F, D] = LN(α[b,f,k] · Val[b,f] + U[b,f]) and α [B, E, F].
   * `present` [B·F] (1 = the field has a value) masks empty multi-valued fields out of the
   * softmax: they get weight exactly 0 instead of sharing the attention with real fields.
   */
  bottom(U: Tensor, present?: Float32Array): { h: Tensor; alpha: Tensor } {
    const [B, F, D] = U.shape;
    const E = this.config.kernels;
    const a = this.attn;
    const Q = linear(this.vk, a.wq, a.bq); // [E, D]
    const key = linear(U, a.wk, a.bk); // [B, F, D]
    const val = linear(U, a.wv, a.bv); // [B, F, D]
    const logits = scale(bmm(key, Q, false, true), 1 / Math.sqrt(D)); // [B, F, E]
    let mask: Tensor | undefined;
    if (present) {
      const m = new Float32Array(B * E * F);
      for (let b = 0; b < B; b++) for (let k = 0; k < E; k++) m.set(present.subarray(b * F, b * F + F), (b * E + k) * F);
      mask = tensor(m, [B, E, F], 'f32', U.engine);
    }
    const alpha = softmax(transpose(logits), mask); // [B, E, F]: softmax over the present fields per kernel
    // Repeat Val and U for every kernel (index-select rows b·F + f), then re-weight, add, normalise.
    const idx = new Int32Array(B * E * F);
    for (let b = 0; b < B; b++) for (let k = 0; k < E; k++) for (let f = 0; f < F; f++) idx[(b * E + k) * F + f] = b * F + f;
    const valE = reshape(pickRows(reshape(val, [B * F, D]), idx), [B, E, F, D]);
    const uE = reshape(pickRows(reshape(U, [B * F, D]), idx), [B, E, F, D]);
    const h = layerNorm(add(mulRows(valE, alpha), uE), this.ln[0], this.ln[1]); // [B, E, F, D]
    return { h, alpha };
  }

  /** Expert outputs X [B, |used|, D] for the kernels in `usedKernels`. */
  kernelsOf(fb: FieldBatch, trace?: MVKETrace): Tensor {
    const U = this.userFields(fb);
    const [B, F, D] = U.shape;
    const E = this.config.kernels;
    const { h, alpha } = this.bottom(U, this.config.maskEmptyFields ? presentFields(fb) : undefined);
    const flat = reshape(h, [B, E * F * D]);
    const xs = this.usedKernels.map((k, i) => mlp(this.experts[this.config.sharedExperts ? 0 : i], sliceLast(flat, k * F * D, F * D))); // [B, D] each
    const x = reshape(xs.length === 1 ? xs[0] : concat(xs), [B, xs.length, D]);
    if (trace) Object.assign(trace, { alpha, h, x });
    return x;
  }

  /** Tag tower outputs t_τ [n, D] of tag ids. */
  tagVectors(ti: number, tags: Int32Array): Tensor {
    return mlp(this.towers[ti], tagInput(this.tagFeatures, tags));
  }

  /** Gates g_τ [n, |S_τ|] = softmax_k∈S_τ ⟨t_τ, VK_k⟩ (raw kernels). */
  gates(ti: number, t: Tensor): Tensor {
    const vks = pickRows(this.vk, Int32Array.from(this.subsets[ti])); // [|S|, D]
    return softmax(matmul(t, vks, false, true));
  }

  /** Per-task logits [B] of tag rows. */
  logits(batch: TagBatch, trace?: MVKETrace): Tensor[] {
    const x = this.kernelsOf(batch.users, trace); // [Bu, |used|, D]
    const [Bu, nk, D] = x.shape;
    const B = batch.B;
    const xFlat = reshape(x, [Bu * nk, D]);
    const tags = Int32Array.from({ length: B }, (_, r) => batch.tags[r * batch.m]);
    if (trace) trace.gates = [];
    return this.tasks.map((_, ti) => {
      const S = this.subsets[ti];
      const t = this.tagVectors(ti, tags); // [B, D]
      const g = this.gates(ti, t); // [B, |S|]
      trace?.gates!.push(g);
      const ids = new Int32Array(B * S.length);
      for (let r = 0; r < B; r++) S.forEach((k, j) => (ids[r * S.length + j] = batch.rowUser[r] * nk + this.usedKernels.indexOf(k)));
      const xs = reshape(pickRows(xFlat, ids), [B, S.length, D]); // [B, |S|, D]
      const u = reshape(bmm(reshape(g, [B, 1, S.length]), xs), [B, D]); // u_τ = Σ g_k x_k
      return dotRows(u, t); // [B]
    });
  }

  loss(batch: TagBatch): Tensor {
    return multiTaskBce(this.tasks, this.logits(batch), batch, this.config.taskWeights);
  }

  scoreRows(batch: TagBatch): Float64Array[] {
    return noGrad(() => this.logits(batch).map((l) => Float64Array.from(l.data, sigmoid)));
  }

  /**
   * Decomposed serving (docs/model-guide.md#mvke): X per user, t_τ and g_τ per tag, score
   * σ(Σ_{k∈S_τ} g_τ,k ⟨x_k, t_τ⟩) for every tag; one [Bu * tags] array per task, id 0 = −∞.
   */
  scoreTags(fb: FieldBatch): Float64Array[] {
    return noGrad(() => {
      const x = this.kernelsOf(fb); // [Bu, nk, D]
      const [Bu, nk, D] = x.shape;
      const N = this.config.tags;
      return this.tasks.map((_, ti) => {
        const t = this.tagVectors(ti, allTags(N)); // [N, D]
        const g = Float64Array.from(this.gates(ti, t).data); // [N, |S|]
        const S = this.subsets[ti];
        const dots = matmul(reshape(x, [Bu * nk, D]), t, false, true).data; // [Bu * nk, N]
        const out = new Float64Array(Bu * N);
        for (let b = 0; b < Bu; b++) {
          for (let n = 1; n < N; n++) {
            let s = 0;
            S.forEach((k, j) => (s += g[n * S.length + j] * dots[(b * nk + this.usedKernels.indexOf(k)) * N + n]));
            out[b * N + n] = sigmoid(s);
          }
          out[b * N] = -Infinity;
        }
        return out;
      });
    });
  }

  /** Per tag: tower output t_τ [N, D] and gates g_τ [N, |S_τ|] (depend on the tag only; cacheable). */
  tagTable(ti: number): { t: Float64Array; g: Float64Array } {
    return noGrad(() => {
      const t = this.tagVectors(ti, allTags(this.config.tags));
      const g = this.gates(ti, t);
      return { t: Float64Array.from(t.data), g: Float64Array.from(g.data) };
    });
  }

  /** Top-K tags of one user for a task, with raw names. */
  profile(user: UserFields, opts: { topK?: number; task?: TagTask } = {}): ProfileTag[] {
    return profileOf(this, user, opts);
  }

  toString(): string {
    const c = this.config;
    const sub = this.tasks.map((t, i) => `${t}={${this.subsets[i].join(',')}}`).join(', ');
    return `MVKE(D=${c.dim}, E=${c.kernels}, ${sub}, F=${c.fields.length}, tags=${c.tags - 1}, params=${fmtCount(this.params.count())})`;
  }
}

/**
 * [B·F] 1 where field f of row b takes part in the field attention: single-valued fields always
 * (as the official graph, which has no empty single field), multi-valued ones only when some
 * entry has a positive weight (an empty list pools to the zero vector, which carries nothing).
 */
export function presentFields(fb: FieldBatch): Float32Array {
  const F = fb.values.length;
  const out = new Float32Array(fb.B * F).fill(1);
  fb.values.forEach((v, f) => {
    if (v.kind !== 'multi') return;
    for (let b = 0; b < fb.B; b++) {
      let any = false;
      for (let i = 0; i < v.n && !any; i++) any = v.weights[b * v.n + i] > 0 && v.ids[b * v.n + i] > 0;
      if (!any) out[b * F + f] = 0;
    }
  });
  return out;
}
