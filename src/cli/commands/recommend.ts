// `mirec recommend`: raw item ids in (one history, oldest first), the top-N raw item ids with
// scores out, as JSON; with --index, served through an IVF index built by `mirec index`.
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { loadModel } from '../inputs.js';
import { CHECKPOINT_OPTION } from '../options.js';

export const recommend = defineCommand({
  name: 'recommend',
  summary: 'top-N items for one history (raw ids in, raw ids out, JSON)',
  usage: '--checkpoint FILE --history ID,ID,... [--user ID] [--top-n 10] [--filter-history] [--index FILE.ivf --nprobe P]',
  options: {
    ...CHECKPOINT_OPTION,
    history: { type: 'string', value: 'ID,ID,...', help: 'raw item ids of the history, oldest first' },
    topN: { type: 'number', value: 'N', integer: true, min: 1, default: '10', help: 'how many items to return' },
    filterHistory: { type: 'boolean', help: 'never recommend an item of the history' },
    index: { type: 'string', value: 'FILE.ivf', help: 'serve through this IVF index (built by mirec index for this checkpoint)' },
    nprobe: { type: 'number', value: 'P', integer: true, min: 1, help: 'with --index: lists probed per interest (default: the index\'s)' },
    rerank: { type: 'number', value: 'R', integer: true, min: 0, help: 'with --index: candidates per interest re-scored exactly from the float32 table' },
    user: { type: 'string', value: 'ID', help: "raw user id: needed by MIND trained with --serving-routing perUser (its routing is drawn from the id's hash); ignored by other models" },
  },
  async run(o) {
    if (o.checkpoint === undefined) throw new UsageError('--checkpoint FILE is required');
    if (o.history === undefined) throw new UsageError('--history ID,ID,... is required (raw item ids, oldest first)');
    if ((o.nprobe !== undefined || o.rerank !== undefined) && o.index === undefined) throw new UsageError('--nprobe and --rerank need --index FILE.ivf');
    const rec = await loadModel(o.checkpoint);
    if (o.index !== undefined) await rec.loadIndex(o.index).catch((e: Error) => { throw new UsageError(`--index ${o.index}: ${e.message}`); });
    const raw = o.history.split(',').map((s) => s.trim()).filter(Boolean);
    const unknownIds = raw.filter((r) => rec.vocab.index(r) <= 0).length;
    if (unknownIds === raw.length) throw new UsageError(`--history: none of ${raw.length} ids is in the model's vocabulary`);
    const perUser = (rec.model.config as { servingRouting?: string }).servingRouting === 'perUser';
    if (perUser && o.user === undefined) throw new UsageError(`--user ID is required: ${o.checkpoint} holds a MIND model that routes per user (--serving-routing perUser)`);
    const out = rec.recommend(raw, { topN: o.topN ?? 10, filterHistory: !!o.filterHistory, nprobe: o.nprobe, rerank: o.rerank, user: perUser ? o.user : undefined }).map((r) => ({ item: r.item, score: +r.score.toFixed(5) }));
    process.stdout.write(JSON.stringify({ model: rec.model.toString(), ...(rec.index ? { index: rec.index.toString() } : {}), unknownIds, recommendations: out }, null, 2) + '\n');
  },
});
