// The `mirec` command: demo (ComiRec-SA vs baselines on the built-in synthetic data), train
// (a model on a real file under the ComiRec protocol, with a checkpoint and a JSON report), eval
// (a checkpoint on a file's test users) and recommend (raw ids in, raw ids out).
import { readFileSync } from 'node:fs';
import { init } from '../engine/load.js';
import { prepareRetrieval, evalCases, type SplitDataset } from '../data/protocol.js';
import { generateSynthetic } from '../data/synthetic.js';
import { modelSettings, type RetrievalModelName, createModel, RETRIEVAL_MODELS } from '../models/registry.js';
import type { RetrievalModel } from '../models/types.js';
import { Trainer, type TrainResult } from '../train/trainer.js';
import { keepBestAt, loadCheckpoint } from '../train/checkpoint-file.js';
import { evaluateRetrieval, interestRecovery, plantedTruth } from '../train/evaluate.js';
import { capNegatives } from '../loss/sampled-softmax.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { parseArgs, UsageError, closest, type OptionType } from './args.js';
import { progressPrinter } from './progress.js';
import { looTable, metricsTable, recoveryTable, type TableRow } from './table.js';
import { leaveOneOut } from '../data/leave-one-out.js';
import { tagsCommand, TAG_OPTIONS } from './tags.js';
import { loadData, type Opts } from './inputs.js';
import { evalCmd, recommend } from './eval.js';

const OPTIONS: Record<string, OptionType> = {
  config: 'string', model: 'string', data: 'string', format: 'string', strict: 'boolean',
  dim: 'number', interests: 'number', seqLen: 'number', batch: 'number', lr: 'number', seed: 'number',
  splitSeed: 'number', maxSteps: 'number', evalEvery: 'number', patience: 'number', filter: 'boolean',
  profile: 'string', resume: 'string', alignment: 'string', servingRouting: 'string',
  categories: 'string', lambdas: 'string', protocol: 'string', modelConfig: 'string',
  out: 'string', report: 'string', log: 'string', checkpoint: 'string', history: 'string', topN: 'number',
  filterHistory: 'boolean', quick: 'boolean', help: 'boolean',
  ...TAG_OPTIONS,
};

const HELP = `mirec — multi-interest recommendation on WebAssembly SIMD

  mirec demo [--quick]                       ComiRec-SA vs YouTubeDNN and MostPopular on synthetic data
  mirec train --data FILE [--model comirec-sa] [--out model.safetensors] [--report report.json]
  mirec eval --checkpoint FILE --data FILE   test metrics of a saved model
       [--categories movies.csv.gz|item,category file] [--lambdas 0,0.05,0.1,0.15,0.2,0.25]
                                             Diversity@N and the controllable-aggregation sweep
  mirec recommend --checkpoint FILE --history ID,ID,... [--topN 10] [--filterHistory]
  mirec train-tags --model utpm|mvke|... --dataset movielens|amazon|taobao|synthetic [--data PATH] [--out FILE]
       [--dim D] [--embedDim E (UTPM)] [--kernels V (MVKE)] [--experts X (MMoE)] [--epochs 50 --patience 5]
  mirec profile --checkpoint FILE --user RAW_USER_ID --dataset NAME [--data PATH] [--topK 10] [--task ctr|cvr]

Training options (evaluation.md §1):
  --model NAME        ${RETRIEVAL_MODELS.join(' | ')} (default comirec-sa)
  --dim 64 --interests 4 --seqLen 20 --batch 128 --lr (model default) --seed 1 --splitSeed 1230
  --profile quick     quick: validate every max(100, 5·⌈U_train/B⌉) steps, patience 10;
                      paper: every 1000 steps (500 when seqLen ≥ 50), patience 50
  --evalEvery N --patience N --maxSteps N   override the profile
  --modelConfig JSON  any model setting of models.md, e.g. '{"mapInit":"glorot"}' or '{"labelAwareP":2}'
  --alignment left    history windows: left (slot 0 = oldest, default) or right (newest in slot T−1)
  --servingRouting fixed   MIND serving routing logits: fixed b° (default) or perUser (hash of the user id)
  --protocol comirec  comirec (users split 80/10/10, §1.1–1.4) or loo (leave-one-out, §1.6: HR/NDCG@10/50/100)
  --filter true       the 5/5 item/user filter of §1.1 (false for pre-filtered data)
  --format auto       comirec | sequence | movielens | taobao | recbole | csv (see the readers)
  --strict            stop at the first malformed line instead of skipping it
  --out FILE          checkpoint (safetensors), rewritten atomically at every new best validation
  --resume FILE       continue a run from a checkpoint written by --out (same data and options)
  --report FILE.json  data sha256, settings, seeds, versions, backend, metrics, steps/s
  --log FILE.jsonl    every progress event
  --config FILE.json  the same keys as a JSON object; flags override it`;


const LIBRARY_VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** Value checks the option table cannot express. */
function checkValues(o: Opts): void {
  for (const k of ['dim', 'interests', 'seqLen', 'batch', 'maxSteps', 'evalEvery', 'topN']) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= 1)) throw new UsageError(`--${k} expects a whole number ≥ 1, got ${o[k]}`);
  }
  if (o.patience !== undefined && !(Number.isInteger(o.patience) && (o.patience as number) >= 0)) throw new UsageError(`--patience expects a whole number ≥ 0, got ${o.patience}`);
  if (o.lr !== undefined && !((o.lr as number) > 0)) throw new UsageError(`--lr expects a number > 0, got ${o.lr}`);
  if (o.profile !== undefined && o.profile !== 'quick' && o.profile !== 'paper') throw new UsageError(`--profile expects quick or paper, got "${o.profile}"`);
  if (o.protocol !== undefined && o.protocol !== 'comirec' && o.protocol !== 'loo') throw new UsageError(`--protocol expects comirec or loo, got "${o.protocol}"`);
  if (o.alignment !== undefined && o.alignment !== 'left' && o.alignment !== 'right') throw new UsageError(`--alignment expects left or right, got "${o.alignment}"`);
  if (o.servingRouting !== undefined && o.servingRouting !== 'fixed' && o.servingRouting !== 'perUser') throw new UsageError(`--servingRouting expects fixed or perUser (MIND), got "${o.servingRouting}"`);
}

function modelName(o: Opts): string {
  const name = (o.model as string | undefined) ?? 'comirec-sa';
  if (!(RETRIEVAL_MODELS as readonly string[]).includes(name)) {
    const near = closest(name, RETRIEVAL_MODELS);
    throw new UsageError(`--model "${name}" is not a retrieval model (${RETRIEVAL_MODELS.join(', ')})${near ? `; did you mean ${near}?` : ''}`);
  }
  return name;
}

function modelConfig(o: Opts, items: number): Record<string, unknown> & { items: number } {
  const c: Record<string, unknown> & { items: number } = { items };
  for (const key of ['dim', 'interests', 'seqLen', 'seed', 'alignment'] as const) if (o[key] !== undefined) c[key] = o[key];
  if (o.modelConfig !== undefined) {
    let extra: unknown;
    try {
      extra = typeof o.modelConfig === 'string' ? JSON.parse(o.modelConfig) : o.modelConfig;
    } catch (e) {
      throw new UsageError(`--modelConfig expects a JSON object of model settings, e.g. '{"mapInit":"glorot"}': ${(e as Error).message}`);
    }
    if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new UsageError('--modelConfig expects a JSON object of model settings');
    if ('items' in extra) throw new UsageError('--modelConfig cannot set items (the data decides the catalogue)');
    Object.assign(c, extra);
  }
  if (o.servingRouting !== undefined) {
    if (o.model !== 'mind') throw new UsageError('--servingRouting applies to --model mind only');
    c.servingRouting = o.servingRouting;
  }
  return c;
}

interface Trained {
  model: RetrievalModel | ReturnType<typeof createModel>;
  result: TrainResult | null;
  trainer?: Trainer;
}

async function trainOne(name: string, ds: SplitDataset, o: Opts, extra: Record<string, unknown> = {}): Promise<Trained> {
  const model = createModel(name, modelConfig(o, ds.vocab.size));
  if ('rank' in model) return { model, result: null };
  if (typeof o.modelConfig === 'string') {
    const keys = modelSettings(name as RetrievalModelName);
    for (const k of Object.keys(JSON.parse(o.modelConfig))) {
      if (!keys.includes(k)) {
        const near = closest(k, keys);
        throw new UsageError(`--modelConfig: ${model.kind} has no setting "${k}"${near ? `; did you mean ${near}?` : ''}`);
      }
    }
  }
  process.stderr.write(`mirec: ${model.toString()}\n`);
  const B = (o.batch as number) ?? 128, wantS = model.config.negatives.count ?? 10 * B;
  if (model.config.negatives.kind !== 'full' && capNegatives(wantS, model.config.items) < wantS) {
    process.stderr.write(`mirec: warning: ${wantS} sampled negatives per batch exceed ⌊(N−1)/2⌋ for N = ${model.config.items} rows; using S = ${capNegatives(wantS, model.config.items)} (models.md §1.3)\n`);
  }
  const trainer = new Trainer(model, ds, {
    batchSize: o.batch as number, lr: o.lr as number, seed: o.seed as number, maxSteps: o.maxSteps as number,
    protocol: o.protocol as 'comirec' | 'loo' | undefined,
    profile: o.profile as 'quick', evalEvery: o.evalEvery as number, patience: o.patience as number,
    onProgress: progressPrinter(name, o.log as string),
    onBest: typeof o.out === 'string' ? keepBestAt(o.out, extra) : undefined,
  });
  if (typeof o.resume === 'string') {
    await loadCheckpoint(trainer, o.resume).catch((e: Error) => {
      throw new UsageError(`--resume: ${e.message}`);
    });
    process.stderr.write(`mirec: resumed ${o.resume} at step ${trainer.step}\n`);
  }
  const result = await trainer.fitAsync();
  process.stderr.write(`\nmirec: ${name}: ${result.message}; ${result.stepsPerSec.toFixed(1)} steps/s\n`);
  return { model, result, trainer };
}

async function demo(o: Opts): Promise<void> {
  const quick = !!o.quick;
  const preset = quick ? 'tiny' : 'small';
  const synth = generateSynthetic(preset);
  const ds = prepareRetrieval(synth.events, { filter: false });
  const truth = plantedTruth(synth, ds);
  const T = (o.seqLen as number) ?? (quick ? 20 : 50);
  const base: Opts = { seqLen: T, evalEvery: quick ? 50 : 200, patience: 5, maxSteps: quick ? 150 : 1500, ...(quick ? { batch: 64, dim: 32 } : {}), ...o };
  process.stderr.write(`mirec demo: synthetic '${preset}' preset: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events, ${truth.clusters} planted clusters\n`);
  const test = evalCases(ds, 'test', T);
  const rows: TableRow[] = [];
  for (const name of ['comirec-sa', 'youtube-dnn', 'most-popular']) {
    const { model, result } = await trainOne(name, ds, base);
    const recovery = 'rank' in model ? undefined : interestRecovery(model, test, truth);
    rows.push({ name, report: evaluateRetrieval(model, test, { categories: truth.cluster }), stepsPerSec: result?.stepsPerSec, recovery });
  }
  process.stdout.write(`\nTest users: ${test.B} (ComiRec protocol, full-catalogue ranking; Div@50 over the planted clusters)\n` +
    `${metricsTable(rows)}\n\nInterest recovery\n${recoveryTable(rows)}\n`);
}

async function train(o: Opts): Promise<void> {
  const name = modelName(o);
  const { ds, sha256, source } = await loadData(o);
  process.stderr.write(`mirec: ${source}: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events after filtering\n`);
  const extra = { vocab: ds.vocab.toJSON(), dataSha256: sha256 };
  const { model, result, trainer } = await trainOne(name, ds, o, extra);
  const T = 'rank' in model ? ((o.seqLen as number) ?? 20) : model.config.seqLen;
  const loo = o.protocol === 'loo';
  const report = loo
    ? evaluateRetrieval(model, (trainer?.loo ?? leaveOneOut(ds, T)).test, { ns: [10, 50, 100] })
    : evaluateRetrieval(model, evalCases(ds, 'test', T));
  process.stdout.write((loo ? looTable : metricsTable)([{ name, report, stepsPerSec: result?.stepsPerSec }]) + '\n');
  const e = await init();
  if (trainer && typeof o.out === 'string') {
    // The best validation already wrote its checkpoint (weights, optimizer, generators at that
    // step, so --resume continues from it); without any validation, save the final state.
    if (trainer.bestStep === 0) await writeFileAtomic(o.out, trainer.checkpoint(extra));
    process.stderr.write(`mirec: checkpoint (step ${trainer.bestStep || trainer.step}) at ${o.out}\n`);
  }
  if (typeof o.report === 'string') {
    const runtime = (globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } });
    const doc = {
      command: 'train', library: `mirec ${LIBRARY_VERSION}`, model: name,
      versions: { mirec: LIBRARY_VERSION, node: process.versions.node, deno: runtime.Deno?.version.deno, bun: runtime.Bun?.version },
      backend: e.backend,
      data: { source, sha256, stats: ds.stats, protocol: ds.options },
      seeds: { seed: (o.seed as number) ?? 1, splitSeed: ds.options.splitSeed },
      config: 'rank' in model ? null : model.config,
      trainer: trainer ? { ...trainer.opts, onProgress: undefined, onBest: undefined } : null,
      options: o, training: result, stepsPerSec: result?.stepsPerSec ?? null, test: report,
    };
    await writeFileAtomic(o.report, JSON.stringify(doc, null, 2));
    process.stderr.write(`mirec: report written to ${o.report}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, options } = parseArgs(argv, OPTIONS);
    checkValues(options);
    if (command === 'help' || options.help) {
      process.stdout.write(HELP + '\n');
      return 0;
    }
    await init();
    const commands: Record<string, (o: Opts) => Promise<void>> = {
      demo, train, eval: evalCmd, recommend,
      'train-tags': (o) => tagsCommand('train-tags', o),
      profile: (o) => tagsCommand('profile', o),
    };
    const run = commands[command];
    if (!run) {
      const near = closest(command, Object.keys(commands));
      throw new UsageError(`unknown command "${command}"${near ? ` (did you mean ${near}?)` : ''}; commands: ${Object.keys(commands).join(', ')}, help`);
    }
    await run(options);
    return 0;
  } catch (e) {
    process.stderr.write(`mirec: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

