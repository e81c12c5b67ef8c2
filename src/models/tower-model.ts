// The common body of the tower baselines of the tag-profile protocol (docs/model-guide.md#mvke, docs/protocols.md
// docs/model-guide.md#comirec-sa), built from MVKE's parts (pooled field tables, MLP towers, BCE over tag rows): their config,
// defaults and the abstract TowerModel that TwoTower, HardSharing and MMoE extend. In every tower
// model the user vector depends on the user only; ŷ_τ = σ(⟨u_τ, t_τ⟩).
import type { Tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import { noGrad } from '../autograd/tape.js';
import { dotRows, matmul, reshape } from '../ops/index.js';
import type { FieldBatch, FieldSpec, TagBatch, TagTask, UserFields } from '../nn/field-batch.js';
import { defaultTagNames, profileOf, sigmoid, type ProfileTag, type TagModel } from './tag-model.js';
import { allTags, multiTaskBce, pickRows, pooledFields } from '../nn/field-pooling.js';
import { fmtCount, checkModelConfig } from './common.js';

/** Settings shared by TwoTower, HardSharing and MMoE (defaults as MVKE's, docs/model-guide.md#mvke). */
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
export function flatFields(tables: readonly Tensor[], fb: FieldBatch): Tensor {
  const u = pooledFields(tables, fb); // [B, F, D]
  return reshape(u, [fb.B, u.shape[1] * u.shape[2]]);
}

/** Common body: per-task user vectors [Bu, D] and tag vectors [n, D], ŷ_τ = σ(⟨u_τ, t_τ⟩). */
export abstract class TowerModel implements TagModel {
  readonly family = 'tag' as const;
  abstract readonly kind: string;
  readonly rows = 'tag' as const;
  readonly config: TowerConfig;
  readonly params: ParamStore;
  readonly tagNames: string[];

  constructor(config: Partial<TowerConfig> & Pick<TowerConfig, 'fields' | 'tags'>) {
    checkModelConfig(this.constructor.name, config, TOWER_DEFAULTS, { fields: 'array', tags: 'integer', tagNames: 'array', tagGroups: 'array', seed: 'number' }, ['fields', 'tags']);
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
