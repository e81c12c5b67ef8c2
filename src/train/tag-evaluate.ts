// Evaluation of tag-profile models (docs/protocols.md#tag-metrics) on a split (default test): AUC, GAUC,
// P@K / R@K (K 1, 3, 5, 10; overall and per tag group) and coverage of the ranked profiles.
import { engine } from '../engine/current.js';
import { auc, gauc, TagProfileAccumulator, topTags } from '../eval/tag-metrics.js';
import { fieldBatch, type TagTask } from '../nn/field-batch.js';
import type { TagDataset } from '../data/tag-datasets.js';
import type { TagModel } from '../models/tag-model.js';
import { labelOf, scoreSplit, type Split } from './tag-batches.js';

/** docs/protocols.md#tag-metrics figures of one task. */
export interface TaskReport {
  task: TagTask;
  auc: number;
  gauc: number;
  /** P@K / R@K over users with non-empty GT. */
  atK: { k: number; precision: number; recall: number }[];
  /** Per tag group (when the dataset has more than one). */
  groups: { group: string; atK: { k: number; precision: number; recall: number }[] }[];
  coverage: number;
  users: number;
}

/** docs/protocols.md#tag-metrics evaluation on a split (default test): AUC, GAUC, P@K / R@K (K 1, 3, 5, 10), coverage. */
export function evaluateTagModel(model: TagModel, data: TagDataset, split: Split = 'test', opts: { ks?: number[]; userBatch?: number } = {}): TaskReport[] {
  const ks = opts.ks ?? [1, 3, 5, 10];
  const { idx, scores } = scoreSplit(model, data, split);
  const rows = data.samples.tagRows;
  const N = data.tagNames.length;
  const groupIds = [...new Set(Array.from(data.tagGroups.subarray(1)))].sort((a, b) => a - b);
  const perGroup = groupIds.length > 1 && groupIds.length <= 8;
  const reports = model.tasks.map((task, t) => {
    const y = labelOf(data, task);
    const labels = Array.from(idx, (r) => y[r]);
    return {
      task, auc: auc(scores[t], labels), gauc: gauc(scores[t], labels, Array.from(idx, (r) => rows.user[r])).gauc,
      acc: new TagProfileAccumulator({ ks, vocabularySize: N - 1 }),
      groupAcc: perGroup ? groupIds.map((g) => ({ g, acc: new TagProfileAccumulator({ ks }) })) : [],
    };
  });
  // Ground truth per user and task: tags of clicked / converted targets (tag rows with label 1).
  const users = Array.from(data.samples[split]);
  const gt = new Map<number, [number[], number[]]>();
  for (const r of idx) {
    const u = rows.user[r];
    if (!gt.has(u)) gt.set(u, [[], []]);
    if (rows.click[r]) gt.get(u)![0].push(rows.key[r]);
    if (rows.conversion[r]) gt.get(u)![1].push(rows.key[r]);
  }
  const ub = opts.userBatch ?? 128;
  for (let s = 0; s < users.length; s += ub) {
    const part = users.slice(s, s + ub);
    const all = engine().step(() => model.scoreTags(fieldBatch(data.fields, part.map((u) => data.users[u]))));
    model.tasks.forEach((task, t) => {
      const rep = reports[t];
      part.forEach((u, b) => {
        const sc = all[t].subarray(b * N, (b + 1) * N);
        const truth = gt.get(u)?.[task === 'ctr' ? 0 : 1] ?? [];
        const profile = topTags(sc, N);
        rep.acc.add(profile, truth);
        for (const { g, acc } of rep.groupAcc) {
          acc.add(profile.filter((x) => data.tagGroups[x] === g), truth.filter((x) => data.tagGroups[x] === g));
        }
      });
    });
  }
  return reports.map((r) => {
    const res = r.acc.result();
    return {
      task: r.task, auc: r.auc, gauc: r.gauc, atK: res.rows, coverage: res.coverage ?? NaN, users: res.users,
      groups: r.groupAcc.map(({ g, acc }) => ({ group: data.groupNames[g] ?? String(g), atK: acc.result().rows })),
    };
  });
}
