// Baselines of the tag-profile protocol (models.md §7, evaluation.md §4.3), built from MVKE's
// parts (pooled field tables, MLP towers, BCE over tag rows): TwoTower (one independent model per
// task, motefly/MVKE:model_graph_type.py user_and_tag_single_pctr|pcvr), HardSharing (shared
// tables, per-task user and tag towers, user_HS_and_tag_HS), MMoE (user-side gates over task
// subsets of shared experts, user_MMoE_and_tag_HS), and the counting baselines PopularTags and
// HistoryTags. In every tower model the user vector depends on the user only.
import type { Tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { noGrad } from '../autograd/tape.js';
import { bmm, concat, dotRows, linear, matmul, reshape, softmax } from '../ops/index.js';
import type { FieldBatch, FieldSpec, RowSet, TagBatch, TagTask, UserFields } from '../tags/fields.js';
import { defaultTagNames, profileOf, sigmoid, type ProfileTag, type TagModel } from '../tags/model.js';
import {
  allTags, createFieldTables, createMlp, createTagFeatures, mlp, multiTaskBce, pickRows, pooledFields, tagFieldCount, tagInput,
  type Mlp, type TagFeatures,
} from '../tags/parts.js';
import { fmtCount } from './common.js';

/** Settings shared by TwoTower, HardSharing and MMoE (defaults as MVKE's, models.md §7). */
export interface TowerConfig {
  /** User fields (multi-valued ones pooled by count-weighted mean). */
  fields: FieldSpec[];
  /** Rows of the tag id table, padding row 0 included. */
  tags: number;
  /** Tag names by id (index 0 = padding). */
  tagNames?: string[];
  /** Group of each tag id (second tag feature), and rows of the group table (0: none). */
  tagGroups?: Int32Array;
  groups: number;
  /** D: embedding and output size (default 32). */
  dim: number;
  /** H_e: user tower / expert hidden width (default 128). */
  expertHidden: number;
  /** H_t: tag tower hidden width (default 64). */
  towerHidden: number;
  /** Tasks trained and scored (default ['ctr', 'cvr']). */
  tasks: TagTask[];
  /** Loss weights [ctr, cvr] (default [1, 1]). */
  taskWeights: [number, number];
  /** MMoE only: number of experts X (default 10). */
  experts: number;
  /** MMoE only: expert subsets of the gates (defaults CTR 0..5, CVR 2..9). */
  ctrExperts: number[];
  cvrExperts: number[];
  /** Seed of parameter initialisation (default 1). */
  seed: number;
}

export const TOWER_DEFAULTS: Omit<TowerConfig, 'fields' | 'tags'> = {
  groups: 0, dim: 32, expertHidden: 128, towerHidden: 64, tasks: ['ctr', 'cvr'], taskWeights: [1, 1],
  experts: 10, ctrExperts: [0, 1, 2, 3, 4, 5], cvrExperts: [2, 3, 4, 5, 6, 7, 8, 9], seed: 1,
};

/** flatten(U) [B, F·D] of the pooled field embeddings. */
function flatFields(tables: readonly Tensor[], fb: FieldBatch): Tensor {
  const u = pooledFields(tables, fb); // [B, F, D]
  return reshape(u, [fb.B, u.shape[1] * u.shape[2]]);
}

/** Common body: per-task user vectors [Bu, D] and tag vectors [n, D], ŷ_τ = σ(⟨u_τ, t_τ⟩). */
abstract class TowerModel implements TagModel {
  abstract readonly kind: string;
  readonly rows = 'tag' as const;
  readonly config: TowerConfig;
  readonly params: ParamStore;
  readonly tagNames: string[];

  constructor(config: Partial<TowerConfig> & Pick<TowerConfig, 'fields' | 'tags'>) {
    this.config = { ...TOWER_DEFAULTS, ...config };
    if (!this.config.tasks.length) throw new Error('tower model: no tasks');
    this.tagNames = defaultTagNames(this.config.tags, this.config.tagNames);
    this.params = new ParamStore(new Rng(this.config.seed));
  }

  get tasks(): readonly TagTask[] {
    return this.config.tasks;
  }
  get fields(): readonly FieldSpec[] {
    return this.config.fields;
  }

  /** u_τ [Bu, D] for each task (records on the tape). */
  abstract userVectors(fb: FieldBatch): Tensor[];
  /** t_τ [n, D] of tag ids for task index ti. */
  abstract tagVectors(ti: number, tags: Int32Array): Tensor;

  logits(batch: TagBatch): Tensor[] {
    const us = this.userVectors(batch.users);
    const tags = Int32Array.from({ length: batch.B }, (_, r) => batch.tags[r * batch.m]);
    return us.map((u, ti) => dotRows(pickRows(u, batch.rowUser), this.tagVectors(ti, tags))); // [B]
  }

  loss(batch: TagBatch): Tensor {
    return multiTaskBce(this.tasks, this.logits(batch), batch, this.config.taskWeights);
  }

  scoreRows(batch: TagBatch): Float64Array[] {
    return noGrad(() => this.logits(batch).map((l) => Float64Array.from(l.data, sigmoid)));
  }

  scoreTags(fb: FieldBatch): Float64Array[] {
    return noGrad(() => {
      const us = this.userVectors(fb);
      const N = this.config.tags;
      return us.map((u, ti) => {
        const out = Float64Array.from(matmul(u, this.tagVectors(ti, allTags(N)), false, true).data, sigmoid); // [Bu, N]
        for (let b = 0; b < fb.B; b++) out[b * N] = -Infinity;
        return out;
      });
    });
  }

  profile(user: UserFields, opts: { topK?: number; task?: TagTask } = {}): ProfileTag[] {
    return profileOf(this, user, opts);
  }

  toString(): string {
    const c = this.config;
    return `${this.kind}(D=${c.dim}, tasks=${c.tasks.join('+')}, F=${c.fields.length}, tags=${c.tags - 1}, params=${fmtCount(this.params.count())})`;
  }
}

/** Single-task two-tower per task: separate tables and towers (independent models trained side by side). */
export class TwoTower extends TowerModel {
  readonly kind = 'TwoTower';
  private readonly parts: { tables: Tensor[]; tag: TagFeatures; user: Mlp; tower: Mlp }[];

  constructor(config: Partial<TowerConfig> & Pick<TowerConfig, 'fields' | 'tags'>) {
    super(config);
    const c = this.config;
    const F = c.fields.length;
    this.parts = c.tasks.map((t) => {
      const tag = createTagFeatures(this.params, c.tags, c.dim, c.tagGroups, c.groups, `${t}.`);
      return {
        tables: createFieldTables(this.params, c.fields, c.dim, `${t}.`),
        tag,
        user: createMlp(this.params, `${t}.user`, F * c.dim, c.expertHidden, c.dim),
        tower: createMlp(this.params, `${t}.tower`, tagFieldCount(tag) * c.dim, c.towerHidden, c.dim),
      };
    });
  }

  userVectors(fb: FieldBatch): Tensor[] {
    return this.parts.map((p) => mlp(p.user, flatFields(p.tables, fb)));
  }

  tagVectors(ti: number, tags: Int32Array): Tensor {
    return mlp(this.parts[ti].tower, tagInput(this.parts[ti].tag, tags));
  }
}

/** Hard parameter sharing: shared field and tag tables; one user tower and one tag tower per task. */
export class HardSharing extends TowerModel {
  readonly kind = 'HardSharing';
  private readonly tables: Tensor[];
  private readonly tag: TagFeatures;
  private readonly users: Mlp[];
  private readonly towers: Mlp[];

  constructor(config: Partial<TowerConfig> & Pick<TowerConfig, 'fields' | 'tags'>) {
    super(config);
    const c = this.config;
    this.tables = createFieldTables(this.params, c.fields, c.dim);
    this.tag = createTagFeatures(this.params, c.tags, c.dim, c.tagGroups, c.groups);
    this.users = c.tasks.map((t) => createMlp(this.params, `user.${t}`, c.fields.length * c.dim, c.expertHidden, c.dim));
    this.towers = c.tasks.map((t) => createMlp(this.params, `tower.${t}`, tagFieldCount(this.tag) * c.dim, c.towerHidden, c.dim));
  }

  userVectors(fb: FieldBatch): Tensor[] {
    const flat = flatFields(this.tables, fb);
    return this.users.map((m) => mlp(m, flat));
  }

  tagVectors(ti: number, tags: Int32Array): Tensor {
    return mlp(this.towers[ti], tagInput(this.tag, tags));
  }
}

/** MMoE: X shared experts over flatten(U); per task a softmax gate over its expert subset, from the user only. */
export class MMoE extends TowerModel {
  readonly kind = 'MMoE';
  private readonly tables: Tensor[];
  private readonly tag: TagFeatures;
  private readonly experts: Mlp[];
  private readonly gateW: Tensor[]; // per task [F·D, |S|]
  private readonly gateB: Tensor[];
  private readonly towers: Mlp[];
  readonly subsets: number[][];

  constructor(config: Partial<TowerConfig> & Pick<TowerConfig, 'fields' | 'tags'>) {
    super(config);
    const c = this.config;
    const FD = c.fields.length * c.dim;
    this.subsets = c.tasks.map((t) => (t === 'ctr' ? c.ctrExperts : c.cvrExperts));
    for (const s of this.subsets) {
      if (!s.length || s.some((k) => !Number.isInteger(k) || k < 0 || k >= c.experts)) {
        throw new Error(`MMoE: expert subset [${s.join(', ')}] must be non-empty and within 0..${c.experts - 1}`);
      }
    }
    this.tables = createFieldTables(this.params, c.fields, c.dim);
    this.tag = createTagFeatures(this.params, c.tags, c.dim, c.tagGroups, c.groups);
    this.experts = Array.from({ length: c.experts }, (_, k) => createMlp(this.params, `expert${k}`, FD, c.expertHidden, c.dim));
    this.gateW = c.tasks.map((t, i) => this.params.create(`gate.${t}.w`, [FD, this.subsets[i].length], { kind: 'normal', std: 0.01 }));
    this.gateB = c.tasks.map((t, i) => this.params.create(`gate.${t}.b`, [this.subsets[i].length], { kind: 'zeros' }));
    this.towers = c.tasks.map((t) => createMlp(this.params, `tower.${t}`, tagFieldCount(this.tag) * c.dim, c.towerHidden, c.dim));
  }

  /** Gates [Bu, |S_τ|] per task: softmax(flatten(U) W_g,τ + b) — the user alone decides. */
  gates(fb: FieldBatch): Tensor[] {
    const flat = flatFields(this.tables, fb);
    return this.gateW.map((w, i) => softmax(linear(flat, w, this.gateB[i])));
  }

  userVectors(fb: FieldBatch): Tensor[] {
    const flat = flatFields(this.tables, fb);
    const B = fb.B;
    const D = this.config.dim;
    const used = [...new Set(this.subsets.flat())].sort((a, b) => a - b);
    const out = new Map(used.map((k) => [k, mlp(this.experts[k], flat)])); // x_k [B, D]
    return this.subsets.map((S, i) => {
      const g = softmax(linear(flat, this.gateW[i], this.gateB[i])); // [B, |S|]
      const xs = reshape(concat(S.map((k) => out.get(k)!)), [B, S.length, D]); // [B, |S|, D]
      return reshape(bmm(reshape(g, [B, 1, S.length]), xs), [B, D]); // Σ g_k x_k
    });
  }

  tagVectors(ti: number, tags: Int32Array): Tensor {
    return mlp(this.towers[ti], tagInput(this.tag, tags));
  }
}

/** Counting baselines: scores that do not depend on training beyond counts. */
abstract class CountingModel implements TagModel {
  abstract readonly kind: string;
  readonly rows = 'none' as const;
  readonly params = null;
  readonly tagNames: string[];

  constructor(readonly fields: readonly FieldSpec[], readonly tasks: readonly TagTask[], protected readonly popularity: Float64Array[], tagNames?: string[]) {
    this.tagNames = defaultTagNames(popularity[0].length, tagNames);
  }

  loss(): Tensor {
    throw new Error(`${this.kind}: a counting baseline has no loss; it is fitted by counting`);
  }

  scoreRows(batch: TagBatch): Float64Array[] {
    const all = this.scoreTags(batch.users);
    const N = this.tagNames.length;
    return all.map((s) => Float64Array.from({ length: batch.B }, (_, r) => s[batch.rowUser[r] * N + batch.tags[r * batch.m]]));
  }

  abstract scoreTags(fb: FieldBatch): Float64Array[];

  profile(user: UserFields, opts: { topK?: number; task?: TagTask } = {}): ProfileTag[] {
    return profileOf(this, user, opts);
  }

  toString(): string {
    return `${this.kind}(tags=${this.tagNames.length - 1}, tasks=${this.tasks.join('+')})`;
  }
}

/** Per-task tag counts from training rows: ctr counts clicked rows, cvr converted rows. */
export function countTagPopularity(rows: RowSet, tagsOfKey: (key: number) => ArrayLike<number>, tags: number, users?: Set<number>): { ctr: Float64Array; cvr: Float64Array } {
  const ctr = new Float64Array(tags);
  const cvr = new Float64Array(tags);
  for (let r = 0; r < rows.user.length; r++) {
    if (users && !users.has(rows.user[r])) continue;
    const t = tagsOfKey(rows.key[r]);
    for (let j = 0; j < t.length; j++) {
      if (rows.click[r]) ctr[t[j]]++;
      if (rows.conversion[r]) cvr[t[j]]++;
    }
  }
  return { ctr, cvr };
}

/** PopularTags: every user gets the training frequency of each tag among clicked (converted) targets. */
export class PopularTags extends CountingModel {
  readonly kind = 'PopularTags';

  /** @param popularity per task, a count per tag id (index 0 ignored) */
  constructor(fields: readonly FieldSpec[], tasks: readonly TagTask[], popularity: Float64Array[], tagNames?: string[]) {
    super(fields, tasks, popularity, tagNames);
  }

  scoreTags(fb: FieldBatch): Float64Array[] {
    const N = this.tagNames.length;
    return this.popularity.map((pop) => {
      const out = new Float64Array(fb.B * N);
      for (let b = 0; b < fb.B; b++) {
        out.set(pop, b * N);
        out[b * N] = -Infinity;
      }
      return out;
    });
  }
}

/** HistoryTags: the user's own input-part tag counts (summed over the `tagFields`), ties by popularity. */
export class HistoryTags extends CountingModel {
  readonly kind = 'HistoryTags';
  private readonly tagFields: number[];

  constructor(fields: readonly FieldSpec[], tasks: readonly TagTask[], popularity: Float64Array[], tagFields: string | string[] = 'hist_tags', tagNames?: string[]) {
    super(fields, tasks, popularity, tagNames);
    this.tagFields = [tagFields].flat().map((name) => {
      const i = fields.findIndex((f) => f.name === name && f.kind === 'multi');
      if (i < 0) throw new Error(`HistoryTags: no multi-valued field "${name}" (have ${fields.map((f) => f.name).join(', ')})`);
      return i;
    });
  }

  scoreTags(fb: FieldBatch): Float64Array[] {
    const N = this.tagNames.length;
    const vs = this.tagFields.map((f) => fb.values[f] as Extract<FieldBatch['values'][number], { kind: 'multi' }>);
    return this.popularity.map((pop) => {
      // count + pop / (max pop + 1): popularity only breaks ties between equal counts.
      let max = 0;
      for (let t = 1; t < N; t++) max = Math.max(max, pop[t]);
      const out = new Float64Array(fb.B * N);
      for (let b = 0; b < fb.B; b++) {
        for (let t = 1; t < N; t++) out[b * N + t] = pop[t] / (max + 1);
        for (const v of vs) {
          for (let i = 0; i < v.n; i++) {
            const id = v.ids[b * v.n + i];
            if (id > 0 && id < N) out[b * N + id] += v.weights[b * v.n + i];
          }
        }
        out[b * N] = -Infinity;
      }
      return out;
    });
  }
}
