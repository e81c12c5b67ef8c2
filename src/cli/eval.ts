// The `eval` and `recommend` commands: test metrics of a saved retrieval model on a data file
// (ComiRec or leave-one-out protocol, optional Diversity@50 and the controllable-aggregation
// sweep of evaluation.md §3), and raw-id recommendations for one history.
import { evalCases } from '../data/protocol.js';
import { leaveOneOut } from '../data/leave-one-out.js';
import { evaluateRetrieval } from '../train/evaluate.js';
import { diversitySweep, type DiversitySweep } from '../train/diversity-sweep.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { UsageError } from './args.js';
import { looTable, metricsTable, sweepTable } from './table.js';
import { loadCategories, loadData, loadModel, type Opts } from './inputs.js';

export async function recommend(o: Opts): Promise<void> {
  if (typeof o.checkpoint !== 'string') throw new UsageError('--checkpoint FILE is required');
  if (typeof o.history !== 'string') throw new UsageError('--history ID,ID,... is required (raw item ids, oldest first)');
  const rec = await loadModel(o.checkpoint);
  const raw = o.history.split(',').map((s) => s.trim()).filter(Boolean);
  const unknownIds = raw.filter((r) => rec.vocab.index(r) <= 0).length;
  if (unknownIds === raw.length) throw new UsageError(`--history: none of ${raw.length} ids is in the model's vocabulary`);
  const out = rec.recommend(raw, { topN: (o.topN as number) ?? 10, filterHistory: !!o.filterHistory }).map((r) => ({ item: r.item, score: +r.score.toFixed(5) }));
  process.stdout.write(JSON.stringify({ model: rec.model.toString(), unknownIds, recommendations: out }, null, 2) + '\n');
}

export async function evalCmd(o: Opts): Promise<void> {
  if (typeof o.checkpoint !== 'string') throw new UsageError('--checkpoint FILE is required');
  const { model, vocab } = await loadModel(o.checkpoint);
  const { ds } = await loadData(o);
  if (vocab.size !== ds.vocab.size || vocab.ids.some((id, i) => id !== ds.vocab.ids[i])) {
    throw new UsageError(`--data ${o.data} gives a different item vocabulary than the checkpoint was trained on (same file, --filter and --splitSeed needed)`);
  }
  const cats = typeof o.categories === 'string' ? await loadCategories(o.categories, ds) : undefined;
  const loo = o.protocol === 'loo';
  const cases = loo ? leaveOneOut(ds, model.config.seqLen).test : evalCases(ds, 'test', model.config.seqLen);
  const report = evaluateRetrieval(model, cases, { filterHistory: !!o.filterHistory, categories: cats, ...(loo ? { ns: [10, 50, 100] } : {}) });
  process.stdout.write((loo ? looTable : metricsTable)([{ name: model.kind + (o.filterHistory ? ' (history filtered)' : ''), report }]) + '\n');
  let sweep: DiversitySweep | undefined;
  if (typeof o.lambdas === 'string') {
    if (!cats) throw new UsageError('--lambdas needs --categories FILE (MovieLens movies.csv or item,category lines)');
    const lambdas = o.lambdas.split(',').map((x) => Number(x.trim()));
    if (lambdas.some((x) => !(x >= 0))) throw new UsageError(`--lambdas expects comma-separated numbers ≥ 0, got "${o.lambdas}"`);
    sweep = diversitySweep(model, cases, cats, { lambdas });
    process.stdout.write('\n' + sweepTable(sweep) + '\n');
  }
  if (typeof o.report === 'string') {
    await writeFileAtomic(o.report, JSON.stringify({ command: 'eval', checkpoint: o.checkpoint, data: o.data, model: model.config, test: report, sweep }, null, 2));
    process.stderr.write(`mirec: report written to ${o.report}\n`);
  }
}
