// Training one retrieval model from parsed CLI options: the model config (flags, --model-config,
// --serving-routing), the sampled-negative cap warning, the Trainer with progress output and
// best-checkpoint writing, and --resume (checked against the data's item vocabulary). Shared by
// `mirec demo` and `mirec train`.
import type { SplitDataset } from '../data/protocol.js';
import { modelSettings, type RetrievalModelName, createModel } from '../models/registry.js';
import type { RetrievalModel } from '../models/types.js';
import { Trainer, type TrainResult } from '../train/trainer.js';
import { keepBestAt, loadCheckpoint } from '../train/checkpoint-file.js';
import type { CheckpointHeader } from '../io/checkpoint.js';
import { Vocabulary, type VocabularyJSON } from '../data/vocab.js';
import { capNegatives } from '../loss/sampled-softmax.js';
import { UsageError, closest } from './args.js';
import { progressPrinter } from './progress.js';
import type { OptionValues } from './command.js';
import type { MODEL_OPTIONS, TRAIN_OPTIONS } from './options.js';

/** Options that shape a retrieval training run. */
export type TrainRunOptions = OptionValues<typeof MODEL_OPTIONS & typeof TRAIN_OPTIONS> & {
  protocol?: 'comirec' | 'loo';
  out?: string;
  resume?: string;
};

/** --model-config parsed and checked against the model's settings. */
function extraSettings(name: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let extra: unknown;
  try {
    extra = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--model-config expects a JSON object of model settings, e.g. '{"mapInit":"glorot"}': ${(e as Error).message}`);
  }
  if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new UsageError('--model-config expects a JSON object of model settings');
  if ('items' in extra) throw new UsageError('--model-config cannot set items (the data decides the catalogue)');
  const keys = modelSettings(name as RetrievalModelName);
  for (const k of Object.keys(extra)) {
    if (!keys.includes(k)) {
      const near = closest(k, keys);
      throw new UsageError(`--model-config: ${name} has no setting "${k}"${near ? `; did you mean ${near}?` : ''}`);
    }
  }
  return extra as Record<string, unknown>;
}

function modelConfig(name: string, o: TrainRunOptions, items: number): Record<string, unknown> & { items: number } {
  const c: Record<string, unknown> & { items: number } = { items };
  for (const key of ['dim', 'interests', 'seqLen', 'seed', 'alignment'] as const) if (o[key] !== undefined) c[key] = o[key];
  Object.assign(c, extraSettings(name, o.modelConfig));
  if (o.servingRouting !== undefined) {
    if (name !== 'mind') throw new UsageError('--serving-routing applies to --model mind only');
    c.servingRouting = o.servingRouting;
  }
  return c;
}

/** How a CLI run steers the fit: interrupts, and a score an existing --out checkpoint keeps. */
export interface RunControl {
  /** Checked before every step (SIGINT/SIGTERM). */
  signal?: { readonly aborted: boolean };
  /** Write --out only when validation Recall@50 beats this (the existing checkpoint's). */
  keepAbove?: number;
  /** Set at each --out write. */
  written?: { step: number; recall50: number } | null;
}

/**
 * ComiRec-DR's per-slot maps (T·K·D² weights) meet under one training event per weight on small
 * logs and overfit early (docs/model-guide.md#comirec-dr); say so, and name the remedy.
 */
export function smallDataNote(model: RetrievalModel, ds: SplitDataset): string | undefined {
  const c = model.config as { maps?: string };
  if (model.kind !== 'ComiRec-DR' || c.maps !== 'perSlot') return undefined;
  const { seqLen: T, interests: K, dim: D } = model.config;
  const weights = T * K * D * D;
  let events = 0;
  for (const u of ds.train) events += ds.sequences[u].length;
  if (events >= weights) return undefined;
  return `ComiRec-DR's per-slot maps have ${weights.toLocaleString('en-US')} weights for ${events.toLocaleString('en-US')} training events; ` +
    `on data this small --model-config '{"maps":"perInterest"}' (one map per interest) generalises better (docs/model-guide.md#comirec-dr)`;
}

export interface Trained {
  model: RetrievalModel;
  result: TrainResult | null;
  trainer?: Trainer;
}

/**
 * The rows of a resumed checkpoint are items of the vocabulary it was trained on: data whose items
 * are the same in another order (another file, --filter or --split-seed) would silently train the
 * wrong rows. Checkpoints of `mirec train --out` and of the studio carry their vocabulary. Called
 * with the header alone, before any tensor is read.
 */
function checkResumeVocabulary(path: string, ck: CheckpointHeader, ds: SplitDataset): void {
  const raw = ck.vocab ?? ck.extra.vocab;
  if (raw === undefined) return; // written by Trainer.checkpoint() without one: the config check is all there is
  let saved: Vocabulary;
  try {
    saved = Vocabulary.fromJSON(raw as VocabularyJSON, `${path} vocab`);
  } catch (e) {
    throw new UsageError(`--resume: ${(e as Error).message}`);
  }
  const first = ds.vocab.ids.findIndex((id, i) => id !== saved.ids[i]);
  if (saved.size !== ds.vocab.size || first >= 0) {
    const where = saved.size !== ds.vocab.size ? `${saved.size - 1} items, the data ${ds.vocab.size - 1}` : `item row ${first} is ${JSON.stringify(saved.ids[first])} there, ${JSON.stringify(ds.vocab.ids[first])} here`;
    throw new UsageError(`--resume ${path}: trained on another item vocabulary than this data's (${where}); resume with the data file, --filter and --split-seed it was trained with`);
  }
}

/** Build and train `name` on `ds` (counting baselines are returned untrained). */
export async function trainOne(name: string, ds: SplitDataset, o: TrainRunOptions, extra: Record<string, unknown> = {}, control: RunControl = {}): Promise<Trained> {
  const model = createModel(name, modelConfig(name, o, ds.vocab.size));
  if (!model.params.list().length) return { model, result: null }; // MostPopular: nothing to train
  process.stderr.write(`mirec: ${model.toString()}\n`);
  const B = o.batch ?? 128, wantS = model.config.negatives.count ?? 10 * B;
  if (model.config.negatives.kind !== 'full' && capNegatives(wantS, model.config.items) < wantS) {
    process.stderr.write(`mirec: warning: ${wantS} sampled negatives per batch exceed ⌊(N−1)/2⌋ for N = ${model.config.items} rows; using S = ${capNegatives(wantS, model.config.items)} (docs/model-guide.md#sampled-softmax)\n`);
  }
  const note = smallDataNote(model, ds);
  if (note) process.stderr.write(`mirec: note: ${note}\n`);
  if (o.validUsers !== undefined && o.protocol === 'loo') throw new UsageError('--valid-users applies to --protocol comirec (leave-one-out validates every user)');
  const trainer = new Trainer(model, ds, {
    batchSize: o.batch, lr: o.lr, seed: o.seed, maxSteps: o.maxSteps, protocol: o.protocol, optimizer: o.optimizer, optimizerState: o.optimizerState,
    profile: o.profile, evalEvery: o.evalEvery, patience: o.patience, validUsers: o.validUsers,
    onProgress: progressPrinter(name, o.log),
    onBest: o.out !== undefined ? keepBestAt(o.out, extra, { above: control.keepAbove, onWrite: (b) => { control.written = b; } }) : undefined,
  });
  if (o.resume !== undefined) {
    const path = o.resume;
    await loadCheckpoint(trainer, path, { check: (header) => checkResumeVocabulary(path, header, ds) }).catch((e: Error) => {
      throw e instanceof UsageError ? e : new UsageError(`--resume: ${e.message}`);
    });
    process.stderr.write(`mirec: resumed ${o.resume} at step ${trainer.step}\n`);
  }
  const result = await trainer.fitAsync(control.signal ? { signal: control.signal, yieldEvery: 1 } : {});
  process.stderr.write(`\nmirec: ${name}: ${result.message}; ${result.stepsPerSec.toFixed(1)} steps/s\n`);
  return { model, result, trainer };
}
