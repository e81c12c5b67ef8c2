// `mirec train-tags` interrupted, as the retrieval `mirec train` is in cli.test.ts: SIGINT/SIGTERM
// stop after the current step (130/143), the checkpoint holds the best epoch and `mirec profile`
// serves it, the report is marked interrupted, no temp file is left; a signal before the first
// validated epoch writes no checkpoint (an untrained model would be saved as random weights).
// Needs dist/ (npm test builds it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../src/engine/load.js';
import { decodeTagCheckpoint } from '../../src/io/tag-checkpoint.js';
import { ls, mirec, start, workspace } from './cli-helpers.js';

const { dir } = workspace('mirec-bad-tags-');
const noTemp = () => assert.equal(ls(dir).filter((n) => n.endsWith('.tmp')), [], `temp files left: ${ls(dir)}`);
const LONG = ['--dataset', 'synthetic', '--epochs', '100000', '--patience', '100000', '--dim', '8'];

for (const [sig, code, model] of [['SIGINT', 130, 'mvke'], ['SIGTERM', 143, 'utpm']] as const) {
  test(`train-tags: ${sig} after a few epochs keeps the best epoch's checkpoint (${model})`, async () => {
    await init();
    const out = join(dir, `${model}.safetensors`), rep = join(dir, `${model}.json`);
    const p = start(['train-tags', '--model', model, ...LONG, '--data', 'tiny', '--out', out, '--report', rep]);
    // utpm trains its ctr model first: wait for two of its epochs, then stop during training.
    await p.waitFor(/epoch 2: loss/, 90_000);
    p.child.kill(sig);
    const d = await p.done;
    assert.is(d.code, code, p.err());
    assert.match(p.err(), new RegExp(`${sig}: stopping training after the current step`));
    assert.not.match(p.err(), /\n\s+at |TypeError/);
    const report = JSON.parse(readFileSync(rep, 'utf8'));
    assert.is(report.status, `interrupted (${sig})`);
    assert.is(report.training.at(-1).stoppedBy, 'stopped');
    noTemp();
    if (model === 'utpm') {
      // The cvr model was never trained: saving it would publish random weights.
      assert.match(p.err(), /no checkpoint written \(utpm cvr had no validated epoch yet\)/);
      assert.not.ok(existsSync(out));
      return;
    }
    assert.match(p.err(), /checkpoint of the best epoch \(\d+\) written to .*mvke\.safetensors/);
    const ck = decodeTagCheckpoint(new Uint8Array(readFileSync(out)), out);
    assert.is(ck.extra.interrupted, sig);
    assert.ok((ck.extra.bestEpoch as number[])[0] >= 1, JSON.stringify(ck.extra.bestEpoch));
    const user = mirec(['profile', '--checkpoint', out, '--user', '1', '--top-k', '3']);
    assert.is(user.code, 0, user.err);
    assert.is(JSON.parse(user.out).tags.length, 3);
  });
}

test('train-tags: a signal before the first validated epoch writes no checkpoint', async () => {
  const out = join(dir, 'early.safetensors'), rep = join(dir, 'early.json');
  // The small preset's first epoch takes seconds; the model line comes just before it starts.
  const p = start(['train-tags', '--model', 'mvke', ...LONG, '--data', 'small', '--out', out, '--report', rep]);
  await p.waitFor(/mirec: MVKE/, 90_000);
  p.child.kill('SIGINT');
  const d = await p.done;
  assert.is(d.code, 130, p.err());
  assert.not.match(p.err(), /epoch 1: loss/, 'the first epoch finished before the signal: the test did not test the early case');
  assert.match(p.err(), /no checkpoint written \(mvke ctr\+cvr had no validated epoch yet\)/);
  assert.not.ok(existsSync(out));
  assert.is(JSON.parse(readFileSync(rep, 'utf8')).status, 'interrupted (SIGINT)');
  noTemp();
});

test.run();
