// TwoTower baseline of the tag-profile protocol (docs/model-guide.md#mvke): one independent single-task
// two-tower model per task, trained side by side (motefly/MVKE:model_graph_type.py
// user_and_tag_single_pctr|pcvr).
import type { Tensor } from '../tensor.js';
import type { FieldBatch } from '../nn/field-batch.js';
import { createFieldTables, createMlp, createTagFeatures, mlp, tagFieldCount, tagInput, type Mlp, type TagFeatures } from '../nn/field-pooling.js';
import { flatFields, TowerModel, type TowerConfig } from './tower-model.js';

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
