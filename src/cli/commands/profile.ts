// `mirec profile`: one raw user's top tags from a train-tags checkpoint, as JSON. The work is in
// ../tags.ts.
import { defineCommand } from '../command.js';
import { CHECKPOINT_OPTION } from '../options.js';
import { tagsCommand } from '../tags.js';

export const profile = defineCommand({
  name: 'profile',
  summary: 'one user\'s top tags from a train-tags checkpoint (JSON)',
  usage: '--checkpoint FILE --user RAW_USER_ID [--dataset KIND --data PATH] [--top-k 10] [--task ctr|cvr]',
  options: {
    checkpoint: { ...CHECKPOINT_OPTION.checkpoint, help: 'a checkpoint written by `mirec train-tags --out`' },
    user: { type: 'string', value: 'ID', help: 'the user id as it appears in the data file' },
    dataset: { type: 'string', value: 'KIND', choices: ['movielens', 'amazon', 'taobao', 'synthetic'], help: 'data kind (default: the one the checkpoint was trained on)' },
    data: { type: 'string', value: 'PATH', help: 'data path (default: the one the checkpoint was trained on)' },
    topK: { type: 'number', value: 'K', integer: true, min: 1, default: '10', help: 'how many tags' },
    task: { type: 'string', value: 'TASK', choices: ['ctr', 'cvr'], help: 'which task\'s tower ranks the tags (default: the checkpoint\'s first)' },
  },
  run: (o) => tagsCommand('profile', o),
});
