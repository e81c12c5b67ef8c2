// `mirec train`: one retrieval model on an event file under the ComiRec (or leave-one-out)
// protocol: test metrics on stdout, the best checkpoint at --out, a JSON report at --report.
import { evalCases } from '../../data/protocol.js';
import { leaveOneOut } from '../../data/leave-one-out.js';
import { init } from '../../engine/load.js';
import { evaluateRetrieval } from '../../train/evaluate.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { defineCommand } from '../command.js';
import { loadData } from '../inputs.js';
import { DATA_OPTIONS, MODEL_OPTIONS, REPORT_OPTION, TRAIN_OPTIONS } from '../options.js';
import { looTable, metricsTable } from '../table.js';
import { trainOne } from '../train-one.js';
import { LIBRARY_VERSION } from '../version.js';

export const train = defineCommand({
  name: 'train',
  summary: 'train a retrieval model on an event file; test metrics, checkpoint, report',
  usage: '--data FILE [--model comirec-sa] [--out model.safetensors] [--report report.json] [options]',
  options: {
    ...MODEL_OPTIONS,
    ...DATA_OPTIONS,
    ...TRAIN_OPTIONS,
    out: { type: 'string', value: 'FILE', help: 'checkpoint (safetensors), rewritten atomically at every new best validation' },
    resume: { type: 'string', value: 'FILE', help: 'continue a run from a checkpoint written by --out (same data and options)' },
    ...REPORT_OPTION,
  },
  details: 'Models, their settings and defaults: docs/model-guide.md. Protocols and metrics: docs/protocols.md.',
  async run(o) {
    const name = o.model ?? 'comirec-sa';
    const { ds, sha256, source } = await loadData(o);
    process.stderr.write(`mirec: ${source}: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events after filtering\n`);
    const extra = { vocab: ds.vocab.toJSON(), dataSha256: sha256 };
    const { model, result, trainer } = await trainOne(name, ds, o, extra);
    const T = 'rank' in model ? (o.seqLen ?? 20) : model.config.seqLen;
    const loo = o.protocol === 'loo';
    const report = loo
      ? evaluateRetrieval(model, (trainer?.loo ?? leaveOneOut(ds, T)).test, { ns: [10, 50, 100] })
      : evaluateRetrieval(model, evalCases(ds, 'test', T));
    process.stdout.write((loo ? looTable : metricsTable)([{ name, report, stepsPerSec: result?.stepsPerSec }]) + '\n');
    const e = await init();
    if (trainer && o.out !== undefined) {
      // The best validation already wrote its checkpoint (weights, optimizer, generators at that
      // step, so --resume continues from it); without any validation, save the final state.
      if (trainer.bestStep === 0) await writeFileAtomic(o.out, trainer.checkpoint(extra));
      process.stderr.write(`mirec: checkpoint (step ${trainer.bestStep || trainer.step}) at ${o.out}\n`);
    }
    if (o.report !== undefined) {
      const runtime = (globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } });
      const doc = {
        command: 'train', library: `mirec ${LIBRARY_VERSION}`, model: name,
        versions: { mirec: LIBRARY_VERSION, node: process.versions.node, deno: runtime.Deno?.version.deno, bun: runtime.Bun?.version },
        backend: e.backend,
        data: { source, sha256, stats: ds.stats, protocol: ds.options },
        seeds: { seed: o.seed ?? 1, splitSeed: ds.options.splitSeed },
        config: 'rank' in model ? null : model.config,
        trainer: trainer ? { ...trainer.opts, onProgress: undefined, onBest: undefined } : null,
        options: o, training: result, stepsPerSec: result?.stepsPerSec ?? null, test: report,
      };
      await writeFileAtomic(o.report, JSON.stringify(doc, null, 2));
      process.stderr.write(`mirec: report written to ${o.report}\n`);
    }
  },
});
