// `mirec train-tags` and `mirec profile` through tagsCommand on the synthetic tag data: the
// metrics table prints, checkpoint and report are written, profile prints K tags as JSON, and bad
// or missing flags are UsageErrors that name the choices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/args.js';
import { tagsCommand } from '../../src/cli/tags.js';
import { trainTags } from '../../src/cli/commands/train-tags.js';
import { profile } from '../../src/cli/commands/profile.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { syntheticTagDataset } from '../../src/data/tag-datasets.js';
import { capture } from '../helpers/capture-output.js';

const usage = async (fn: () => Promise<unknown>, re: RegExp) => {
  try {
    await capture(fn);
  } catch (e) {
    assert.instance(e, UsageError, (e as Error).message);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected a UsageError matching ${re}`);
};

const dir = mkdtempSync(join(tmpdir(), 'mirec-tags-'));
const ckpt = join(dir, 'mvke.safetensors');
// A user kept by the protocol: the raw id of the first sample user of the tiny preset.
const data = syntheticTagDataset('tiny');
const rawUser = generateSynthetic('tiny').events.userIds[data.samples.users[0]];

test('train-tags: metrics table, checkpoint and report', async () => {
  const report = join(dir, 'report.json');
  const r = await capture(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'synthetic', data: 'tiny', epochs: 2, lr: 0.01, out: ckpt, report }));
  assert.match(r.out, /\| model \| task \| AUC \| GAUC \| P@1 \| R@1 \| P@3 \| R@3 \| P@5 \| R@5 \| P@10 \| R@10 \| coverage \| users \|/);
  assert.match(r.out, /\| mvke \| ctr \| 0\.\d{4} \| 0\.\d{4} \|/);
  assert.match(r.out, /\| mvke \| cvr \|/);
  assert.match(r.err, /epoch 2: loss/);
  assert.ok(existsSync(ckpt));
  const doc = JSON.parse(readFileSync(report, 'utf8'));
  assert.is(doc.command, 'train-tags');
  assert.is(doc.test.length, 2);
  assert.is(doc.training[0].epochs.length, 2);
});

test('profile: K tags with probabilities as JSON, per task', async () => {
  const r = await capture(() => tagsCommand('profile', { checkpoint: ckpt, user: rawUser, dataset: 'synthetic', data: 'tiny', topK: 5 }));
  const doc = JSON.parse(r.out);
  assert.is(doc.user, rawUser);
  assert.is(doc.task, 'ctr');
  assert.is(doc.tags.length, 5);
  for (const t of doc.tags) assert.ok(typeof t.tag === 'string' && t.tag !== '<pad>' && t.probability > 0 && t.probability < 1);
  for (let i = 1; i < 5; i++) assert.ok(doc.tags[i - 1].probability >= doc.tags[i].probability);
  // Dataset and data default to the checkpoint's; the CVR task ranks by its own tower.
  const cvr = JSON.parse((await capture(() => tagsCommand('profile', { checkpoint: ckpt, user: rawUser, task: 'cvr' }))).out);
  assert.is(cvr.task, 'cvr');
  assert.is(cvr.tags.length, 10);
});

test('UTPM: two models (click and conversion) in one checkpoint; profile picks the task', async () => {
  const out = join(dir, 'utpm.safetensors');
  const r = await capture(() => tagsCommand('train-tags', { model: 'utpm', dataset: 'synthetic', data: 'tiny', epochs: 1, out }));
  assert.match(r.out, /\| utpm \| ctr \|[^\n]*\n\| utpm \| cvr \|/);
  const p = JSON.parse((await capture(() => tagsCommand('profile', { checkpoint: out, user: rawUser, task: 'cvr', topK: 3 }))).out);
  assert.match(p.model, /^UTPM/);
  assert.is(p.tags.length, 3);
});

test('size flags: --dim/--kernels (MVKE), --dim/--embedDim (UTPM), --experts (MMoE) reach the models', async () => {
  const mv = await capture(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'synthetic', data: 'tiny', epochs: 1, dim: 8, kernels: 3 }));
  assert.match(mv.err, /MVKE\(D=8, E=3, ctr=\{0,1,2\}, cvr=\{1,2\},/);
  const ut = await capture(() => tagsCommand('train-tags', { model: 'utpm', dataset: 'synthetic', data: 'tiny', epochs: 1, dim: 8, embedDim: 4 }));
  assert.match(ut.err, /UTPM\(E=4, A=8, C=4, U=8,/);
  const small = await capture(() => tagsCommand('train-tags', { model: 'mmoe', dataset: 'synthetic', data: 'tiny', epochs: 1, experts: 4 }));
  const big = await capture(() => tagsCommand('train-tags', { model: 'mmoe', dataset: 'synthetic', data: 'tiny', epochs: 1 }));
  const params = (s: string) => Number(/MMoE\(.*params=([\d.]+)k\)/.exec(s)![1]);
  assert.ok(params(small.err) < params(big.err), `${params(small.err)}k params with 4 experts vs ${params(big.err)}k with 10`);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'synthetic', data: 'tiny', kernels: 1 }), /--kernels expects at least 2/);
});

test('bad and missing flags are UsageErrors naming the choices', async () => {
  await usage(() => tagsCommand('train-tags', { model: 'bert', dataset: 'synthetic' }), /--model "bert" is not one of mvke \| utpm \| mmoe \| hardsharing \| twotower \| historytags \| populartags/);
  await usage(() => tagsCommand('train-tags', { dataset: 'synthetic' }), /--model is required/);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'netflix' }), /--dataset "netflix" is not one of movielens \| amazon \| taobao \| synthetic/);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'movielens' }), /--data is required for --dataset movielens/);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'movielens', data: '/no/such/dir' }), /--data \/no\/such\/dir: no such file or folder/);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'synthetic', data: 'huge' }), /--data "huge" is not one of tiny \| small \| medium/);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'synthetic', epochs: 0 }), /--epochs expects a positive integer/);
  await usage(() => tagsCommand('train-tags', { model: 'mvke', dataset: 'synthetic', data: 'tiny', negatives: 'impressions' }), /--negatives "impressions" is not one of drawn \| exposures/);
  // The synthetic log has no non-clicks: asking for real exposures names why it cannot.
  try {
    await capture(() => tagsCommand('train-tags', { model: 'historytags', dataset: 'synthetic', data: 'tiny', negatives: 'exposures' }));
    assert.unreachable('exposures on click-only data should fail');
  } catch (e) {
    assert.match((e as Error).message, /negatives 'exposures' needs a click label per event \(this dataset logs no non-clicks\)/);
  }
  await usage(() => tagsCommand('profile', { user: '1' }), /--checkpoint FILE is required/);
  await usage(() => tagsCommand('profile', { checkpoint: ckpt }), /--user RAW_USER_ID is required/);
  await usage(() => tagsCommand('profile', { checkpoint: join(dir, 'nope') }), /--user/);
  await usage(() => tagsCommand('profile', { checkpoint: join(dir, 'nope'), user: '1' }), /--checkpoint .*nope/);
  await usage(() => tagsCommand('profile', { checkpoint: ckpt, user: 'no-such-user' }), /--user no-such-user: is not a user of synthetic:tiny/);
  await usage(() => tagsCommand('profile', { checkpoint: ckpt, user: rawUser, task: 'ltv' }), /--task "ltv" is not one of ctr \| cvr/);
  // Every option used here is in the command's table for the CLI parser.
  for (const k of ['model', 'dataset', 'data', 'splitSeed', 'negatives', 'epochs', 'out', 'report', 'dim', 'embedDim', 'kernels', 'experts']) assert.ok(k in trainTags.options, k);
  for (const k of ['checkpoint', 'user', 'dataset', 'data', 'topK', 'task']) assert.ok(k in profile.options, k);
});

test.run();
