// Why UTPM ranks MovieLens tag rows near chance (issue 5): trains UTPM (joint item loss) and the
// single-task TwoTower on one split, then scores the test tag rows several ways:
//   - global AUC (what the results table reports) and GAUC,
//   - tag-wise AUC: per tag, AUC across users (only personalisation counts; tag priors cancel),
//     averaged over tags weighted by rows,
//   - the item-row AUC of UTPM's own training objective (does it learn its task?),
//   - a tag prior alone (log-odds of the tag's training positive rate) and prior + UTPM logit.
// Usage: node --import tsx bench/experiments/utpm-diagnosis.mts ML_LATEST_SMALL_DIR [splitSeed=1230] [epochs=8] [ctr|cvr]
import { init } from '../../src/engine/load.js';
import { movielensTagDataset } from '../../src/data/tag-datasets.js';
import { makeBatch, rowsOf, splitUsers, scoreSplit } from '../../src/train/tag-batches.js';
import { trainTagModel } from '../../src/train/train-tag-model.js';
import { UTPM } from '../../src/models/utpm.js';
import { TwoTower } from '../../src/models/two-tower.js';
import { auc, gauc } from '../../src/eval/tag-metrics.js';
import { engine } from '../../src/engine/load.js';
import { noGrad } from '../../src/autograd/tape.js';
import type { TagDataset } from '../../src/data/tag-datasets.js';
import type { TagModel } from '../../src/models/tag-model.js';

const [dir, seedArg = '1230', epochArg = '8', taskArg = 'ctr'] = process.argv.slice(2);
if (!dir) throw new Error('usage: utpm-diagnosis.mts ML_LATEST_SMALL_DIR [splitSeed] [epochs] [ctr|cvr]');
await init();
const seed = Number(seedArg);
const epochs = Number(epochArg);
const task = taskArg as 'ctr' | 'cvr';
const data = await movielensTagDataset(dir, { splitSeed: seed });
const rows = data.samples.tagRows;
const label = task === 'ctr' ? rows.click : rows.conversion;
const logit = (p: number) => Math.log(Math.max(p, 1e-9) / Math.max(1 - p, 1e-9));

/** Per tag: the positive rate of its training tag rows (Laplace-smoothed). */
function tagPrior(d: TagDataset): Float64Array {
  const pos = new Float64Array(d.tagNames.length), n = new Float64Array(d.tagNames.length);
  for (const r of rowsOf(d.samples.tagRows, splitUsers(d, 'train'))) { n[rows.key[r]]++; pos[rows.key[r]] += label[r]; }
  return Float64Array.from(n, (c, t) => (pos[t] + 1) / (c + 2));
}

/**
 * Per tag: how much more often it is carried by clicked than by unclicked training item rows
 * (smoothed ratio) — the per-tag signal the joint item loss can learn without a user.
 */
function itemLift(d: TagDataset): Float64Array {
  const lab = task === 'ctr' ? d.samples.itemRows.click : d.samples.itemRows.conversion;
  const pos = new Float64Array(d.tagNames.length), neg = new Float64Array(d.tagNames.length);
  let np = 0, nn = 0;
  for (const r of rowsOf(d.samples.itemRows, splitUsers(d, 'train'))) {
    const y = lab[r];
    if (y) np++; else nn++;
    for (const t of d.itemTags[d.samples.itemRows.key[r]] ?? []) (y ? pos : neg)[t]++;
  }
  return Float64Array.from(pos, (p, t) => ((p + 1) / (np + 2)) / ((neg[t] + 1) / (nn + 2)));
}

/** Mean over tags (weighted by rows) of the across-user AUC of one tag's rows. */
function tagwiseAuc(idx: Int32Array, s: ArrayLike<number>): number {
  const byTag = new Map<number, number[]>();
  idx.forEach((r, i) => { const t = rows.key[r]; if (!byTag.has(t)) byTag.set(t, []); byTag.get(t)!.push(i); });
  let sum = 0, w = 0;
  for (const is of byTag.values()) {
    const y = is.map((i) => label[idx[i]]);
    const p = y.reduce((a, b) => a + b, 0);
    if (p === 0 || p === y.length) continue;
    sum += is.length * auc(is.map((i) => s[i]), y);
    w += is.length;
  }
  return sum / w;
}

function report(name: string, idx: Int32Array, s: ArrayLike<number>): void {
  const y = Array.from(idx, (r) => label[r]);
  const users = Array.from(idx, (r) => rows.user[r]);
  console.log(`${name.padEnd(34)} AUC ${auc(s, y).toFixed(4)}  GAUC ${gauc(s, y, users).gauc.toFixed(4)}  tag-wise AUC ${tagwiseAuc(idx, s).toFixed(4)}`);
}

/** AUC of UTPM's joint item logit on the test users' item rows. */
function itemRowAuc(m: UTPM): number {
  const idx = rowsOf(data.samples.itemRows, splitUsers(data, 'test'));
  const s = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i += 1024) {
    const b = makeBatch(data, 'item', idx.subarray(i, i + 1024));
    s.set(noGrad(() => m.jointLogits(m.encode(b.users), b).data), i);
    engine().heap.resetArena();
  }
  const lab = task === 'ctr' ? data.samples.itemRows.click : data.samples.itemRows.conversion;
  return auc(s, Array.from(idx, (r) => lab[r]));
}

const prior = tagPrior(data);

/** Start the joint loss's bias at the log-odds of the training item rows' positive rate. */
function withPriorBias(m: UTPM): UTPM {
  const lab = task === 'ctr' ? data.samples.itemRows.click : data.samples.itemRows.conversion;
  const idx = rowsOf(data.samples.itemRows, splitUsers(data, 'train'));
  let pos = 0;
  for (const r of idx) pos += lab[r];
  m.params.get("joint.b")!.data[0] = logit(pos / idx.length);
  return m;
}
const test = rowsOf(rows, splitUsers(data, 'test'));
console.log(`MovieLens split ${seed}, task ${task}: ${test.length} test tag rows, ${epochs} epochs max`);
report('tag prior (train positive rate)', test, Array.from(test, (r) => prior[rows.key[r]]));
const lift = itemLift(data);
report('item-row lift P(t|clicked)/P(t|not)', test, Array.from(test, (r) => lift[rows.key[r]]));
{
  // The same lift table as a user-independent item scorer: Σ_t log lift(t) over the item's tags.
  const idx = rowsOf(data.samples.itemRows, splitUsers(data, 'test'));
  const lab = task === 'ctr' ? data.samples.itemRows.click : data.samples.itemRows.conversion;
  const s = Array.from(idx, (r) => (data.itemTags[data.samples.itemRows.key[r]] ?? []).reduce((a, t) => a + Math.log(lift[t]), 0));
  console.log(`${'item rows: Σ log lift (no user)'.padEnd(34)} AUC ${auc(s, Array.from(idx, (r) => lab[r])).toFixed(4)}`);
}

const models: [string, TagModel][] = [
  // The diagnosis was made on the affine joint logit (trainable w, b), UTPM's default at the time.
  ['UTPM (joint item loss)', new UTPM({ fields: data.fields, tags: data.tagNames.length, tagNames: data.tagNames, tagField: data.tagFields[0], label: task === 'ctr' ? 'click' : 'conversion', jointAffine: true })],
  ['UTPM, b₀ = logit(item base rate)', withPriorBias(new UTPM({ fields: data.fields, tags: data.tagNames.length, tagNames: data.tagNames, tagField: data.tagFields[0], label: task === 'ctr' ? 'click' : 'conversion', jointAffine: true }))],
  ['TwoTower (tag rows)', new TwoTower({ fields: data.fields, tags: data.tagNames.length, tagNames: data.tagNames, tagGroups: data.tagGroups, groups: data.groupNames.length, tasks: [task] })],
];
for (const [name, m] of models) {
  const t0 = performance.now();
  const r = trainTagModel(m, data, { epochs, patience: 3 });
  const { idx, scores } = scoreSplit(m, data, 'test');
  console.log(`-- ${name}: best epoch ${r.bestEpoch}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  report(name, idx, scores[0]);
  if (m instanceof UTPM) {
    console.log(`${'UTPM item rows (its own objective)'.padEnd(34)} AUC ${itemRowAuc(m).toFixed(4)}`);
    report('UTPM ⟨u,Θ_t⟩ + prior log-odds', idx, Array.from(idx, (row, i) => logit(scores[0][i]) + logit(prior[rows.key[row]])));
  }
}
