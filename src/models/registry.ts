// The one model registry: CLI name → { family, kind, create, defaults } for every model of both
// families (retrieval models and the tag-profile models with their baselines). The CLI's model
// lists, checkpoint loading (kind → class) and the tag experiment all read this table.
import type { RetrievalConfig, RetrievalModel } from './types.js';
import type { TagModel } from './tag-model.js';
import type { FieldSpec, TagTask } from '../nn/field-batch.js';
import { MIND, MIND_DEFAULTS } from './mind.js';
import { ComiRecDR, COMIREC_DR_DEFAULTS } from './comirec-dr.js';
import { ComiRecSA, COMIREC_SA_DEFAULTS } from './comirec-sa.js';
import { SINE, SINE_DEFAULTS } from './sine.js';
import { YouTubeDNN, YOUTUBE_DNN_DEFAULTS } from './youtube-dnn.js';
import { MostPopular } from './most-popular.js';
import { UTPM, UTPM_DEFAULTS, type UTPMConfig } from './utpm.js';
import { MVKE, MVKE_DEFAULTS, type MVKEConfig } from './mvke.js';
import { TOWER_DEFAULTS, type TowerConfig } from './tower-model.js';
import { TwoTower } from './two-tower.js';
import { HardSharing } from './hard-sharing.js';
import { MMoE } from './mmoe.js';
import { PopularTags } from './popular-tags.js';
import { HistoryTags } from './history-tags.js';

/** Config of a retrieval model as the registry takes it: `items` plus any overrides. */
export type RetrievalModelConfig = Partial<RetrievalConfig> & { items: number } & Record<string, unknown>;

/** Config of a counting tag baseline: the field schema, tasks and per-task tag counts. */
export interface CountingConfig {
  fields: readonly FieldSpec[];
  tasks: readonly TagTask[];
  /** Per task, a count per tag id (index 0 ignored). */
  popularity: Float64Array[];
  tagNames?: string[];
  /** HistoryTags: the multi-valued fields whose tag counts score the user (default 'hist_tags'). */
  tagFields?: string | string[];
}

interface Entry<F extends string, C, M> {
  /** Which trainer data and evaluation the model takes. */
  family: F;
  /** The model's `kind`, as stored in checkpoints. */
  kind: string;
  /** A new (untrained) model. */
  create: (config: C) => M;
  /** Every config setting with its default (the keys are what users may override). */
  defaults: object;
}

type RetrievalEntry = Entry<'retrieval', RetrievalModelConfig, RetrievalModel>;
type TagEntry = Entry<'tag', Record<string, unknown>, TagModel>;

const retrieval = (kind: string, create: (c: RetrievalModelConfig) => RetrievalModel, defaults: object): RetrievalEntry =>
  ({ family: 'retrieval', kind, create, defaults });
const tag = <C>(kind: string, create: (c: C) => TagModel, defaults: object): TagEntry =>
  ({ family: 'tag', kind, create: create as unknown as (c: Record<string, unknown>) => TagModel, defaults });

/** Every model by CLI name, in the order the CLI lists them. */
export const MODELS = {
  'comirec-sa': retrieval('ComiRec-SA', (c) => new ComiRecSA(c), { ...COMIREC_SA_DEFAULTS, attentionWidth: 0 }),
  'comirec-dr': retrieval('ComiRec-DR', (c) => new ComiRecDR(c), COMIREC_DR_DEFAULTS),
  mind: retrieval('MIND', (c) => new MIND(c), MIND_DEFAULTS),
  sine: retrieval('SINE', (c) => new SINE(c), SINE_DEFAULTS),
  'youtube-dnn': retrieval('YouTubeDNN', (c) => new YouTubeDNN(c), YOUTUBE_DNN_DEFAULTS),
  'most-popular': retrieval('MostPopular', (c) => new MostPopular(c), { seqLen: 20 }),
  mvke: tag<MVKEConfig>('MVKE', (c) => new MVKE(c), MVKE_DEFAULTS),
  utpm: tag<UTPMConfig>('UTPM', (c) => new UTPM(c), UTPM_DEFAULTS),
  mmoe: tag<TowerConfig>('MMoE', (c) => new MMoE(c), TOWER_DEFAULTS),
  hardsharing: tag<TowerConfig>('HardSharing', (c) => new HardSharing(c), TOWER_DEFAULTS),
  twotower: tag<TowerConfig>('TwoTower', (c) => new TwoTower(c), TOWER_DEFAULTS),
  historytags: tag<CountingConfig>('HistoryTags', (c) => new HistoryTags(c.fields, c.tasks, c.popularity, c.tagFields, c.tagNames), {}),
  populartags: tag<CountingConfig>('PopularTags', (c) => new PopularTags(c.fields, c.tasks, c.popularity, c.tagNames), {}),
} as const satisfies Record<string, RetrievalEntry | TagEntry>;

export type ModelName = keyof typeof MODELS;
type NamesOf<F> = { [N in ModelName]: (typeof MODELS)[N]['family'] extends F ? N : never }[ModelName];
export type RetrievalModelName = NamesOf<'retrieval'>;
export type TagModelName = NamesOf<'tag'>;

const names = Object.keys(MODELS) as ModelName[];
/** The entry of `name`, own keys only (a checkpoint or flag may say "__proto__"). */
const entryOf = (name: string): RetrievalEntry | TagEntry | undefined =>
  Object.prototype.hasOwnProperty.call(MODELS, name) ? (MODELS as Record<string, RetrievalEntry | TagEntry>)[name] : undefined;
export const RETRIEVAL_MODELS = names.filter((n) => MODELS[n].family === 'retrieval') as readonly RetrievalModelName[];
export const TAG_MODELS = names.filter((n) => MODELS[n].family === 'tag') as readonly TagModelName[];

/** CLI name of a model `kind` (as stored in checkpoints) of one family (default retrieval), or undefined. */
export function modelNameOfKind(kind: string, family: 'retrieval'): RetrievalModelName | undefined;
export function modelNameOfKind(kind: string, family: 'tag'): TagModelName | undefined;
export function modelNameOfKind(kind: string): RetrievalModelName | undefined;
export function modelNameOfKind(kind: string, family: 'retrieval' | 'tag' = 'retrieval'): ModelName | undefined {
  return names.find((n) => MODELS[n].kind === kind && MODELS[n].family === family);
}

/** Names of every config setting of a retrieval model (for checking user-given overrides). */
export function modelSettings(name: RetrievalModelName): string[] {
  return ['items', ...Object.keys(MODELS[name].defaults)];
}

/** A retrieval model by name; `config` needs at least `items`. */
export function createModel(name: string, config: RetrievalModelConfig): RetrievalModel {
  const entry = entryOf(name);
  if (!entry || entry.family !== 'retrieval') throw new Error(`unknown model "${name}" (choose one of ${RETRIEVAL_MODELS.join(', ')})`);
  return entry.create(config);
}

/** A tag-profile model by name; `config` as the model's constructor takes it (CountingConfig for the counting baselines). */
export function createTagModel(name: string, config: object): TagModel {
  const entry = entryOf(name);
  if (!entry || entry.family !== 'tag') throw new Error(`unknown tag model "${name}" (choose one of ${TAG_MODELS.join(', ')})`);
  return entry.create(config as Record<string, unknown>);
}
