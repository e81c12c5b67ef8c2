// runTagExperiment: the script entry of the tag-profile protocol (docs/protocols.md#tag-protocol) for the CLI
// (`mirec train --model utpm|mvke …`): load a dataset, build the models, train with early
// stopping, evaluate on the test users, repeat over split seeds, and return per-model rows.
import type { TagDataset } from '../data/tag-datasets.js';
import { amazonTagDataset, movielensTagDataset, syntheticTagDataset, taobaoTagDataset } from '../data/tag-datasets.js';
import type { TagModel } from '../models/tag-model.js';
import { fieldBatch, type TagTask } from '../nn/field-batch.js';
import { evaluateTagModel, type TaskReport } from './tag-evaluate.js';
import { splitUsers } from './tag-batches.js';
import { trainTagModel, type TrainTagOptions } from './train-tag-model.js';
import { UTPM, type UTPMConfig } from '../models/utpm.js';
import type { MVKEConfig } from '../models/mvke.js';
import type { TowerConfig } from '../models/tower-model.js';
import { countTagPopularity } from '../models/counting-model.js';
import { createTagModel, TAG_MODELS, type TagModelName } from '../models/registry.js';

export { TAG_MODELS, type TagModelName };

export interface TagExperimentOptions {
  /** 'synthetic' (tiny|small preset via `preset`), 'movielens' (dir), 'amazon' (dir with Beauty files), 'taobao' (file). */
  dataset: 'synthetic' | 'movielens' | 'amazon' | 'taobao';
  /** Directory or file of the dataset (MovieLens: the ml-latest-small directory). */
  path?: string;
  /** Synthetic preset (default 'small'). */
  preset?: 'tiny' | 'small' | 'medium';
  /** Models to run (default all). */
  models?: TagModelName[];
  /** Split seeds (default [1230]). */
  seeds?: number[];
  /** 'drawn' popularity negatives (default) or the log's real 'exposures' (MovieLens, Taobao). */
  negatives?: 'drawn' | 'exposures';
  /** Training options (epochs, patience, lr, batch size). */
  train?: TrainTagOptions;
  /** Config overrides per model. */
  utpm?: Partial<UTPMConfig>;
  mvke?: Partial<MVKEConfig>;
  towers?: Partial<TowerConfig>;
  /** Progress lines (default silent). */
  log?: (line: string) => void;
}

export interface TagExperimentRow {
  model: TagModelName;
  seed: number;
  tasks: TaskReport[];
  bestEpoch: number[];
  /** Best mean validation AUC of each trained model (the early-stopping criterion); NaN for counting models. */
  bestValid?: number[];
  rowsPerSec: number;
  seconds: number;
  /** UTPM: share of test users whose profile vector is zero. */
  zeroNormShare?: number;
}

/** Load a dataset under one split seed. */
export async function loadTagDataset(opts: TagExperimentOptions, splitSeed: number): Promise<TagDataset> {
  const so = { splitSeed, negatives: opts.negatives };
  switch (opts.dataset) {
    case 'synthetic': return syntheticTagDataset(opts.preset ?? 'small', {}, so);
    case 'movielens': return movielensTagDataset(opts.path ?? 'ml-latest-small', so);
    case 'amazon': {
      const dir = opts.path ?? 'amazon-beauty';
      return amazonTagDataset(`${dir}/Beauty.txt.gz`, `${dir}/Beauty_item2attributes.json.gz`, so);
    }
    case 'taobao': return taobaoTagDataset(opts.path ?? 'UserBehavior_head.csv.gz', so);
  }
}

/** Build (untrained) models of one kind; UTPM gives two models (click and conversion labels) when CVR exists. */
export function buildTagModels(name: TagModelName, data: TagDataset, opts: Pick<TagExperimentOptions, 'utpm' | 'mvke' | 'towers'> = {}): TagModel[] {
  const tasks: TagTask[] = data.hasConversions ? ['ctr', 'cvr'] : ['ctr'];
  const base = { fields: data.fields, tags: data.tagNames.length, tagNames: data.tagNames };
  const groups = { tagGroups: data.tagGroups, groups: data.groupNames.length };
  const pop = () => {
    const c = countTagPopularity(data.samples.itemRows, (i) => data.itemTags[i] ?? [], data.tagNames.length, splitUsers(data, 'train'));
    return tasks.map((t) => (t === 'ctr' ? c.ctr : c.cvr));
  };
  switch (name) {
    case 'utpm':
      return tasks.map((t) => createTagModel(name, { ...base, tagField: data.tagFields[0], ...opts.utpm, label: t === 'ctr' ? 'click' : 'conversion' }));
    case 'mvke':
      return [createTagModel(name, { ...base, ...groups, ...(data.hasConversions ? {} : { singleTask: 'ctr' }), ...opts.mvke })];
    case 'twotower': case 'hardsharing': case 'mmoe':
      return [createTagModel(name, { ...base, ...groups, tasks, ...opts.towers })];
    case 'populartags': case 'historytags':
      return [createTagModel(name, { fields: data.fields, tasks, popularity: pop(), tagFields: data.tagFields, tagNames: data.tagNames })];
  }
}

/** Train and evaluate every requested model on every split seed. */
export async function runTagExperiment(opts: TagExperimentOptions): Promise<TagExperimentRow[]> {
  const out: TagExperimentRow[] = [];
  const log = opts.log ?? (() => {});
  for (const seed of opts.seeds ?? [1230]) {
    const data = await loadTagDataset(opts, seed);
    log(`${data.name} seed ${seed}: ${data.samples.users.length} users, ${data.tagNames.length - 1} tags, ${data.samples.itemRows.user.length} item rows, ${data.samples.tagRows.user.length} tag rows`);
    for (const name of opts.models ?? TAG_MODELS) {
      const t0 = performance.now();
      const models = buildTagModels(name, data, opts);
      const tasks: TaskReport[] = [];
      const bestEpoch: number[] = [], bestValid: number[] = [];
      let rows = 0, secs = 0, zero: number | undefined;
      for (const m of models) {
        const r = trainTagModel(m, data, { ...opts.train, onEpoch: (e) => log(`  ${name} ${m.tasks.join('+')} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} valid ${e.validMean.toFixed(4)} (${Math.round(e.rowsPerSec)} rows/s)`) });
        tasks.push(...evaluateTagModel(m, data, 'test'));
        bestEpoch.push(r.bestEpoch);
        bestValid.push(r.bestValid);
        if (Number.isFinite(r.rowsPerSec)) { rows += r.rowsPerSec; secs++; }
        if (m instanceof UTPM && m.tasks[0] === 'ctr') {
          zero = m.zeroNormShare(fieldBatch(data.fields, Array.from(data.samples.test, (u) => data.users[u])));
        }
      }
      const row: TagExperimentRow = { model: name, seed, tasks, bestEpoch, bestValid, rowsPerSec: secs ? rows / secs : NaN, seconds: (performance.now() - t0) / 1000, zeroNormShare: zero };
      log(`  ${name}: ${tasks.map((t) => `${t.task} AUC ${t.auc.toFixed(4)} GAUC ${t.gauc.toFixed(4)} P@10 ${t.atK.find((x) => x.k === 10)?.precision.toFixed(4)}`).join(' | ')} (${row.seconds.toFixed(1)} s)`);
      out.push(row);
    }
  }
  return out;
}

/** Mean ± std over seeds of one metric, per model and task: the results-table cells. */
export function summariseTagRows(rows: TagExperimentRow[], metric: (t: TaskReport) => number): Map<string, { mean: number; std: number; n: number }> {
  const acc = new Map<string, number[]>();
  for (const r of rows) for (const t of r.tasks) {
    const key = `${r.model}/${t.task}`;
    if (!acc.has(key)) acc.set(key, []);
    acc.get(key)!.push(metric(t));
  }
  const out = new Map<string, { mean: number; std: number; n: number }>();
  for (const [k, v] of acc) {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
    out.set(k, { mean, std, n: v.length });
  }
  return out;
}
