// `mirec train-tags`: one user-tag model (UTPM, MVKE, a tower or counting baseline) on a tag
// dataset; the metrics table, a checkpoint and a JSON report. SIGINT/SIGTERM stop after the
// current step with the best epoch's checkpoint and the report marked interrupted (exit 130/143).
// The work is in ../tags.ts.
import { TAG_MODELS } from '../../train/tag-experiment.js';
import { checkOutputs } from '../outputs.js';
import { defineCommand } from '../command.js';
import { REPORT_OPTION, THREADS_OPTION } from '../options.js';
import { tagsCommand } from '../tags.js';

export const trainTags = defineCommand({
  name: 'train-tags',
  summary: 'train a user-tag model (UTPM, MVKE, baselines); AUC, GAUC, P@K, R@K',
  usage: '--model NAME --dataset movielens|amazon|taobao|synthetic [--data PATH] [--out FILE] [options]',
  options: {
    ...THREADS_OPTION,
    model: { type: 'string', value: 'NAME', choices: TAG_MODELS, help: 'tag model' },
    dataset: { type: 'string', value: 'KIND', choices: ['movielens', 'amazon', 'taobao', 'synthetic'], help: 'how --data is read' },
    data: { type: 'string', value: 'PATH', help: 'movielens: the ml-latest-small folder; amazon: the folder with Beauty.txt.gz and Beauty_item2attributes.json.gz; taobao: a UserBehavior csv; synthetic: tiny, small (default) or medium' },
    splitSeed: { type: 'number', value: 'N', integer: true, default: '1230', help: 'seed of the user split' },
    negatives: { type: 'string', value: 'KIND', choices: ['drawn', 'exposures'], default: 'drawn', help: 'drawn popularity negatives, or the log\'s real exposures (movielens: rated = exposure, rating ≥ 4 = click; taobao)' },
    epochs: { type: 'number', value: 'N', integer: true, min: 1, default: '50', help: 'maximum epochs' },
    patience: { type: 'number', value: 'N', integer: true, min: 1, default: '4', help: 'epochs without a better validation AUC that are tolerated; training stops at the next one (as train --patience)' },
    lr: { type: 'number', value: 'LR', above: 0, help: 'learning rate (default: the model\'s)' },
    batch: { type: 'number', value: 'B', integer: true, min: 1, help: 'rows per batch' },
    seed: { type: 'number', value: 'N', integer: true, help: 'seed of initialisation and batches' },
    dim: { type: 'number', value: 'D', integer: true, min: 1, help: 'MVKE / tower width; UTPM user and tag size' },
    embedDim: { type: 'number', value: 'E', integer: true, min: 1, help: 'UTPM field embedding size' },
    kernels: { type: 'number', value: 'V', integer: true, min: 2, help: 'MVKE virtual kernels (CTR uses the first 3, CVR 1..V−1)' },
    experts: { type: 'number', value: 'X', integer: true, min: 1, help: 'MMoE experts (CTR the first 60 %, CVR the last 80 %)' },
    out: { type: 'string', value: 'FILE', help: 'checkpoint (safetensors) for `mirec profile`' },
    ...REPORT_OPTION,
  },
  details: 'Ctrl-C (SIGINT) or SIGTERM stops after the current step: the checkpoint of the best epoch so far is written to --out (when every model has finished an epoch), the report is marked interrupted, and the exit code is 130 (143 for SIGTERM).\nThe tag protocol and metrics: docs/protocols.md. The models: docs/model-guide.md.',
  async run(o) {
    await checkOutputs([['--data', o.data]], [['--out', o.out], ['--report', o.report]]);
    return tagsCommand('train-tags', o);
  },
});
