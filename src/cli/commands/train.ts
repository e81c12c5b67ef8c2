// `mirec train`: one retrieval model on an event file under the ComiRec (or leave-one-out)
// protocol: test metrics on stdout, the best checkpoint at --out, a JSON report at --report.
// Outputs are checked before any work (cli/outputs.ts); SIGINT/SIGTERM stop after the current
// step with the best checkpoint kept and the report marked interrupted (exit 130/143); a
// diverged run exits 1 and writes no non-finite weights.
import { evalCases } from '../../data/protocol.js';
import { leaveOneOut } from '../../data/leave-one-out.js';
import { init } from '../../engine/load.js';
import { evaluateRetrievalAsync } from '../../train/evaluate.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { defineCommand } from '../command.js';
import { loadData } from '../inputs.js';
import { DATA_OPTIONS, MODEL_OPTIONS, REPORT_OPTION, TRAIN_OPTIONS, THREADS_OPTION } from '../options.js';
import { looTable, metricsTable } from '../table.js';
import { trainOne, type RunControl } from '../train-one.js';
import { UsageError } from '../args.js';
import { checkOutputs, existingBest, sameFile } from '../outputs.js';
import { onInterrupt } from '../interrupt.js';
import { testProgress } from '../progress.js';
import { LIBRARY_VERSION } from '../version.js';

export const train = defineCommand({
  name: 'train',
  summary: 'train a retrieval model on an event file; test metrics, checkpoint, report',
  usage: '--data FILE [--model comirec-sa] [--out model.safetensors] [--report report.json] [options]',
  options: {
    ...THREADS_OPTION,
    ...MODEL_OPTIONS,
    ...DATA_OPTIONS,
    ...TRAIN_OPTIONS,
    out: { type: 'string', value: 'FILE', help: 'checkpoint (safetensors), rewritten atomically at every new best validation' },
    resume: { type: 'string', value: 'FILE', help: 'continue a run from a checkpoint written by --out (same data and options; may be the --out file itself)' },
    overwrite: { type: 'boolean', help: 'replace an existing --out checkpoint even when it scored better than this run (never a read-only file)' },
    ...REPORT_OPTION,
  },
  details: 'Models, their settings and defaults: docs/model-guide.md. Protocols and metrics: docs/protocols.md.',
  async run(o) {
    const name = o.model ?? 'comirec-sa';
    if (name === 'most-popular' && (o.out !== undefined || o.resume !== undefined)) {
      throw new UsageError(`${o.out !== undefined ? '--out' : '--resume'}: most-popular has no weights to save or resume (it ranks items by training counts, recomputed from --data each run); drop the flag`);
    }
    // Before any work: no output may be an input or another output, every output folder must
    // take a file, and an existing better checkpoint at --out is kept unless --overwrite.
    await checkOutputs([['--data', o.data], ['--resume', o.resume]], [['--out', o.out], ['--report', o.report], ['--log', o.log]], [['--out', '--resume']]);
    const continuing = o.resume !== undefined && o.out !== undefined && (await sameFile(o.resume, o.out));
    const kept = o.out !== undefined && !o.overwrite && !continuing ? await existingBest(o.out) : undefined;
    const { ds, sha256, source } = await loadData(o);
    process.stderr.write(`mirec: ${source}: ${ds.stats.users} users, ${ds.stats.items} items, ${ds.stats.events} events after filtering\n`);
    const extra = { vocab: ds.vocab.toJSON(), dataSha256: sha256 };
    const interrupt = onInterrupt('training after the current step');
    const control: RunControl = { signal: interrupt, keepAbove: kept, written: null };
    try {
      const { model, result, trainer } = await trainOne(name, ds, o, extra, control);
      const e = await init();
      const writeReport = async (status: string, test: unknown) => {
        if (o.report === undefined) return;
        const runtime = (globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } });
        const doc = {
          command: 'train', status, library: `mirec ${LIBRARY_VERSION}`, model: name,
          versions: { mirec: LIBRARY_VERSION, node: process.versions.node, deno: runtime.Deno?.version.deno, bun: runtime.Bun?.version },
          backend: e.backend,
          data: { source, sha256, stats: ds.stats, protocol: ds.options },
          seeds: { seed: o.seed ?? 1, splitSeed: ds.options.splitSeed },
          config: result ? model.config : null,
          trainer: trainer ? { ...trainer.opts, onProgress: undefined, onBest: undefined } : null,
          options: o, training: result, stepsPerSec: result?.stepsPerSec ?? null,
          checkpoint: o.out === undefined ? null : { path: o.out, written: control.written, kept: kept !== undefined && !control.written ? { recall50: kept } : null },
          test,
        };
        await writeFileAtomic(o.report, JSON.stringify(doc, null, 2));
        process.stderr.write(`mirec: report (${status}) written to ${o.report}\n`);
      };
      const keptNote = () => {
        if (o.out !== undefined && kept !== undefined && !control.written) {
          process.stderr.write(`mirec: kept the existing ${o.out} (validation Recall@50 ${kept.toFixed(4)}; this run did not beat it); pass --overwrite to replace it\n`);
        }
      };
      const stopped = async () => {
        keptNote();
        if (control.written) process.stderr.write(`mirec: checkpoint (step ${control.written.step}) at ${o.out}\n`);
        await writeReport(`interrupted (${interrupt.signal})`, null);
        return interrupt.code;
      };
      if (interrupt.aborted) return stopped();
      if (result?.stoppedBy === 'nonFinite') {
        keptNote();
        await writeReport('diverged', null);
        process.stderr.write(`mirec: training diverged: ${result.message}${control.written ? ` The checkpoint at ${o.out} holds the best finite weights (step ${control.written.step}).` : ' No checkpoint was written.'}\n`);
        return 1;
      }
      const T = model.config.seqLen;
      const loo = o.protocol === 'loo';
      // The test pass scores every test user against the whole catalogue (minutes at a million
      // items): it yields between batches so that SIGINT/SIGTERM stop it, and says how far it is.
      interrupt.doing('the test pass after the current batch of users');
      const report = await evaluateRetrievalAsync(model, loo ? (trainer?.loo ?? leaveOneOut(ds, T)).test : evalCases(ds, 'test', T), {
        ...(loo ? { ns: [10, 50, 100] } : {}), signal: interrupt, onBatch: testProgress(),
      });
      if (report === null) return stopped();
      process.stdout.write((loo ? looTable : metricsTable)([{ name, report, stepsPerSec: result?.stepsPerSec }]) + '\n');
      if (trainer && o.out !== undefined) {
        // The best validation already wrote its checkpoint (weights, optimizer, generators at that
        // step, so --resume continues from it); without any validation, save the final state.
        if (trainer.bestStep === 0 && kept === undefined) {
          await writeFileAtomic(o.out, trainer.checkpointChunks(extra));
          control.written = { step: trainer.step, recall50: NaN };
        }
        keptNote();
        if (control.written) process.stderr.write(`mirec: checkpoint (step ${control.written.step}) at ${o.out}\n`);
      }
      await writeReport('finished', report);
      return 0;
    } finally {
      interrupt.dispose();
    }
  },
});
