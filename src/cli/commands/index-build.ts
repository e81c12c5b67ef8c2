// `mirec index`: build an IVF index over a checkpoint's item table and write it as an index file
// (docs/ann-index.md), optionally split into item-range shards that share the centroids (for
// sharded serving). Reports the build time, the index size and the process memory.
import { writeFileAtomic } from '../../io/atomic-write.js';
import { engine } from '../../engine/load.js';
import { IVF_STORAGES } from '../../ann/ivf-search.js';
import { encodeIvf, tableFingerprint } from '../../ann/ivf-format.js';
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { loadModel } from '../inputs.js';
import { CHECKPOINT_OPTION } from '../options.js';

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

export const indexCommand = defineCommand({
  name: 'index',
  summary: 'build an IVF index over a checkpoint\'s item table (for recommend --index and the Worker examples)',
  usage: '--checkpoint FILE --lists N --out FILE.ivf [--storage f32|f16|int8] [--nprobe 8] [--shards S] [options]',
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
  },
  details: 'Serve with: mirec recommend --checkpoint FILE --index FILE.ivf --nprobe P. File layout: docs/ann-index.md.',
  async run(o) {
    if (o.checkpoint === undefined) throw new UsageError('--checkpoint FILE is required');
    if (o.lists === undefined) throw new UsageError('--lists N is required (e.g. 4·√items)');
    if (o.out === undefined) throw new UsageError('--out FILE.ivf is required');
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
