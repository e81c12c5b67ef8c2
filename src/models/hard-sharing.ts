// HardSharing baseline of the tag-profile protocol (docs/model-guide.md#mvke): shared field and tag tables,
// one user tower and one tag tower per task (motefly/MVKE:model_graph_type.py user_HS_and_tag_HS).
import type { Tensor } from '../tensor.js';
import type { FieldBatch } from '../nn/field-batch.js';
import { createFieldTables, createMlp, createTagFeatures, mlp, tagFieldCount, tagInput, type Mlp, type TagFeatures } from '../nn/field-pooling.js';
import { flatFields, TowerModel, type TowerConfig } from './tower-model.js';

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
