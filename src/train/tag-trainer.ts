// Training and evaluation of tag-profile models under docs/protocols.md#tag-protocol: shuffled epochs over
// item rows (UTPM) or tag rows (the rest), validation AUC every epoch, early stopping on the mean
// per-task validation AUC (patience 5, at most 50 epochs) with the best weights restored, and the
// docs/protocols.md#tag-metrics report: AUC, GAUC, P@K / R@K (K 1, 3, 5, 10; overall and per tag group) and coverage.
import { checkOptions } from '../engine/check-options.js';
import { engine } from '../engine/current.js';
import { Rng } from '../engine/random.js';
import { backward } from '../autograd/tape.js';
import { Adam } from '../optim/adam.js';
import { auc, gauc, TagProfileAccumulator, topTags } from '../eval/tag-metrics.js';
import { fieldBatch, type RowSet, type TagBatch, type TagTask } from '../nn/field-batch.js';
import type { TagDataset } from '../data/tag-datasets.js';
import type { TagModel } from '../models/tag-model.js';

export type Split = 'train' | 'valid' | 'test';

/** Options of trainTagModel. */
export interface TrainTagOptions {
  /** Maximum epochs (default 50). */
  epochs?: number;
  /** Epochs without improvement of the mean validation AUC before stopping (default 5). */
  patience?: number;
  /** Rows per batch (default 256 for item rows, 512 for tag rows — docs/model-guide.md#utpm, #mvke). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Seed of the row order (default 1). */
  seed?: number;
  /** Called after every epoch (progress, logging). */
  onEpoch?: (e: EpochReport) => void;
}

export interface EpochReport {
  epoch: number;
  /** Mean training loss. */
  loss: number;
  /** Validation AUC per task and their mean. */
  valid: Record<string, number>;
  validMean: number;
  /** Training rows per second (forward + backward + update). */
  rowsPerSec: number;
}

export interface TrainTagResult {
  epochs: EpochReport[];
  /** Epoch whose weights were kept (1-based) and its mean validation AUC. */
  bestEpoch: number;
  bestValid: number;
  /** Mean training throughput over all epochs. */
  rowsPerSec: number;
}

/** Users of a split, as a set of sample-user indices. */
export function splitUsers(data: TagDataset, split: Split): Set<number> {
  return new Set(data.samples[split]);
}

/** Row indices of `rows` whose user is in `users`. */
export function rowsOf(rows: RowSet, users: Set<number>): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < rows.user.length; r++) if (users.has(rows.user[r])) out.push(r);
  return Int32Array.from(out);
}

/** One batch over row indices `idx` of item rows ('item': key = item, m = its tags) or tag rows. */
export function makeBatch(data: TagDataset, kind: 'item' | 'tag', idx: ArrayLike<number>): TagBatch {
  const rows = kind === 'item' ? data.samples.itemRows : data.samples.tagRows;
  const B = idx.length;
  const slot = new Map<number, number>();
  const order: number[] = [];
  const rowUser = new Int32Array(B);
  for (let i = 0; i < B; i++) {
    const u = rows.user[idx[i]];
    let s = slot.get(u);
    if (s === undefined) { s = order.length; slot.set(u, s); order.push(u); }
    rowUser[i] = s;
  }
  let m = 1;
  if (kind === 'item') for (let i = 0; i < B; i++) m = Math.max(m, data.itemTags[rows.key[idx[i]]]?.length ?? 0);
  const tags = new Int32Array(B * m);
  const click = new Float32Array(B);
  const conversion = new Float32Array(B);
  for (let i = 0; i < B; i++) {
    const r = idx[i];
    if (kind === 'item') tags.set(data.itemTags[rows.key[r]] ?? [], i * m);
    else tags[i] = rows.key[r];
    click[i] = rows.click[r];
    conversion[i] = rows.conversion[r];
  }
  return { users: fieldBatch(data.fields, order.map((u) => data.users[u])), B, rowUser, tags, m, click, conversion };
}

/** Probabilities per task for the tag rows of a split (batched, arena reset after each batch). */
export function scoreSplit(model: TagModel, data: TagDataset, split: Split, batchSize = 2048): { idx: Int32Array; scores: Float64Array[] } {
  const idx = rowsOf(data.samples.tagRows, splitUsers(data, split));
  const scores = model.tasks.map(() => new Float64Array(idx.length));
  for (let s = 0; s < idx.length; s += batchSize) {
    const part = idx.subarray(s, s + batchSize);
    const out = model.scoreRows(makeBatch(data, 'tag', part));
    out.forEach((o, t) => scores[t].set(o, s));
    engine().heap.resetArena();
  }
  return { idx, scores };
}

const labelOf = (data: TagDataset, task: TagTask) => (task === 'ctr' ? data.samples.tagRows.click : data.samples.tagRows.conversion);

/** Validation AUC per task on tag rows. */
export function validationAuc(model: TagModel, data: TagDataset, split: Split = 'valid'): Record<string, number> {
  const { idx, scores } = scoreSplit(model, data, split);
  const out: Record<string, number> = {};
  model.tasks.forEach((task, t) => {
    const y = labelOf(data, task);
    out[task] = auc(scores[t], Array.from(idx, (r) => y[r]));
  });
  return out;
}

/**
 * Train `model` on the training users' rows with Adam; early stopping on the mean per-task
 * validation AUC; the best epoch's weights are restored at the end. Counting baselines return at once.
 */
export function trainTagModel(model: TagModel, data: TagDataset, opts: TrainTagOptions = {}): TrainTagResult {
  checkOptions('trainTagModel options', opts, { epochs: 'integer', patience: 'integer', batchSize: 'integer', lr: 'number', seed: 'number', onEpoch: 'function' });
  if (model.rows === 'none' || !model.params) return { epochs: [], bestEpoch: 0, bestValid: NaN, rowsPerSec: NaN };
  const e = engine();
  const epochs = opts.epochs ?? 50;
  const patience = opts.patience ?? 5;
  const bs = opts.batchSize ?? (model.rows === 'item' ? 256 : 512);
  const rng = new Rng(opts.seed ?? 1);
  const train = rowsOf(model.rows === 'item' ? data.samples.itemRows : data.samples.tagRows, splitUsers(data, 'train'));
  if (!train.length) throw new Error(`trainTagModel: ${data.name}: no training rows`);
  const params = model.params.list();
  const opt = new Adam(params, { lr: opts.lr ?? 1e-3 });
  const best = params.map((p) => Float32Array.from(p.data));
  let bestValid = -Infinity, bestEpoch = 0, since = 0, rowsTotal = 0, secsTotal = 0;
  const history: EpochReport[] = [];
  for (let ep = 1; ep <= epochs; ep++) {
    const order = rng.shuffle(Int32Array.from(train));
    let lossSum = 0, batches = 0;
    const t0 = performance.now();
    for (let s = 0; s < order.length; s += bs) {
      const batch = makeBatch(data, model.rows, order.subarray(s, s + bs));
      const loss = model.loss(batch);
      const l = loss.item();
      if (!Number.isFinite(l)) throw new Error(`trainTagModel: ${model.kind} on ${data.name}: loss is ${l} at epoch ${ep}, batch ${batches + 1}; lower lr or check inputs (setDebug(1) names the op)`);
      backward(loss);
      opt.step();
      e.heap.resetArena();
      lossSum += l;
      batches++;
    }
    const secs = (performance.now() - t0) / 1000;
    rowsTotal += order.length;
    secsTotal += secs;
    const valid = validationAuc(model, data);
    const vals = Object.values(valid).filter((v) => !Number.isNaN(v));
    const validMean = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
    const report: EpochReport = { epoch: ep, loss: lossSum / Math.max(1, batches), valid, validMean, rowsPerSec: order.length / secs };
    history.push(report);
    opts.onEpoch?.(report);
    if (validMean > bestValid || (Number.isNaN(validMean) && ep === 1)) {
      bestValid = validMean;
      bestEpoch = ep;
      since = 0;
      params.forEach((p, i) => best[i].set(p.data));
    } else if (++since >= patience) break;
  }
  params.forEach((p, i) => p.data.set(best[i]));
  return { epochs: history, bestEpoch, bestValid, rowsPerSec: rowsTotal / secsTotal };
}

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
    const all = model.scoreTags(fieldBatch(data.fields, part.map((u) => data.users[u])));
    engine().heap.resetArena();
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
