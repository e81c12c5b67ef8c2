// Checkpoints of trained tag-profile models (UTPM, MVKE, TwoTower, HardSharing, MMoE, and the
// counting baselines PopularTags / HistoryTags) on top of io/checkpoint.ts: one file holds the
// model(s) of one run (UTPM trains one model per task), their configs, the tag vocabulary and the
// field vocabularies (raw item ids, tag names) that map a user's raw history into model ids.
// Loading rebuilds every model from its config and checks kinds, vocabulary sizes and shapes.
import { checkFinite, decodeCheckpoint, encodeCheckpoint, loadParams, paramSourceOf, type LoadOptions } from './checkpoint.js';
import { checkTagConfig } from '../models/check-config.js';
import { withParamSource } from '../nn/params.js';
import type { Tensor } from '../tensor.js';
import { createTagModel, modelNameOfKind, MODELS, TAG_MODELS } from '../models/registry.js';
import type { FieldSpec, TagTask, UserFields } from '../nn/field-batch.js';
import type { TagModel } from '../models/tag-model.js';

/** Checkpoint kind of every tag-profile file (retrieval checkpoints use the model name). */
export const TAG_CHECKPOINT_KIND = 'tag-profile';

/** How a field's value ids are named: Events items, tag ids, or plain buckets (activity, rating, …). */
export type FieldValues = 'item' | 'tag' | 'bucket';

/** Vocabulary stored with the models: enough to build a user's fields from raw data. */
export interface TagVocab {
  /** Tag names by id (0 = '<pad>'). */
  tagNames: string[];
  /** Raw item ids by Events item index (field id = index + 1). */
  items: string[];
  /** Field schema and the vocabulary of each field's values. */
  fields: FieldSpec[];
  values: FieldValues[];
  /** Multi-valued fields holding tag ids (HistoryTags). */
  tagFields: string[];
}

/** One stored model: kind and config (typed arrays as plain arrays, tag names left to the vocab). */
interface StoredModel {
  kind: string;
  config?: Record<string, unknown>;
  tasks?: TagTask[];
  popularity?: number[][];
}

const KINDS = TAG_MODELS.map((n) => MODELS[n].kind);

/** The vocabulary of a dataset: `items` are the raw ids of its Events item table. */
export function tagVocabOf(data: { tagNames: string[]; fields: FieldSpec[]; tagFields: string[] }, items: readonly string[]): TagVocab {
  const root = (f: FieldSpec) => f.table ?? f.name;
  const values = data.fields.map((f): FieldValues => (root(f) === 'hist_items' ? 'item' : data.tagFields.includes(root(f)) ? 'tag' : 'bucket'));
  return { tagNames: [...data.tagNames], items: [...items], fields: data.fields.map((f) => ({ ...f })), values, tagFields: [...data.tagFields] };
}

function storeModel(m: TagModel): StoredModel {
  if (!KINDS.includes(m.kind)) throw new Error(`saveTagModels: unknown tag model kind "${m.kind}" (${KINDS.join(', ')})`);
  if (m.kind === 'PopularTags' || m.kind === 'HistoryTags') {
    const pop = (m as unknown as { popularity: Float64Array[] }).popularity;
    return { kind: m.kind, tasks: [...m.tasks], popularity: pop.map((p) => Array.from(p)) };
  }
  const { tagNames: _names, tagGroups, ...rest } = (m as unknown as { config: Record<string, unknown> }).config;
  return { kind: m.kind, config: { ...rest, ...(tagGroups ? { tagGroups: Array.from(tagGroups as Int32Array) } : {}) } };
}

/** Model params of several models in one map, names prefixed `m<i>.`. */
function paramMap(models: readonly TagModel[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  models.forEach((m, i) => {
    for (const [name, t] of m.params?.tensors ?? []) out.set(`m${i}.${name}`, t);
  });
  return out;
}

/** Serialise the trained model(s) of one run with their vocabulary; `extra` is any JSON (metrics, data). */
export function encodeTagCheckpoint(models: readonly TagModel[], vocab: TagVocab, extra: Record<string, unknown> = {}): Uint8Array {
  if (!models.length) throw new Error('encodeTagCheckpoint: no models');
  for (const m of models) {
    if (m.tagNames.length !== vocab.tagNames.length) throw new Error(`encodeTagCheckpoint: ${m.kind} has ${m.tagNames.length} tag ids, the vocabulary ${vocab.tagNames.length}`);
  }
  return encodeCheckpoint({
    kind: TAG_CHECKPOINT_KIND,
    config: { models: models.map(storeModel) },
    params: paramMap(models),
    vocab,
    extra,
  });
}

export interface LoadedTagCheckpoint {
  models: TagModel[];
  vocab: TagVocab;
  extra: Record<string, unknown>;
}

const isStrings = (v: unknown, max = 2 ** 26): v is string[] => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string');

/** The stored vocabulary, checked entry by entry (errors name the field). */
function checkVocab(v: unknown, source: string): TagVocab {
  const bad = (msg: string): never => {
    throw new Error(`tag checkpoint: ${source}: vocab${msg}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(' is missing or not an object (need tagNames, items, fields, values, tagFields)');
  const x = v as Record<string, unknown>;
  if (!isStrings(x.tagNames) || x.tagNames.length < 2) bad('.tagNames is not a list of at least 2 strings');
  if (!isStrings(x.items)) bad('.items is not a list of strings');
  if (!Array.isArray(x.fields) || x.fields.length > 1_000) bad('.fields is not a list of at most 1000 fields');
  const fields = x.fields as unknown[];
  fields.forEach((f, i) => {
    const y = f as Record<string, unknown>;
    if (typeof f !== 'object' || f === null || typeof y.name !== 'string' || (y.kind !== 'multi' && y.kind !== 'single') || !(Number.isSafeInteger(y.size) && (y.size as number) >= 1) || (y.table !== undefined && typeof y.table !== 'string')) {
      bad(`.fields[${i}] is not { name, kind: 'multi' | 'single', size ≥ 1, table? }`);
    }
  });
  if (!Array.isArray(x.values) || x.values.length !== fields.length || !x.values.every((k) => k === 'item' || k === 'tag' || k === 'bucket')) {
    bad(`.values is not a list of ${fields.length} of 'item' | 'tag' | 'bucket'`);
  }
  if (!isStrings(x.tagFields, 1_000)) bad('.tagFields is not a list of field names');
  return v as TagVocab;
}

function rebuild(s: StoredModel, i: number, vocab: TagVocab, ck: DecodedCheckpointOf, source: string): TagModel {
  const where = `tag checkpoint: ${source}: config.models[${i}]`;
  if (typeof s !== 'object' || s === null || Array.isArray(s) || typeof s.kind !== 'string') throw new Error(`${where} is not an object { kind, config }`);
  const bad = (msg: string): never => {
    throw new Error(`${where} (${s.kind}): ${msg}`);
  };
  const names = vocab.tagNames;
  if (s.kind === 'PopularTags' || s.kind === 'HistoryTags') {
    const tasks = s.tasks;
    if (!Array.isArray(tasks) || !tasks.length || tasks.length > 2 || !tasks.every((t) => t === 'ctr' || t === 'cvr')) bad(`tasks ${JSON.stringify(tasks)} is not a list of 'ctr' / 'cvr'`);
    const raw = s.popularity;
    if (!Array.isArray(raw) || raw.length !== tasks!.length) bad(`needs one popularity list per task (${tasks!.length})`);
    raw!.forEach((p, k) => {
      if (!Array.isArray(p) || p.length !== names.length || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) bad(`popularity[${k}] is not a list of ${names.length} finite numbers (one per tag)`);
    });
    const pop = raw!.map((p) => Float64Array.from(p));
    return createTagModel(modelNameOfKind(s.kind, 'tag')!, { fields: vocab.fields, tasks: tasks!, popularity: pop, tagFields: vocab.tagFields, tagNames: names });
  }
  const c = checkTagConfig(s.kind, s.config, where);
  if (c.tags !== names.length) bad(`config has ${c.tags} tag ids, the vocabulary ${names.length}`);
  const fields = c.fields as FieldSpec[];
  if (fields.length !== vocab.fields.length || fields.some((f, k) => f.name !== vocab.fields[k].name || f.kind !== vocab.fields[k].kind)) {
    bad(`config fields [${fields.map((f) => f.name).join(', ')}] differ from the vocabulary's [${vocab.fields.map((f) => f.name).join(', ')}]`);
  }
  const config = { ...c, tagNames: names, ...(Array.isArray(c.tagGroups) ? { tagGroups: Int32Array.from(c.tagGroups as number[]) } : {}) };
  const name = modelNameOfKind(s.kind, 'tag') ?? bad(`unknown tag model kind (expected one of ${KINDS.join(', ')})`);
  // Checkpoints written before UTPM's `jointAffine` existed trained the affine joint logit, and
  // those written before MVKE's `maskEmptyFields` existed trained without the mask.
  const legacy = s.kind === 'UTPM' ? { jointAffine: true } : s.kind === 'MVKE' ? { maskEmptyFields: false } : {};
  return withParamSource(paramSourceOf(ck, source, `m${i}.`), (): TagModel => {
    try {
      return createTagModel(name, { ...legacy, ...config });
    } catch (e) {
      // The model's own config checks name the file too.
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  });
}

type DecodedCheckpointOf = ReturnType<typeof decodeCheckpoint>;

/**
 * Parse a tag checkpoint and rebuild its models (weights loaded, checked name by name and shape by
 * shape, before anything config-sized is allocated). Refuses retrieval checkpoints and other files
 * with a message naming what the file is; NaN / ±Infinity weights unless `opts.allowNonFinite`.
 */
export function decodeTagCheckpoint(bytes: Uint8Array, source = 'checkpoint', opts: LoadOptions = {}): LoadedTagCheckpoint {
  const ck = decodeCheckpoint(bytes, source);
  if (ck.kind !== TAG_CHECKPOINT_KIND) {
    throw new Error(`tag checkpoint: ${source} holds a ${JSON.stringify(ck.kind)} model, not a tag-profile model (write one with \`mirec train-tags --out FILE\`)`);
  }
  const stored = (ck.config as { models?: StoredModel[] } | undefined)?.models;
  if (!Array.isArray(stored) || !stored.length || stored.length > 16) throw new Error(`tag checkpoint: ${source}: config.models is not a list of 1 to 16 models`);
  const vocab = checkVocab(ck.vocab, source);
  checkFinite(ck, source, opts);
  const models: TagModel[] = [];
  try {
    stored.forEach((s, i) => models.push(rebuild(s, i, vocab, ck, source)));
    loadParams(ck, paramMap(models), source);
  } catch (e) {
    for (const m of models) m.params?.free();
    throw e;
  }
  return { models, vocab, extra: ck.extra };
}

/**
 * A user's fields from another vocabulary (the data the user was read from) in the checkpoint's
 * ids: items and tags are matched by raw id / name (unknown ones dropped), buckets kept when in
 * range. The two schemas must list the same fields.
 */
export function remapUserFields(user: UserFields, from: TagVocab, to: TagVocab): UserFields {
  if (from.fields.length !== to.fields.length || from.fields.some((f, i) => f.name !== to.fields[i].name || f.kind !== to.fields[i].kind)) {
    throw new Error(`remapUserFields: the data's fields [${from.fields.map((f) => f.name).join(', ')}] differ from the model's [${to.fields.map((f) => f.name).join(', ')}]; use the dataset the model was trained on`);
  }
  const itemIndex = new Map(to.items.map((id, i) => [id, i + 1]));
  const tagIndex = new Map(to.tagNames.map((n, i) => [n, i]));
  const map = (f: number, id: number): number => {
    if (id <= 0) return 0;
    switch (to.values[f]) {
      case 'item': return itemIndex.get(from.items[id - 1]) ?? 0;
      case 'tag': return id < from.tagNames.length ? tagIndex.get(from.tagNames[id]) ?? 0 : 0;
      default: return id < to.fields[f].size ? id : 0;
    }
  };
  return user.map((v, f) => {
    if (typeof v === 'number') return map(f, v);
    const ids: number[] = [];
    const weights: number[] = [];
    v.ids.forEach((id, i) => {
      const m = map(f, id);
      if (m > 0) { ids.push(m); weights.push(v.weights[i]); }
    });
    return { ids: Int32Array.from(ids), weights: Float32Array.from(weights) };
  });
}
