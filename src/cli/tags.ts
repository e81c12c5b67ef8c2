// The tag-profile commands of `mirec` (docs/protocols.md#tag-protocol): `train-tags` trains one tag model
// (UTPM, MVKE, a tower baseline or a counting baseline) on a dataset, prints the docs/protocols.md#tag-metrics metrics
// table, and writes a checkpoint and a JSON report; `profile` loads a checkpoint and prints one
// raw user's top tags as JSON. commands/train-tags.ts and commands/profile.ts hold their option tables.
import { existsSync, readFileSync } from 'node:fs';
import { init } from '../engine/load.js';
import { readEvents } from '../data/read-events.js';
import { generateSynthetic } from '../data/synthetic.js';
import { buildTagModels, loadTagDataset, TAG_MODELS, type TagExperimentOptions, type TagModelName } from '../train/tag-experiment.js';
import { evaluateTagModel, type TaskReport } from '../train/tag-evaluate.js';
import { trainTagModelAsync, type TrainTagResult } from '../train/train-tag-model.js';
import { decodeTagCheckpoint, encodeTagCheckpoint, remapUserFields, tagVocabOf } from '../io/tag-checkpoint.js';
import { profileOf } from '../models/tag-model.js';
import type { TagDataset } from '../data/tag-datasets.js';
import type { TagTask } from '../nn/field-batch.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { UsageError } from './args.js';
import { onInterrupt } from './interrupt.js';
import { LIBRARY_VERSION } from './version.js';

type Opts = Record<string, string | number | boolean | undefined>;
type DatasetName = TagExperimentOptions['dataset'];
const DATASETS: readonly DatasetName[] = ['movielens', 'amazon', 'taobao', 'synthetic'];
const PRESETS = ['tiny', 'small', 'medium'] as const;
const DATA_HINT: Record<DatasetName, string> = {
  movielens: 'the ml-latest-small folder (ratings.csv.gz, movies.csv.gz, tags.csv.gz)',
  amazon: 'the folder with Beauty.txt.gz and Beauty_item2attributes.json.gz',
  taobao: 'UserBehavior_head.csv.gz',
  synthetic: 'a preset name: tiny, small (default) or medium',
};

function oneOf<T extends string>(flag: string, value: unknown, choices: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) throw new UsageError(`--${flag} is required (${choices.join(' | ')})`);
  if (!choices.includes(value as T)) throw new UsageError(`--${flag} "${value}" is not one of ${choices.join(' | ')}`);
  return value as T;
}

function positiveInt(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new UsageError(`--${flag} expects a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** The dataset options of a run, with --data checked before any loading. */
function datasetOptions(name: DatasetName, data: unknown): TagExperimentOptions {
  if (name === 'synthetic') return { dataset: name, preset: oneOf('data', data, PRESETS, 'small') };
  if (typeof data !== 'string') throw new UsageError(`--data is required for --dataset ${name}: ${DATA_HINT[name]}`);
  if (!existsSync(data)) throw new UsageError(`--data ${data}: no such file or folder (expected ${DATA_HINT[name]})`);
  return { dataset: name, path: data };
}

/** An unusable input named by a flag is a usage error (exit 2) whose message names flag and path. */
async function asInput<T>(flag: string, path: string | undefined, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof UsageError || e instanceof TypeError || e instanceof RangeError) throw e;
    const msg = (e as Error).message.replace(/^(readEvents|safetensors|checkpoint|tag checkpoint): /, '');
    throw new UsageError(path === undefined || msg.includes(path) ? `${flag} ${msg}` : `${flag} ${path}: ${msg}`);
  }
}

/** Raw user and item ids of the Events table a dataset was built from (the loaders read the same files). */
async function rawIds(o: TagExperimentOptions, data: TagDataset): Promise<{ userIds: string[]; itemIds: string[] }> {
  let ev: { userIds: string[]; itemIds: string[] };
  switch (o.dataset) {
    case 'synthetic': ev = generateSynthetic(o.preset ?? 'small').events; break;
    case 'movielens': ev = await readEvents(`${o.path}/ratings.csv.gz`); break;
    case 'amazon': ev = await readEvents(`${o.path}/Beauty.txt.gz`, { format: 'sequence' }); break;
    case 'taobao': ev = await readEvents(o.path!, { behaviors: 'all' }); break;
  }
  if (ev.itemIds.length !== data.itemTags.length) throw new Error(`${data.name}: ${ev.itemIds.length} raw item ids for ${data.itemTags.length} items; the loader and the id reader disagree`);
  return ev;
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '—');

/** The docs/protocols.md#tag-metrics table: per task AUC, GAUC, P@K / R@K for every K, coverage of the top-10 profiles. */
export function tagMetricsTable(rows: { name: string; tasks: TaskReport[] }[]): string {
  const ks = rows[0]?.tasks[0]?.atK.map((x) => x.k) ?? [1, 3, 5, 10];
  const head = `| model | task | AUC | GAUC | ${ks.map((k) => `P@${k} | R@${k}`).join(' | ')} | coverage | users |`;
  const sep = `|${'---|'.repeat(6 + 2 * ks.length)}`;
  const lines = rows.flatMap(({ name, tasks }) => tasks.map((t) =>
    `| ${name} | ${t.task} | ${f4(t.auc)} | ${f4(t.gauc)} | ${ks.map((k) => { const a = t.atK.find((x) => x.k === k); return `${f4(a?.precision ?? NaN)} | ${f4(a?.recall ?? NaN)}`; }).join(' | ')} | ${f4(t.coverage)} | ${t.users} |`));
  return [head, sep, ...lines].join('\n');
}

/**
 * Model sizes from flags: --dim (MVKE / tower width D, UTPM's user and tag size U), --embed-dim
 * (UTPM's field embedding E), --kernels (MVKE virtual kernels; CTR keeps the first 3, CVR kernels
 * 1..V−1), --experts (MMoE experts; CTR the first 60 %, CVR the last 80 %).
 */
function sizeOverrides(o: Opts): Pick<TagExperimentOptions, 'utpm' | 'mvke' | 'towers'> {
  const dim = positiveInt('dim', o.dim), embedDim = positiveInt('embed-dim', o.embedDim);
  const kernels = positiveInt('kernels', o.kernels), experts = positiveInt('experts', o.experts);
  if (kernels !== undefined && kernels < 2) throw new UsageError('--kernels expects at least 2 (one shared between the tasks)');
  const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
  return {
    utpm: { ...(dim ? { userDim: dim } : {}), ...(embedDim ? { embedDim } : {}) },
    mvke: { ...(dim ? { dim } : {}), ...(kernels ? { kernels, ctrKernels: range(0, Math.min(3, kernels)), cvrKernels: range(1, kernels) } : {}) },
    towers: {
      ...(dim ? { dim } : {}),
      ...(experts ? { experts, ctrExperts: range(0, Math.max(1, Math.round(0.6 * experts))), cvrExperts: range(Math.floor(0.2 * experts), experts) } : {}),
    },
  };
}

async function trainTags(o: Opts): Promise<number> {
  const name = oneOf('model', o.model, TAG_MODELS as readonly TagModelName[]);
  const dsName = oneOf('dataset', o.dataset, DATASETS);
  const dso = { ...datasetOptions(dsName, o.data), negatives: oneOf('negatives', o.negatives, ['drawn', 'exposures'] as const, 'drawn') };
  const splitSeed = (o.splitSeed as number | undefined) ?? 1230;
  const train = {
    epochs: positiveInt('epochs', o.epochs), patience: positiveInt('patience', o.patience),
    batchSize: positiveInt('batch', o.batch), lr: o.lr as number | undefined, seed: o.seed as number | undefined,
  };
  if (train.lr !== undefined && !(train.lr > 0)) throw new UsageError(`--lr expects a positive number, got ${train.lr}`);
  const engine = await init();
  const data = await asInput('--data', dso.path, () => loadTagDataset(dso, splitSeed));
  const ids = await asInput('--data', dso.path, () => rawIds(dso, data));
  const s = data.samples;
  process.stderr.write(`mirec: ${data.name} split ${splitSeed}: ${s.users.length} users (${s.train.length}/${s.valid.length}/${s.test.length}), ${data.tagNames.length - 1} tags, ${s.itemRows.user.length} item rows, ${s.tagRows.user.length} tag rows\n`);
  const models = buildTagModels(name, data, sizeOverrides(o));
  const results: TrainTagResult[] = [];
  const tasks: TaskReport[] = [];
  const about = { dataset: dsName, data: dso.path ?? dso.preset, splitSeed, negatives: dso.negatives };
  const writeReport = async (status: string, test: TaskReport[] | null) => {
    if (typeof o.report !== 'string') return;
    const doc = {
      command: 'train-tags', status, ...about, model: name, models: models.map(String), options: o,
      data: { name: data.name, users: s.users.length, test: s.test.length, tags: data.tagNames.length - 1, itemRows: s.itemRows.user.length, tagRows: s.tagRows.user.length },
      training: results, test, backend: engine.backend, node: process.version, library: `mirec ${LIBRARY_VERSION}`,
    };
    await writeFileAtomic(o.report, JSON.stringify(doc, null, 2));
    process.stderr.write(`mirec: report (${status}) written to ${o.report}\n`);
  };
  // SIGINT / SIGTERM: the step in flight finishes, the model keeps its best epoch, and the
  // checkpoint is written (atomically) when every model has one; exit 130 / 143.
  const interrupt = onInterrupt('training after the current step');
  try {
    for (const m of models) {
      process.stderr.write(`mirec: ${m.toString()}\n`);
      const r = await trainTagModelAsync(m, data, {
        ...train, signal: interrupt,
        onEpoch: (e) => process.stderr.write(`mirec: ${name} ${m.tasks.join('+')} epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, valid AUC ${f4(e.validMean)}, ${Math.round(e.rowsPerSec)} rows/s\n`),
      });
      results.push(r);
      if (interrupt.aborted) break;
      if (m.params) process.stderr.write(`mirec: ${name} ${m.tasks.join('+')}: kept epoch ${r.bestEpoch} (valid AUC ${f4(r.bestValid)})\n`);
      tasks.push(...evaluateTagModel(m, data, 'test'));
    }
    if (interrupt.aborted) {
      // Every model must hold a validated epoch: an untrained one would be saved as random weights.
      const missing = models.find((m, i) => m.params && !(results[i]?.bestEpoch > 0));
      const stopped = `${interrupt.signal} during ${models[results.length - 1].tasks.join('+')} training`;
      if (typeof o.out === 'string' && !missing) {
        await writeFileAtomic(o.out, encodeTagCheckpoint(models, tagVocabOf(data, ids.itemIds), { ...about, test: null, bestEpoch: results.map((r) => r.bestEpoch), interrupted: interrupt.signal }));
        process.stderr.write(`mirec: ${stopped}: checkpoint of the best epoch${results.length > 1 ? 's' : ''} (${results.map((r) => r.bestEpoch).join(', ')}) written to ${o.out}\n`);
      } else if (typeof o.out === 'string') {
        process.stderr.write(`mirec: ${stopped}: no checkpoint written (${name} ${missing!.tasks.join('+')} had no validated epoch yet)\n`);
      }
      await writeReport(`interrupted (${interrupt.signal})`, null);
      return interrupt.code;
    }
  } finally {
    interrupt.dispose();
  }
  process.stdout.write(`\n${data.name}, split seed ${splitSeed}, ${s.test.length} test users (docs/protocols.md#tag-metrics; P@K / R@K over the whole tag vocabulary)\n${tagMetricsTable([{ name, tasks }])}\n`);
  if (typeof o.out === 'string') {
    await writeFileAtomic(o.out, encodeTagCheckpoint(models, tagVocabOf(data, ids.itemIds), { ...about, test: tasks, bestEpoch: results.map((r) => r.bestEpoch) }));
    process.stderr.write(`mirec: checkpoint written to ${o.out}\n`);
  }
  await writeReport('finished', tasks);
  return 0;
}

async function profile(o: Opts): Promise<number> {
  if (typeof o.checkpoint !== 'string') throw new UsageError('--checkpoint FILE is required (written by `mirec train-tags --out FILE`)');
  if (o.user === undefined || o.user === '') throw new UsageError('--user RAW_USER_ID is required (the user id as it appears in the data file)');
  const topK = positiveInt('top-k', o.topK) ?? 10;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(o.checkpoint);
  } catch (e) {
    throw new UsageError(`--checkpoint ${o.checkpoint}: ${(e as Error).message}`);
  }
  await init();
  const ck = await asInput('--checkpoint', o.checkpoint, () => decodeTagCheckpoint(bytes, o.checkpoint as string));
  // The data defaults to what the model was trained on (recorded in the checkpoint).
  const dsName = oneOf('dataset', o.dataset ?? ck.extra.dataset, DATASETS);
  const dso = datasetOptions(dsName, o.data ?? (o.dataset === undefined || o.dataset === ck.extra.dataset ? ck.extra.data : undefined));
  const tasks = [...new Set(ck.models.flatMap((m) => m.tasks))];
  const task = oneOf('task', o.task, tasks as TagTask[], tasks[0]);
  const model = ck.models.find((m) => m.tasks.includes(task))!;
  const data = await asInput('--data', dso.path, () => loadTagDataset(dso, typeof ck.extra.splitSeed === 'number' ? ck.extra.splitSeed : 1230));
  const ids = await asInput('--data', dso.path, () => rawIds(dso, data));
  const raw = String(o.user);
  const u = data.samples.users.findIndex((e) => ids.userIds[e] === raw);
  if (u < 0) {
    const known = ids.userIds.includes(raw);
    throw new UsageError(`--user ${raw}: ${known ? 'has fewer than 5 events in' : 'is not a user of'} ${data.name}${known ? ' (the protocol drops such users)' : ` (ids look like ${ids.userIds.slice(0, 3).join(', ')})`}`);
  }
  const fields = remapUserFields(data.users[u], tagVocabOf(data, ids.itemIds), ck.vocab);
  const key = model.params ? 'probability' : 'score';
  const tags = profileOf(model, fields, { topK, task }).map((t) => ({ tag: t.tag, [key]: +t.score.toFixed(6) }));
  // Inputs are the user's first 80% of events (docs/protocols.md#tag-rows), as in training.
  process.stdout.write(JSON.stringify({ user: raw, model: model.toString(), task, inputEvents: data.samples.inputs[u].length, tags }, null, 2) + '\n');
  return 0;
}

/** Run `train-tags` or `profile` with parsed options; bad or missing flags throw UsageError. */
export async function tagsCommand(command: 'train-tags' | 'profile', options: Opts): Promise<number> {
  if (command === 'train-tags') return trainTags(options);
  if (command === 'profile') return profile(options);
  throw new UsageError(`unknown tag command "${command}" (train-tags, profile)`);
}
