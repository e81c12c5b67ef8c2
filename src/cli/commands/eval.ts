// `mirec eval`: test metrics of a saved retrieval model on a data file (ComiRec or leave-one-out
// protocol), with optional Diversity@50 over item categories and the controllable-aggregation
// sweep over λ.
import { evalCases } from '../../data/protocol.js';
import { leaveOneOut } from '../../data/leave-one-out.js';
import { evaluateRetrievalAsync } from '../../train/evaluate.js';
import { diversitySweep, type DiversitySweep } from '../../train/diversity-sweep.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { checkOutputs } from '../outputs.js';
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { loadCategories, loadData, loadModel } from '../inputs.js';
import { CHECKPOINT_OPTION, DATA_OPTIONS, REPORT_OPTION, THREADS_OPTION } from '../options.js';
import { looTable, metricsTable, sweepTable } from '../table.js';
import { testProgress } from '../progress.js';

export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'test metrics of a saved retrieval model on a data file',
  usage: '--checkpoint FILE --data FILE [--categories FILE] [--lambdas 0,0.05,0.1] [options]',
  options: {
    ...THREADS_OPTION,
    ...CHECKPOINT_OPTION,
    ...DATA_OPTIONS,
    categories: { type: 'string', value: 'FILE', help: 'item categories for Diversity@50: MovieLens movies.csv(.gz) or item,category lines' },
    lambdas: { type: 'string', value: 'L,L,...', help: 'controllable-aggregation sweep over these λ ≥ 0 (needs --categories)' },
    filterHistory: { type: 'boolean', help: 'drop items of the user\'s history from the ranking' },
    ...REPORT_OPTION,
  },
  details: 'Use the same --data, --filter and --split-seed as the training run, so the test users and the vocabulary match.',
  async run(o) {
    if (o.checkpoint === undefined) throw new UsageError('--checkpoint FILE is required');
    await checkOutputs([['--checkpoint', o.checkpoint], ['--data', o.data], ['--categories', o.categories]], [['--report', o.report]]);
    const { model, vocab } = await loadModel(o.checkpoint);
    const { ds } = await loadData(o);
    if (vocab.size !== ds.vocab.size || vocab.ids.some((id, i) => id !== ds.vocab.ids[i])) {
      throw new UsageError(`--data ${o.data} gives a different item vocabulary than the checkpoint was trained on (same file, --filter and --split-seed needed)`);
    }
    const cats = o.categories !== undefined ? await loadCategories(o.categories, ds) : undefined;
    const loo = o.protocol === 'loo';
    const cases = loo ? leaveOneOut(ds, model.config.seqLen).test : evalCases(ds, 'test', model.config.seqLen);
    const report = (await evaluateRetrievalAsync(model, cases, { filterHistory: !!o.filterHistory, categories: cats, ...(loo ? { ns: [10, 50, 100] } : {}), onBatch: testProgress() }))!;
    process.stdout.write((loo ? looTable : metricsTable)([{ name: model.kind + (o.filterHistory ? ' (history filtered)' : ''), report }]) + '\n');
    let sweep: DiversitySweep | undefined;
    if (o.lambdas !== undefined) {
      if (!cats) throw new UsageError('--lambdas needs --categories FILE (MovieLens movies.csv or item,category lines)');
      const lambdas = o.lambdas.split(',').map((x) => Number(x.trim()));
      if (lambdas.some((x) => !(x >= 0))) throw new UsageError(`--lambdas expects comma-separated numbers ≥ 0, got "${o.lambdas}"`);
      sweep = diversitySweep(model, cases, cats, { lambdas });
      process.stdout.write('\n' + sweepTable(sweep) + '\n');
    }
    if (o.report !== undefined) {
      await writeFileAtomic(o.report, JSON.stringify({ command: 'eval', checkpoint: o.checkpoint, data: o.data, model: model.config, test: report, sweep }, null, 2));
      process.stderr.write(`mirec: report written to ${o.report}\n`);
    }
  },
});
