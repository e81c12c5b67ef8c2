// `mirec train --optimizer adagrad --optimizer-state f16`: a tiny run, a resumed run whose
// progress log matches the uninterrupted one line for line, a resume with another optimizer or
// storage refused with exit 2 naming the flag and the tensor, and a bad --optimizer value (flag
// and --config spelling) refused with exit 2.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { capture } from '../helpers/capture-output.js';

const dir = mkdtempSync(join(tmpdir(), 'mirec-optimizer-'));
const ev = generateSynthetic('tiny').events;
const file = join(dir, 'events.csv');
writeFileSync(file, Array.from({ length: ev.length }, (_, i) => `${ev.userIds[ev.user[i]]},${ev.itemIds[ev.item[i]]},${i}`).join('\n') + '\n');
const data = ['--data', file, '--format', 'comirec', '--no-filter', '--dim', '16', '--batch', '64', '--eval-every', '20', '--threads', '1'];
const ada16 = ['--optimizer', 'adagrad', '--optimizer-state', 'f16', '--lr', '0.05'];
/** Progress log lines without their wall-clock fields. */
const logged = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => {
  const { stepsPerSec, etaSec, time, sinceValidation, ...rest } = JSON.parse(l);
  return JSON.stringify({ ...rest, loss: sinceValidation?.loss ?? rest.loss });
});

test('train --optimizer adagrad --optimizer-state f16: resumed run logs what the uninterrupted one does', async () => {
  const full = await capture(() => main(['train', ...data, ...ada16, '--max-steps', '40', '--log', join(dir, 'full.jsonl')]));
  assert.is(full.code, 0, full.err);
  assert.match(full.out, /\| comirec-sa \| [\d.]+ \|/);
  const half = await capture(() => main(['train', ...data, ...ada16, '--max-steps', '20', '--out', join(dir, 'a.safetensors')]));
  assert.is(half.code, 0, half.err);
  const more = await capture(() => main(['train', ...data, ...ada16, '--max-steps', '40', '--resume', join(dir, 'a.safetensors'), '--log', join(dir, 'more.jsonl')]));
  assert.is(more.code, 0, more.err);
  assert.match(more.err, /resumed .*a\.safetensors at step 20/);
  const [f, m] = [logged(join(dir, 'full.jsonl')), logged(join(dir, 'more.jsonl'))];
  assert.ok(m.length >= 1 && m.every((l) => JSON.parse(l).step > 20), m.join('\n'));
  assert.equal(m, f.filter((l) => JSON.parse(l).step > 20));
  // Test metrics of the restored best weights are the same too.
  const metrics = (out: string) => out.match(/^\| comirec-sa \|.*$/m)![0].split('|').slice(0, -2).join('|'); // without steps/s
  assert.is(metrics(more.out), metrics(full.out));
});

test('--resume with another optimizer or storage is refused naming the flag and the tensor', async () => {
  const ck = join(dir, 'a.safetensors');
  const adam = await capture(() => main(['train', ...data, '--optimizer-state', 'f16', '--max-steps', '30', '--resume', ck]));
  assert.is(adam.code, 2);
  assert.match(adam.err, /--resume: .*a\.safetensors was trained with optimizer 'adagrad' \(it holds optim\.adagrad\.acc\.item_emb\).*\(--optimizer adagrad\)/);
  const f32 = await capture(() => main(['train', ...data, '--optimizer', 'adagrad', '--max-steps', '30', '--resume', ck]));
  assert.is(f32.code, 2);
  assert.match(f32.err, /--resume: .*optim\.adagrad\.acc\.item_emb holds float16 moments .*\(--optimizer-state f16\)/);
});

test('a bad --optimizer is a usage error, as a flag and in --config', async () => {
  const flag = await capture(() => main(['train', ...data, '--optimizer', 'adamw']));
  assert.is(flag.code, 2);
  assert.match(flag.err, /--optimizer expects adam or adagrad, got "adamw" \(did you mean adam\?\)/);
  const config = join(dir, 'c.json');
  writeFileSync(config, JSON.stringify({ optimizer: 'sgd', 'optimizer-state': 'f16' }));
  const conf = await capture(() => main(['train', ...data, '--config', config]));
  assert.is(conf.code, 2);
  assert.match(conf.err, /--optimizer expects adam or adagrad, got "sgd"/);
});

test.run();
