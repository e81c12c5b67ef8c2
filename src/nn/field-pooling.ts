// Building blocks shared by MVKE and its baselines (docs/model-guide.md#mvke): field tables with
// count-weighted mean pooling, two-layer MLP towers, tag feature embeddings, and constant
// tensors built from batches. Everything composes ops, so gradients come from the tape.
import { Tensor, idTensor, tensor } from '../tensor.js';
import type { ParamStore } from './params.js';
import { add, bceWithLogits, bmm, concat, gather, linear, relu, reshape, scale } from '../ops/index.js';
import type { FieldBatch, FieldSpec, TagBatch, TagTask } from './field-batch.js';

/** Create one [size, D] table per field (shared when `table` names another field). */
export function createFieldTables(params: ParamStore, fields: readonly FieldSpec[], D: number, prefix = ''): Tensor[] {
  const byName = new Map<string, Tensor>();
  const init = { kind: 'normal', std: 0.01 } as const;
  for (const f of fields) {
    if (f.table) continue;
    byName.set(f.name, params.create(`${prefix}table.${f.name}`, [f.size, D], init, { paddingRow: true, sparse: true }));
  }
  return fields.map((f) => {
    const t = byName.get(f.table ?? f.name);
    if (!t) throw new Error(`field "${f.name}": shares table "${f.table}", which is not a field with its own table`);
    if (t.shape[0] < f.size) throw new Error(`field "${f.name}": shared table "${f.table}" has ${t.shape[0]} rows, needs ${f.size}`);
    return t;
  });
}

/** Constant [B, n] count-normalised weights: w_i / Σ w (an empty row stays all zero). */
function normalisedWeights(B: number, n: number, w: Float32Array): Tensor {
  const out = new Float32Array(B * n);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[b * n + i];
    if (s > 0) for (let i = 0; i < n; i++) out[b * n + i] = w[b * n + i] / s;
  }
  return tensor(out, [B, 1, n]);
}

/**
 * U [B, F, D]: single fields are their embedding, multi fields the count-weighted mean of their
 * values' embeddings (an empty field is the zero vector).
 */
export function pooledFields(tables: readonly Tensor[], fb: FieldBatch): Tensor {
  const B = fb.B;
  const D = tables[0].shape[1];
  const parts = fb.values.map((v, f) => {
    if (v.kind === 'single') return gather(tables[f], idTensor(v.ids, [B])); // [B, D]
    const e = gather(tables[f], idTensor(v.ids, [B, v.n])); // [B, n, D]
    return reshape(bmm(normalisedWeights(B, v.n, v.weights), e), [B, D]); // [B, D]
  });
  return reshape(concat(parts), [B, fb.values.length, D]);
}

/** A two-layer MLP [in → hidden (ReLU) → out (linear)], glorot weights, zero biases. */
export interface Mlp {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}

export function createMlp(params: ParamStore, name: string, dIn: number, hidden: number, dOut: number): Mlp {
  return {
    w1: params.create(`${name}.w1`, [dIn, hidden]),
    b1: params.create(`${name}.b1`, [hidden], { kind: 'zeros' }),
    w2: params.create(`${name}.w2`, [hidden, dOut]),
    b2: params.create(`${name}.b2`, [dOut], { kind: 'zeros' }),
  };
}

export function mlp(m: Mlp, x: Tensor): Tensor {
  return linear(relu(linear(x, m.w1, m.b1)), m.w2, m.b2);
}

/** Tag feature tables: the tag id and, when `groups` > 0, the tag group. */
export interface TagFeatures {
  id: Tensor; // [N_tag, D]
  group: Tensor | null; // [groups, D]
  groupOf: Int32Array | null; // [N_tag]
}

export function createTagFeatures(params: ParamStore, tags: number, D: number, groupOf?: Int32Array, groups = 0, prefix = ''): TagFeatures {
  const init = { kind: 'normal', std: 0.01 } as const;
  const id = params.create(`${prefix}tag.id`, [tags, D], init, { paddingRow: true, sparse: true });
  if (!groupOf || groups <= 0) return { id, group: null, groupOf: null };
  if (groupOf.length !== tags) throw new Error(`tag groups: ${groupOf.length} entries for ${tags} tag ids`);
  const group = params.create(`${prefix}tag.group`, [groups, D], init, { paddingRow: true, sparse: true });
  return { id, group, groupOf };
}

/** Number of tag feature fields G. */
export const tagFieldCount = (tf: TagFeatures): number => (tf.group ? 2 : 1);

/** Tag features [B, G·D] of tag ids [B]. */
export function tagInput(tf: TagFeatures, tags: Int32Array): Tensor {
  const B = tags.length;
  const idPart = gather(tf.id, idTensor(tags, [B]));
  if (!tf.group) return idPart;
  const g = Int32Array.from(tags, (t) => tf.groupOf![t]);
  return concat([idPart, gather(tf.group, idTensor(g, [B]))]);
}

/** Rows of `x` [R, ...] picked by `ids` (a differentiable index-select through gather). */
export function pickRows(x: Tensor, ids: Int32Array): Tensor {
  const R = x.shape[0];
  const rest = x.shape.slice(1);
  const w = rest.reduce((a, b) => a * b, 1);
  return reshape(gather(reshape(x, [R, w]), idTensor(ids, [ids.length])), [ids.length, ...rest]);
}

/** Every tag id 0..n−1 (serving over the vocabulary). */
export const allTags = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** Σ_τ w_τ · mean BCE(logits_τ, labels_τ) over the tasks a model serves (click or conversion labels). */
export function multiTaskBce(tasks: readonly TagTask[], logits: readonly Tensor[], batch: TagBatch, weights: readonly number[]): Tensor {
  let total: Tensor | null = null;
  tasks.forEach((task, ti) => {
    const y = task === 'ctr' ? batch.click : batch.conversion;
    let l = bceWithLogits(logits[ti], tensor(y, [batch.B]));
    const w = weights[task === 'ctr' ? 0 : 1];
    if (w !== 1) l = scale(l, w);
    total = total ? add(total, l) : l;
  });
  return total!;
}
