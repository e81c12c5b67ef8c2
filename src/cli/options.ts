// Option groups shared by several commands (the data file and its protocol, training sizes and
// schedule, outputs), so the same flag means the same thing, with the same type and checks,
// wherever it appears.
import { RETRIEVAL_MODELS } from '../models/registry.js';
import type { OptionTable } from './command.js';

export const FORMATS = ['auto', 'movielens', 'movielens-tab', 'movielens-dat', 'movielens-csv', 'comirec', 'taobao', 'sequence', 'recbole', 'csv', 'delimited'] as const;

/** The event file and how it is read and split. */
export const DATA_OPTIONS = {
  data: { type: 'string', value: 'FILE', help: 'event file (.gz or plain); see --format' },
  dataset: { type: 'string', value: 'NAME', help: 'a public set fetched by `mirec data get NAME` (instead of --data)' },
  dataDir: { type: 'string', value: 'D', help: 'the data cache of --dataset (default as mirec data get)' },
  format: { type: 'string', value: 'NAME', choices: FORMATS, default: 'auto', help: 'file format (auto: from the name and the first lines; an ambiguous file is refused, naming the --format to use); movielens: any MovieLens layout; csv/delimited: see --columns' },
  columns: { type: 'string', value: 'SPEC', help: 'delimited/csv columns as user=COL,item=COL[,time=COL,rating=COL,category=COL] (header names or 0-based indices)' },
  delimiter: { type: 'string', value: 'CHAR', help: "delimited: the field separator (default tab if the first line has one, else ','; 'tab' and 'space' accepted)" },
  header: { type: 'boolean', default: 'true', help: 'delimited: the first line names the columns (--no-header: columns are indices)' },
  maxLineBytes: { type: 'number', value: 'N', integer: true, min: 1, default: '16777216', help: 'longest line accepted, in bytes (a longer one is an error naming file and line)' },
  strict: { type: 'boolean', help: 'stop at the first malformed line instead of skipping it' },
  filter: { type: 'boolean', default: 'true', help: 'keep items and users with ≥ 5 events (--no-filter for pre-filtered data)' },
  splitSeed: { type: 'number', value: 'N', integer: true, default: '1230', help: 'seed of the 80/10/10 user split' },
  protocol: { type: 'string', value: 'NAME', choices: ['comirec', 'loo'], default: 'comirec', help: 'comirec (users split 80/10/10, Recall/NDCG/HR @20,50) or loo (leave-one-out, HR/NDCG @10,50,100); see docs/protocols.md' },
} as const satisfies OptionTable;

/** Model sizes and the training schedule of the retrieval models. */
export const TRAIN_OPTIONS = {
  dim: { type: 'number', value: 'D', integer: true, min: 1, default: '64', help: 'embedding size' },
  interests: { type: 'number', value: 'K', integer: true, min: 1, default: '4', help: 'interest vectors per user' },
  seqLen: { type: 'number', value: 'T', integer: true, min: 1, default: '20', help: 'history window length' },
  batch: { type: 'number', value: 'B', integer: true, min: 1, default: '128', help: 'users per batch' },
  lr: { type: 'number', value: 'LR', above: 0, help: 'learning rate (default: the model\'s, tuned for Adam)' },
  seed: { type: 'number', value: 'N', integer: true, default: '1', help: 'seed of initialisation, batches and negatives' },
  optimizer: { type: 'string', value: 'NAME', choices: ['adam', 'adagrad'], default: 'adam', help: 'adam (lazy on the embedding tables), or adagrad (one accumulator per weight instead of two moments; usually wants a larger --lr); --resume needs the optimizer the checkpoint was written with' },
  optimizerState: { type: 'string', value: 'DTYPE', choices: ['f32', 'f16'], default: 'f32', help: 'storage of the optimizer state of the embedding tables: f32, or f16 with a scale per row (bytes per item row with the weights: adam 12·D → 8·D + 8, adagrad 8·D → 6·D + 4; the step runs in f32); --resume needs the storage the checkpoint was written with' },
  profile: { type: 'string', value: 'NAME', choices: ['quick', 'paper'], default: 'quick', help: 'validation schedule: quick (every max(100, 5·⌈U_train/B⌉) steps, patience 10) or paper (every 1000 steps, 500 when T ≥ 50, patience 50)' },
  evalEvery: { type: 'number', value: 'N', integer: true, min: 1, help: 'steps between validations (overrides --profile)' },
  patience: { type: 'number', value: 'N', integer: true, min: 0, help: 'validations without improvement before stopping (overrides --profile)' },
  maxSteps: { type: 'number', value: 'N', integer: true, min: 1, help: 'hard cap on training steps' },
  validUsers: { type: 'number', value: 'N', integer: true, min: 1, help: 'validate on a fixed sample of N validation users (the same for every seed; default all; comirec protocol); the test pass uses every test user' },
  log: { type: 'string', value: 'FILE.jsonl', help: 'append every progress event as a JSON line' },
} as const satisfies OptionTable;

/** Retrieval model choice and its settings. */
export const MODEL_OPTIONS = {
  model: { type: 'string', value: 'NAME', choices: RETRIEVAL_MODELS, default: 'comirec-sa', help: 'retrieval model' },
  modelConfig: { type: 'string', value: 'JSON', help: 'any model setting as a JSON object, e.g. \'{"mapInit":"glorot"}\' (settings: docs/model-guide.md)' },
  alignment: { type: 'string', value: 'SIDE', choices: ['left', 'right'], default: 'left', help: 'history windows: left (slot 0 = oldest) or right (newest in the last slot)' },
  servingRouting: { type: 'string', value: 'MODE', choices: ['fixed', 'perUser'], default: 'fixed', help: 'MIND only: serving routing logits fixed, or per user (hash of the user id)' },
} as const satisfies OptionTable;

export const REPORT_OPTION = {
  report: { type: 'string', value: 'FILE.json', help: 'write settings, seeds, versions and metrics as JSON' },
} as const satisfies OptionTable;

export const CHECKPOINT_OPTION = {
  checkpoint: { type: 'string', value: 'FILE', help: 'a checkpoint written by --out' },
} as const satisfies OptionTable;

/** Kernel threads (commands that train, evaluate or score). */
export const THREADS_OPTION = {
  threads: { type: 'number', value: 'N', integer: true, min: 1, max: 256, default: 'cores, at most 4', help: 'threads running the kernels (1 to 256); results are bit-identical for any count (1 where the host has no workers)' },
} as const satisfies OptionTable;
