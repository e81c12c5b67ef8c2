// MMoE baseline of the tag-profile protocol (docs/model-guide.md#mvke): X shared experts over the pooled user
// fields, per-task softmax gates over task subsets of the experts computed from the user alone
// (motefly/MVKE:model_graph_type.py user_MMoE_and_tag_HS).
import type { Tensor } from '../tensor.js';
import { bmm, concat, linear, reshape, softmax } from '../ops/index.js';
import type { FieldBatch } from '../nn/field-batch.js';
import { createFieldTables, createMlp, createTagFeatures, mlp, tagFieldCount, tagInput, type Mlp, type TagFeatures } from '../nn/field-pooling.js';
import { flatFields, TowerModel, type TowerConfig } from './tower-model.js';

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
