// `mirec train` interrupted during its test pass (minutes at a million items): the pass yields
// between batches of users, so SIGTERM stops it after the current batch with exit 143, a report
// marked interrupted without test metrics, the best checkpoint kept and no temp file left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { decodeCheckpoint } from '../../src/io/checkpoint.js';
import { main } from '../../src/cli/main.js';

test('SIGTERM during the test pass stops it after the batch: 143, report interrupted, checkpoint kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-test-pass-'));
  const ev = generateSynthetic('tiny', { users: 3000 }).events; // 300 test users: two batches of the test pass
  const lines: string[] = [];
  for (let i = 0; i < ev.length; i++) lines.push(`${ev.userIds[ev.user[i]]}\t${ev.itemIds[ev.item[i]]}\t4\t${1e9 + ev.time[i]}`);
  const data = join(dir, 'events.tsv'), out = join(dir, 'm.safetensors'), rep = join(dir, 'r.json');
  writeFileSync(data, lines.join('\n') + '\n');
  const err: string[] = [];
  let sent = 0;
  const [o, e] = [process.stdout.write, process.stderr.write];
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    err.push(String(s));
    // The first progress line of the test pass: the signal arrives while users remain to score.
    if (!sent && /^mirec: test pass /.test(String(s))) { sent++; process.emit('SIGTERM', 'SIGTERM'); }
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(['train', '--data', data, '--dim', '8', '--batch', '32', '--no-filter', '--max-steps', '20', '--eval-every', '10', '--out', out, '--report', rep, '--threads', '1']);
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
  const text = err.join('');
  assert.is(sent, 1, text);
  assert.is(code, 143, text);
  assert.match(text, /mirec: test pass 256\/300 users \(85 %\)/);
  assert.match(text, /SIGTERM: stopping the test pass after the current batch of users/);
  assert.not.match(text, /test pass 300\/300/, 'the second batch was not scored');
  const report = JSON.parse(readFileSync(rep, 'utf8'));
  assert.is(report.status, 'interrupted (SIGTERM)');
  assert.is(report.test, null);
  assert.is(report.training.stoppedBy, 'maxSteps');
  assert.is(decodeCheckpoint(new Uint8Array(readFileSync(out)), out).kind, 'ComiRec-SA');
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
});

test.run();
