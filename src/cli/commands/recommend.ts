// `mirec recommend`: raw item ids in (one history, oldest first), the top-N raw item ids with
// scores out, as JSON.
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { loadModel } from '../inputs.js';
import { CHECKPOINT_OPTION } from '../options.js';

export const recommend = defineCommand({
  name: 'recommend',
  summary: 'top-N items for one history (raw ids in, raw ids out, JSON)',
  usage: '--checkpoint FILE --history ID,ID,... [--top-n 10] [--filter-history]',
  options: {
    ...CHECKPOINT_OPTION,
    history: { type: 'string', value: 'ID,ID,...', help: 'raw item ids of the history, oldest first' },
    topN: { type: 'number', value: 'N', integer: true, min: 1, default: '10', help: 'how many items to return' },
    filterHistory: { type: 'boolean', help: 'never recommend an item of the history' },
  },
  async run(o) {
    if (o.checkpoint === undefined) throw new UsageError('--checkpoint FILE is required');
    if (o.history === undefined) throw new UsageError('--history ID,ID,... is required (raw item ids, oldest first)');
    const rec = await loadModel(o.checkpoint);
    const raw = o.history.split(',').map((s) => s.trim()).filter(Boolean);
    const unknownIds = raw.filter((r) => rec.vocab.index(r) <= 0).length;
    if (unknownIds === raw.length) throw new UsageError(`--history: none of ${raw.length} ids is in the model's vocabulary`);
    const out = rec.recommend(raw, { topN: o.topN ?? 10, filterHistory: !!o.filterHistory }).map((r) => ({ item: r.item, score: +r.score.toFixed(5) }));
    process.stdout.write(JSON.stringify({ model: rec.model.toString(), unknownIds, recommendations: out }, null, 2) + '\n');
  },
});
