// The real `mirec` bin against bad flags and faults: outputs that name inputs (same path, symlink,
// hard link), unwritable folders and read-only files (refused before any work, files unchanged),
// a better existing checkpoint kept unless --overwrite, most-popular with --out, a diverged run,
// writes to /dev/full, data on a pipe, per-user MIND through --user, and kill-and-restart
// cycles: SIGINT/SIGTERM stop cleanly (130/143, report marked interrupted, no temp files, a
// loadable checkpoint), SIGKILL leaves the last checkpoint intact and a later run removes the
// dead process's temp files and resumes. Needs dist/ (npm test builds it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, linkSync, openSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Recommender } from '../../src/serve/recommender.js';
import { init } from '../../src/engine/load.js';
import { BIN, ls, mirec, start, workspace } from './cli-helpers.js';
import { FULL } from './cases.js';

const { dir, data } = workspace('mirec-bad-cli-');
const SMALL = ['--dim', '8', '--batch', '32', '--no-filter'];
let tried = 0, clean = 0;

/** A refusal: exit code `code`, stderr naming `says`, no stack trace. */
function refused(args: string[], code: number, says: RegExp, input?: string) {
  tried++;
  const r = mirec(args, { input });
  assert.is(r.code, code, `mirec ${args.join(' ')}: exit ${r.code}\n${r.err}`);
  assert.match(r.err, says, `mirec ${args.join(' ')}`);
  assert.not.match(r.err, /\n\s+at |TypeError|Cannot read propert/, `stack trace or raw error: ${r.err}`);
  clean++;
  return r;
}

const noTemp = () => assert.equal(ls(dir).filter((n) => n.endsWith('.tmp')), [], `temp files left: ${ls(dir)}`);
const sha = (p: string) => readFileSync(p).toString('base64');

test('outputs that are inputs or each other are refused before any work', () => {
  const before = sha(data);
  const out = join(dir, 'm.safetensors');
  refused(['train', '--data', data, '--out', data], 2, /--out .*events\.tsv is the same file as --data .*events\.tsv; refusing to overwrite an input/);
  refused(['train', '--data', data, '--report', data], 2, /--report .*events\.tsv is the same file as --data/);
  refused(['train', '--data', data, '--log', data], 2, /--log .*events\.tsv is the same file as --data/);
  refused(['train', '--data', data, '--out', out, '--report', out], 2, /--report .*m\.safetensors and --out .*m\.safetensors are the same file/);
  symlinkSync(data, join(dir, 'link.tsv'));
  linkSync(data, join(dir, 'hard.tsv'));
  refused(['train', '--data', data, '--out', join(dir, 'link.tsv')], 2, /--out .*link\.tsv is the same file as --data .*\(a hard link or symlink to it\)/);
  refused(['train', '--data', data, '--out', join(dir, 'hard.tsv')], 2, /--out .*hard\.tsv is the same file as --data .*\(a hard link or symlink to it\)/);
  refused(['train', '--data', join(dir, 'hard.tsv'), '--out', `${dir}/./sub/../events.tsv`], 2, /--out .*the folder .*sub.* does not exist|same file/);
  refused(['train', '--data', data, '--out', join(dir, 'no-such-dir', 'm.safetensors')], 2, /--out .*m\.safetensors: the folder .*no-such-dir does not exist/);
  refused(['train', '--data', data, '--out', '/proc/mirec-test.safetensors'], 2, /--out \/proc\/mirec-test\.safetensors: cannot write in the folder \/proc/);
  refused(['train', '--data', data, '--out', dir], 2, /--out .* is a folder; give a file path/);
  refused(['eval', '--checkpoint', data, '--data', data, '--report', data], 2, /--report .*events\.tsv is the same file as --checkpoint/);
  assert.is(sha(data), before, 'the data file is unchanged');
});

test('read-only outputs are never replaced; most-popular refuses --out and --resume', () => {
  const ro = join(dir, 'ro.safetensors');
  writeFileSync(ro, 'precious');
  chmodSync(ro, 0o444);
  refused(['train', '--data', data, '--out', ro, ...SMALL], 2, /--out .*ro\.safetensors is read-only \(mode 444\); not replacing it/);
  refused(['train', '--data', data, '--report', ro, ...SMALL], 2, /--report .*ro\.safetensors is read-only/);
  assert.is(readFileSync(ro, 'utf8'), 'precious');
  assert.is(statSync(ro).mode & 0o777, 0o444);
  refused(['train', '--data', data, '--model', 'most-popular', '--out', join(dir, 'p.safetensors')], 2, /--out: most-popular has no weights to save or resume/);
  refused(['train', '--data', data, '--model', 'most-popular', '--resume', join(dir, 'p.safetensors')], 2, /--resume: most-popular has no weights/);
  const junk = join(dir, 'junk.safetensors');
  writeFileSync(junk, 'not a checkpoint');
  refused(['train', '--data', data, '--out', junk, ...SMALL], 2, /--out .*junk\.safetensors exists and is not a readable mirec checkpoint.*pass --overwrite/);
});

test('flag matrix: wrong values are usage errors naming the flag', () => {
  const matrix: [string[], RegExp][] = [
    [['--dim', 'abc'], /--dim/], [['--dim', '-1'], /--dim/], [['--dim', '1.5'], /--dim/], [['--lr', '0'], /--lr/], [['--lr', 'x'], /--lr/],
    [['--format', 'parquet'], /--format/], [['--columns', 'user'], /--columns/], [['--columns', 'user=0,foo=1'], /--columns/],
    [['--max-line-bytes', '0'], /--max-line-bytes/], [['--model', 'nope'], /--model/], [['--protocol', 'x'], /--protocol/],
    [['--batch', '0'], /--batch/], [['--seq-len', '1e9x'], /--seq-len/], [['--model-config', '{bad'], /--model-config/],
    [['--model-config', '{"__proto__":{"dim":1}}'], /--model-config/], [['--model-config', '[1]'], /--model-config/],
    [['--resume', join(dir, 'none.safetensors')], /--resume/],
  ];
  for (const [flags, says] of FULL ? matrix : matrix.slice(0, 12)) refused(['train', '--data', data, ...SMALL, ...flags], 2, says);
  refused(['recommend', '--checkpoint', join(dir, 'none.safetensors'), '--history', '1'], 2, /--checkpoint .*none\.safetensors/);
  refused(['recommend', '--checkpoint', data, '--history', '1'], 2, /--checkpoint .*events\.tsv/);
  refused(['train', '--data', join(dir, 'missing.tsv')], 2, /--data .*missing\.tsv: .*ENOENT/);
});

test('writes to /dev/full and a diverged run exit non-zero; data on a pipe is read once', () => {
  tried++;
  const full = spawnSync(process.execPath, [BIN, '--help'], { stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
  assert.is(full.status, 1, `--help > /dev/full exited ${full.status}`);
  assert.match(full.stderr, /cannot write to stdout \(ENOSPC\)/);
  clean++;
  const out = join(dir, 'diverged.safetensors'), rep = join(dir, 'diverged.json');
  refused(['train', '--data', data, ...SMALL, '--lr', '1e30', '--max-steps', '30', '--eval-every', '10', '--out', out, '--report', rep], 1, /training diverged: loss became (NaN|Infinity|-Infinity) at step \d+.*No checkpoint was written/);
  assert.not.ok(existsSync(out), 'no checkpoint of non-finite weights');
  assert.is(JSON.parse(readFileSync(rep, 'utf8')).status, 'diverged');
  const piped = mirec(['train', '--data', '/dev/stdin', ...SMALL, '--max-steps', '2', '--eval-every', '1000'], { input: readFileSync(data, 'utf8') });
  assert.is(piped.code, 0, piped.err);
});

test('kill and restart: SIGINT/SIGTERM stop cleanly, SIGKILL leaves the checkpoint intact, stale temp files go', async () => {
  await init();
  const out = join(dir, 'run.safetensors'), rep = join(dir, 'run.json');
  const cycles: ('SIGINT' | 'SIGTERM' | 'SIGKILL')[] = FULL ? ['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGINT', 'SIGKILL', 'SIGTERM', 'SIGKILL', 'SIGKILL'] : ['SIGINT', 'SIGTERM', 'SIGKILL'];
  for (const [i, sig] of cycles.entries()) {
    const args = ['train', '--data', data, ...SMALL, '--eval-every', '10', '--patience', '100000', '--max-steps', '100000', '--out', out, '--report', rep];
    if (existsSync(out)) args.push('--resume', out);
    const p = start(args);
    const t0 = Date.now();
    while (!existsSync(out) || statSync(out).mtimeMs < t0) {
      if (Date.now() - t0 > 60_000 || p.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await new Promise((r) => setTimeout(r, 100 + 97 * i));
    tried++;
    p.child.kill(sig);
    const d = await p.done;
    if (sig === 'SIGKILL') assert.is(d.signal, 'SIGKILL');
    else {
      assert.is(d.code, sig === 'SIGINT' ? 130 : 143, p.err());
      assert.match(p.err(), new RegExp(`${sig}: stopping training after the current step`));
      assert.is(JSON.parse(readFileSync(rep, 'utf8')).status, `interrupted (${sig})`);
      noTemp();
    }
    // Whatever the signal, the checkpoint at --out is a whole, loadable file.
    const rec = Recommender.fromBytes(new Uint8Array(readFileSync(out)), out);
    assert.ok(rec.vocab.size > 1);
    clean++;
    // A killed writer's temp file (dead pid) is removed by the next write.
    writeFileSync(join(dir, `.run.safetensors.999999.${Date.now()}.tmp`), 'torn');
  }
  const last = mirec(['train', '--data', data, ...SMALL, '--eval-every', '5', '--max-steps', '10', '--out', out, '--resume', out]);
  assert.is(last.code, 0, last.err);
  noTemp();
});

test('an existing better checkpoint is kept unless --overwrite; per-user MIND needs --user', () => {
  const out = join(dir, 'run.safetensors');
  const before = sha(out);
  const weak = mirec(['train', '--data', data, ...SMALL, '--max-steps', '2', '--eval-every', '1', '--lr', '1e-9', '--seed', '5', '--out', out]);
  assert.is(weak.code, 0, weak.err);
  assert.match(weak.err, /kept the existing .*run\.safetensors \(validation Recall@50 [\d.]+; this run did not beat it\); pass --overwrite/);
  assert.is(sha(out), before, 'the better checkpoint is untouched');
  const forced = mirec(['train', '--data', data, ...SMALL, '--max-steps', '2', '--eval-every', '1', '--lr', '1e-9', '--seed', '5', '--out', out, '--overwrite']);
  assert.is(forced.code, 0, forced.err);
  assert.not.equal(sha(out), before);
  const m = join(dir, 'mind.safetensors');
  const trained = mirec(['train', '--data', data, ...SMALL, '--model', 'mind', '--serving-routing', 'perUser', '--max-steps', '4', '--eval-every', '1000', '--out', m]);
  assert.is(trained.code, 0, trained.err);
  const item = readFileSync(data, 'utf8').split('\n')[0].split('\t')[1];
  refused(['recommend', '--checkpoint', m, '--history', item], 2, /--user ID is required: .*mind\.safetensors holds a MIND model that routes per user/);
  const served = mirec(['recommend', '--checkpoint', m, '--history', item, '--user', '5', '--top-n', '3']);
  assert.is(served.code, 0, served.err);
  assert.is(JSON.parse(served.out).recommendations.length, 3);
  console.log(`bad-input cli: ${tried} cases, ${clean} clean`);
});

test.run();
