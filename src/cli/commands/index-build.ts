// `mirec index`: build an IVF index over a checkpoint's item table and write it as an index file
// (docs/ann-index.md), optionally split into item-range shards that share the centroids (for
// sharded serving). Reports the build time, the index size and the process memory. --stream
// builds from the checkpoint file by row ranges without loading the model (tables past memory).
import { writeFileAtomic } from '../../io/atomic-write.js';
import { engine } from '../../engine/load.js';
import { IVF_STORAGES } from '../../ann/ivf-search.js';
import { encodeIvf, tableFingerprint } from '../../ann/ivf-format.js';
import { buildIvfFile, safetensorsRowSource } from '../../ann/node-files.js';
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { loadModel } from '../inputs.js';
import { CHECKPOINT_OPTION } from '../options.js';

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

export const indexCommand = defineCommand({
  name: 'index',
  summary: 'build an IVF index over a checkpoint\'s item table (for recommend --index and the Worker examples)',
  usage: '--checkpoint FILE --lists N --out FILE.ivf [--storage f32|f16|int8] [--nprobe 8] [--shards S | --stream] [options]',
  options: {
    ...CHECKPOINT_OPTION,
    lists: { type: 'number', value: 'N', integer: true, min: 1, help: 'inverted lists (k-means centroids); about 4·√items is a good start' },
    out: { type: 'string', value: 'FILE.ivf', help: 'the index file (written atomically)' },
    storage: { type: 'string', value: 'TYPE', choices: IVF_STORAGES, default: 'f32', help: 'row storage: f32 (exact scores), f16, or int8 with a per-row scale (4x smaller)' },
    nprobe: { type: 'number', value: 'P', integer: true, min: 1, default: '8', help: 'lists each interest probes by default (recommend --nprobe overrides)' },
    seed: { type: 'number', value: 'N', integer: true, default: '1', help: 'k-means seed' },
    iterations: { type: 'number', value: 'N', integer: true, min: 0, default: '10', help: 'k-means iterations' },
    samplePerList: { type: 'number', value: 'N', integer: true, min: 1, default: '64', help: 'k-means training rows per list' },
    metric: { type: 'string', value: 'M', choices: ['ip', 'l2'], default: 'ip', help: 'k-means assignment: largest inner product (ip) or nearest centroid (l2)' },
    shards: { type: 'number', value: 'S', integer: true, min: 1, default: '1', help: 'also write S item-range shards FILE.shard-I-of-S.ivf sharing the centroids' },
    stream: { type: 'boolean', help: 'read the item table from the file in chunks, never loading the model: bounded memory for tables larger than RAM or wasm32 (same file as without it)' },
  },
  details: 'Serve with: mirec recommend --checkpoint FILE --index FILE.ivf --nprobe P. File layout: docs/ann-index.md.',
  async run(o) {
    if (o.checkpoint === undefined) throw new UsageError('--checkpoint FILE is required');
    if (o.lists === undefined) throw new UsageError('--lists N is required (e.g. 4·√items)');
    if (o.out === undefined) throw new UsageError('--out FILE.ivf is required');
    if (o.stream) return streamBuild(o as typeof o & { checkpoint: string; lists: number; out: string });
    const rec = await loadModel(o.checkpoint);
    const items = rec.vocab.size - 1;
    if (o.lists > items) throw new UsageError(`--lists ${o.lists}: the checkpoint has only ${items} items`);
    const t0 = performance.now();
    const index = rec.buildIndex({ lists: o.lists, storage: o.storage ?? 'f32', nprobe: o.nprobe ?? 8, seed: o.seed ?? 1, iterations: o.iterations ?? 10, samplePerList: o.samplePerList ?? 64, metric: o.metric ?? 'ip' });
    const buildS = (performance.now() - t0) / 1000;
    const bytes = rec.indexBytes();
    await writeFileAtomic(o.out, bytes);
    const S = o.shards ?? 1;
    const shardFiles: string[] = [];
    if (S > 1) {
      const per = Math.ceil(items / S);
      for (let s = 0; s < S; s++) {
        const part = index.slice(1 + s * per, Math.min(items + 1, 1 + (s + 1) * per));
        const file = o.out.replace(/(\.ivf)?$/, `.shard-${s}-of-${S}.ivf`);
        const E = rec.model.itemTable();
        await writeFileAtomic(file, encodeIvf(part, tableFingerprint(E.data, E.shape[0], E.shape[1])));
        part.dispose();
        shardFiles.push(file);
      }
    }
    const r = index.report!;
    const sizes = Array.from(index.counts);
    const report = {
      checkpoint: o.checkpoint, out: o.out, items, lists: index.lists, storage: index.storage, nprobe: index.nprobe,
      buildSeconds: +buildS.toFixed(2), kmeansSeconds: +(r.trainMs / 1000).toFixed(2), assignSeconds: +(r.assignMs / 1000).toFixed(2),
      trainRows: r.trainRows, iterations: r.iterations, emptyListSplits: r.splits,
      listSize: { min: Math.min(...sizes), max: Math.max(...sizes), empty: sizes.filter((c) => c === 0).length },
      fileBytes: bytes.length, indexMemory: mb(index.byteLength), engineMemory: mb(engine().memory().total),
      peakRss: mb(process.resourceUsage().maxRSS * 1024), shards: shardFiles,
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  },
});

/** `--stream`: the checkpoint's param.item_emb read by row ranges; progress on stderr. */
async function streamBuild(o: { checkpoint: string; lists: number; out: string; storage?: string; nprobe?: number; seed?: number; iterations?: number; samplePerList?: number; metric?: string; shards?: number }): Promise<void> {
  if ((o.shards ?? 1) > 1) throw new UsageError('--stream writes one index file; --shards needs the whole index in memory');
  const src = safetensorsRowSource(o.checkpoint);
  try {
    if (o.lists > src.rows - 1) throw new UsageError(`--lists ${o.lists}: the checkpoint has only ${src.rows - 1} items`);
    let last = 0;
    const cpu: Record<string, number> = {};
    const cpuNow = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
    const r = await buildIvfFile(engine(), src, o.out, {
      lists: o.lists, storage: (o.storage ?? 'f32') as 'f32', nprobe: o.nprobe ?? 8, seed: o.seed ?? 1, iterations: o.iterations ?? 10,
      samplePerList: o.samplePerList ?? 64, metric: (o.metric ?? 'ip') as 'ip',
      onProgress(phase, done, total) {
        cpu[phase] ??= cpuNow();
        const now = performance.now();
        if (now - last < 5000 && done < total && done > 0) return;
        last = now;
        process.stderr.write(`${phase} ${done}/${total}\n`);
      },
    });
    const sizes = Array.from(r.counts);
    const report = {
      checkpoint: o.checkpoint, out: o.out, items: src.rows - 1, lists: o.lists, storage: r.header.storage, nprobe: r.header.nprobe, stream: true,
      buildSeconds: +(r.totalMs / 1000).toFixed(2), kmeansSeconds: +(r.trainMs / 1000).toFixed(2), assignSeconds: +(r.assignMs / 1000).toFixed(2),
      writeSeconds: +(r.writeMs / 1000).toFixed(2), trainRows: r.trainRows, iterations: r.iterations, emptyListSplits: r.splits, bufferRowsPerList: r.bufferRows,
      listSize: { min: Math.min(...sizes), max: Math.max(...sizes), empty: sizes.filter((c) => c === 0).length },
      fileBytes: r.fileBytes, engineMemory: mb(engine().memory().total), peakRss: mb(process.resourceUsage().maxRSS * 1024),
      // CPU time per phase: what the build costs on a contended machine, where wall time mostly waits.
      cpuSeconds: { total: +cpuNow().toFixed(1), sampleAndKmeans: +((cpu.assign ?? 0) - (cpu.sample ?? 0)).toFixed(1), assign: +((cpu.write ?? 0) - (cpu.assign ?? 0)).toFixed(1), write: +(cpuNow() - (cpu.write ?? 0)).toFixed(1) },
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    src.close();
  }
}
