// `mirec demo`: ComiRec-SA against YouTubeDNN and MostPopular on the built-in synthetic data
// (planted interest clusters), printing the metrics table and interest recovery.
import { prepareRetrieval, evalCases } from '../../data/protocol.js';
import { generateSynthetic } from '../../data/synthetic.js';
import { evaluateRetrieval, interestRecovery, plantedTruth } from '../../train/evaluate.js';
import { defineCommand } from '../command.js';
import { TRAIN_OPTIONS, THREADS_OPTION } from '../options.js';
import { metricsTable, recoveryTable, type TableRow } from '../table.js';
import { trainOne, type TrainRunOptions } from '../train-one.js';

export const demo = defineCommand({
  name: 'demo',
  summary: 'ComiRec-SA vs YouTubeDNN and MostPopular on built-in synthetic data',
  usage: '[--quick] [training options]',
  options: {
    ...THREADS_OPTION,
    quick: { type: 'boolean', help: 'the tiny preset and a short run (seconds instead of minutes)' },
    ...TRAIN_OPTIONS,
  },
  details: 'Without --quick: the small preset, T = 50, up to 1,500 steps. Training options override the preset.',
  async run(o) {
    const quick = !!o.quick;
    const preset = quick ? 'tiny' : 'small';
    const synth = generateSynthetic(preset);
    const ds = prepareRetrieval(synth.events, { filter: false });
    const truth = plantedTruth(synth, ds);
    const { quick: _q, ...flags } = o;
    const base: TrainRunOptions = { seqLen: quick ? 20 : 50, evalEvery: quick ? 50 : 200, patience: 5, maxSteps: quick ? 150 : 1500, ...(quick ? { batch: 64, dim: 32 } : {}), ...flags };
    const T = base.seqLen!;
    process.stderr.write(`mirec demo: synthetic '${preset}' preset: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events, ${truth.clusters} planted clusters\n`);
    const test = evalCases(ds, 'test', T);
    const rows: TableRow[] = [];
    for (const name of ['comirec-sa', 'youtube-dnn', 'most-popular']) {
      const { model, result } = await trainOne(name, ds, base);
      const recovery = result ? interestRecovery(model, test, truth) : undefined;
      rows.push({ name, report: evaluateRetrieval(model, test, { categories: truth.cluster }), stepsPerSec: result?.stepsPerSec, recovery });
    }
    process.stdout.write(`\nTest users: ${test.B} (ComiRec protocol, full-catalogue ranking; Div@50 over the planted clusters)\n` +
      `${metricsTable(rows)}\n\nInterest recovery\n${recoveryTable(rows)}\n`);
  },
});
