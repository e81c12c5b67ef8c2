#!/usr/bin/env node
// The `mirec` command: demo (ComiRec-SA vs baselines on the built-in synthetic data), train
// (a model on a real file under the ComiRec protocol, with a checkpoint and a JSON report), eval
// (a checkpoint on a file's test users) and recommend (raw ids in, raw ids out).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { init } from '../engine/load.js';
import { readEvents } from '../data/read-events.js';
import { prepareRetrieval, evalCases, type SplitDataset } from '../data/protocol.js';
import { generateSynthetic } from '../data/synthetic.js';
import { createModel, RETRIEVAL_MODELS } from '../models/registry.js';
import type { RetrievalModel } from '../models/types.js';
import { Trainer } from '../train/trainer.js';
import { evaluateRetrieval } from '../train/evaluate.js';
import { Recommender } from '../serve/recommender.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { RetrievalReport } from '../eval/retrieval-accumulator.js';
import { parseArgs, UsageError, type OptionType } from './args.js';
import { progressPrinter } from './progress.js';
import { tagsCommand, TAG_OPTIONS } from './tags.js';

const OPTIONS: Record<string, OptionType> = {
  config: 'string', model: 'string', data: 'string', format: 'string', strict: 'boolean',
  dim: 'number', interests: 'number', seqLen: 'number', batch: 'number', lr: 'number', seed: 'number',
  splitSeed: 'number', maxSteps: 'number', evalEvery: 'number', patience: 'number', filter: 'boolean',
  out: 'string', report: 'string', log: 'string', checkpoint: 'string', history: 'string', topN: 'number',
  filterHistory: 'boolean', quick: 'boolean', help: 'boolean',
  ...TAG_OPTIONS,
};

const HELP = `mirec — multi-interest recommendation on WebAssembly SIMD

  mirec demo [--quick]                       ComiRec-SA vs MostPopular and YouTubeDNN on synthetic data
  mirec train --data FILE [--model comirec-sa] [--out model.safetensors] [--report report.json]
  mirec eval --checkpoint FILE --data FILE   test metrics of a saved model
  mirec recommend --checkpoint FILE --history ID,ID,... [--topN 10] [--filterHistory]
  mirec train-tags --model utpm|mvke|... --dataset movielens|amazon|taobao|synthetic [--data PATH] [--out FILE]
  mirec profile --checkpoint FILE --user RAW_USER_ID --dataset NAME [--data PATH] [--topK 10] [--task ctr|cvr]

Options: --model (${RETRIEVAL_MODELS.join(' | ')}) --dim 64 --interests 4 --seqLen 20 --batch 128
  --lr --seed 1 --splitSeed 1230 --maxSteps --evalEvery --patience 10 --filter true --format auto
  --strict --log FILE.jsonl --config FILE.json (same keys; flags override it)`;

type Opts = Record<string, string | number | boolean>;

async function loadData(o: Opts): Promise<{ ds: SplitDataset; sha256: string; source: string }> {
  if (typeof o.data !== 'string') throw new UsageError('--data FILE is required (e.g. ../shared/data/amazon-beauty/Beauty.txt.gz)');
  let bytes: Buffer;
  try {
    bytes = readFileSync(o.data);
  } catch (e) {
    throw new UsageError(`--data ${o.data}: ${(e as Error).message}`);
  }
  const events = await readEvents(o.data, { format: (o.format as 'auto') ?? 'auto', strict: !!o.strict, onWarning: undefined });
  if (events.summary.skipped > 0) process.stderr.write(`mirec: ${o.data}: skipped ${events.summary.skipped} malformed lines (use --strict to stop at the first)\n`);
  const ds = prepareRetrieval(events, { filter: o.filter !== false, splitSeed: (o.splitSeed as number) ?? 1230 });
  return { ds, sha256: createHash('sha256').update(bytes).digest('hex'), source: o.data };
}

function modelConfig(o: Opts, items: number): Record<string, unknown> & { items: number } {
  const c: Record<string, unknown> & { items: number } = { items };
  for (const [flag, key] of [['dim', 'dim'], ['interests', 'interests'], ['seqLen', 'seqLen'], ['seed', 'seed']] as const) {
    if (o[flag] !== undefined) c[key] = o[flag];
  }
  return c;
}

function metricsTable(rows: { name: string; report: RetrievalReport; stepsPerSec?: number }[]): string {
  const head = '| model | Recall@20 | NDCG@20 | HR@20 | Recall@50 | NDCG@50 | HR@50 | steps/s |';
  const pct = (x: number) => (100 * x).toFixed(3);
  const lines = rows.map(({ name, report, stepsPerSec }) => {
    const at = (n: number) => report.rows.find((r) => r.n === n)!;
    const [a, b] = [at(20), at(50)];
    return `| ${name} | ${pct(a.recall)} | ${pct(a.ndcg)} | ${pct(a.hitRate)} | ${pct(b.recall)} | ${pct(b.ndcg)} | ${pct(b.hitRate)} | ${stepsPerSec ? stepsPerSec.toFixed(1) : '—'} |`;
  });
  return [head, '|---|---|---|---|---|---|---|---|', ...lines].join('\n') + '\n(percent; NDCG standard, evaluation.md §2)';
}

async function trainOne(name: string, ds: SplitDataset, o: Opts) {
  const model = createModel(name, modelConfig(o, ds.vocab.size));
  if ('rank' in model) return { model, result: null };
  process.stderr.write(`mirec: ${model.toString()}\n`);
  const trainer = new Trainer(model, ds, {
    batchSize: o.batch as number, lr: o.lr as number, seed: o.seed as number, maxSteps: o.maxSteps as number,
    evalEvery: o.evalEvery as number, patience: o.patience as number, onProgress: progressPrinter(name, o.log as string),
  });
  const result = trainer.fit();
  process.stderr.write(`\nmirec: ${name}: ${result.message}\n`);
  return { model, result, trainer };
}

async function demo(o: Opts): Promise<void> {
  const quick = !!o.quick;
  const synth = generateSynthetic(quick ? 'tiny' : 'small');
  const ds = prepareRetrieval(synth.events, { filter: false });
  const T = (o.seqLen as number) ?? 50;
  const base: Opts = { seqLen: T, evalEvery: quick ? 50 : 200, patience: 5, maxSteps: quick ? 150 : 2500, ...o };
  process.stderr.write(`mirec demo: synthetic '${quick ? 'tiny' : 'small'}' preset: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events\n`);
  const test = evalCases(ds, 'test', T);
  const rows: { name: string; report: RetrievalReport; stepsPerSec?: number }[] = [];
  for (const name of ['comirec-sa', 'youtube-dnn', 'most-popular']) {
    const { model, result } = await trainOne(name, ds, name === 'youtube-dnn' ? { ...base, maxSteps: Math.min(base.maxSteps as number, quick ? 150 : 1500) } : base);
    rows.push({ name, report: evaluateRetrieval(model as RetrievalModel, test), stepsPerSec: result?.stepsPerSec });
  }
  process.stdout.write(`\nTest users: ${test.B} (ComiRec protocol, full-catalogue ranking)\n${metricsTable(rows)}\n`);
}

async function train(o: Opts): Promise<void> {
  const { ds, sha256, source } = await loadData(o);
  const name = (o.model as string) ?? 'comirec-sa';
  process.stderr.write(`mirec: ${source}: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events after filtering\n`);
  const { model, result, trainer } = await trainOne(name, ds, o);
  const test = evalCases(ds, 'test', (model as RetrievalModel).config?.seqLen ?? ((o.seqLen as number) ?? 20));
  const report = evaluateRetrieval(model as RetrievalModel, test);
  process.stdout.write(metricsTable([{ name, report, stepsPerSec: result?.stepsPerSec }]) + '\n');
  const e = await init();
  if (trainer && typeof o.out === 'string') {
    await writeFileAtomic(o.out, trainer.checkpoint({ vocab: ds.vocab.toJSON(), dataSha256: sha256 }));
    process.stderr.write(`mirec: checkpoint written to ${o.out}\n`);
  }
  if (typeof o.report === 'string') {
    const doc = { command: 'train', data: { source, sha256, stats: ds.stats, protocol: ds.options }, model: name, config: (model as RetrievalModel).config ?? null, options: o, training: result, test: report, backend: e.backend, node: process.version, library: 'mirec 0.1.0' };
    await writeFileAtomic(o.report, JSON.stringify(doc, null, 2));
  }
}

async function loadModel(path: string): Promise<Recommender> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`--checkpoint ${path}: ${(e as Error).message}`);
  }
  return Recommender.load(bytes);
}

async function recommend(o: Opts): Promise<void> {
  if (typeof o.checkpoint !== 'string') throw new UsageError('--checkpoint FILE is required');
  if (typeof o.history !== 'string') throw new UsageError('--history ID,ID,... is required (raw item ids, oldest first)');
  const rec = await loadModel(o.checkpoint);
  const raw = o.history.split(',').map((s) => s.trim()).filter(Boolean);
  const unknownIds = raw.filter((r) => rec.vocab.index(r) <= 0).length;
  if (unknownIds === raw.length) throw new UsageError(`--history: none of ${raw.length} ids is in the model's vocabulary`);
  const out = rec.recommend(raw, { topN: (o.topN as number) ?? 10, filterHistory: !!o.filterHistory }).map((r) => ({ item: r.item, score: +r.score.toFixed(5) }));
  process.stdout.write(JSON.stringify({ model: rec.model.toString(), unknownIds, recommendations: out }, null, 2) + '\n');
}

async function evalCmd(o: Opts): Promise<void> {
  if (typeof o.checkpoint !== 'string') throw new UsageError('--checkpoint FILE is required');
  const { model, vocab } = await loadModel(o.checkpoint);
  const { ds } = await loadData(o);
  if (vocab.size !== ds.vocab.size || vocab.ids.some((id, i) => id !== ds.vocab.ids[i])) {
    throw new UsageError(`--data ${o.data} gives a different item vocabulary than the checkpoint was trained on (same file, --filter and --splitSeed needed)`);
  }
  const report = evaluateRetrieval(model, evalCases(ds, 'test', model.config.seqLen));
  process.stdout.write(metricsTable([{ name: model.kind, report }]) + '\n');
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, options } = parseArgs(argv, OPTIONS);
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
    if (!run) throw new UsageError(`unknown command "${command}" (demo, train, eval, recommend, train-tags, profile, help)`);
    await run(options);
    return 0;
  } catch (e) {
    process.stderr.write(`mirec: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

const invoked = process.argv[1] ?? '';
if (/cli[\\/]main\.(ts|js)$/.test(invoked)) main(process.argv.slice(2)).then((code) => process.exit(code));
