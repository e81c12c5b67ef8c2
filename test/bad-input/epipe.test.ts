// A reader that goes away early (`mirec recommend … | head -1`): the read end of stdout is closed
// before the command writes, so every write gets EPIPE. The command must end quietly (no stack
// trace, no message), exit 141 as a SIGPIPE death would, and still finish its files. A full disk
// (/dev/full) stays a loud failure (exit 1, tested in cli.test.ts). Needs dist/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ls, mirec, workspace } from './cli-helpers.js';

const { dir, data } = workspace('mirec-bad-epipe-');
const ckpt = join(dir, 'm.safetensors');

/** Run the bin with stdout's read end closed at once (and stderr too when `both`). */
function closedPipe(args: string[], both = false): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.destroy();
    let err = '';
    if (both) child.stderr!.destroy();
    else child.stderr!.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`mirec ${args.join(' ')}: no exit in 120 s`)); }, 120_000);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, err }); });
  });
}

const quiet = (r: { code: number | null; err: string }, what: string) => {
  assert.is(r.code, 141, `${what}: exit ${r.code}\n${r.err}`);
  assert.not.match(r.err, /\n\s+at |Error|EPIPE|output lost/, `${what}: ${r.err}`);
};

test.before(() => {
  const t = mirec(['train', '--data', data, '--dim', '8', '--batch', '32', '--no-filter', '--max-steps', '10', '--eval-every', '5', '--out', ckpt]);
  assert.is(t.code, 0, t.err);
});

test('recommend, embed-users and help into a closed pipe end quietly with 141', async () => {
  const item = readFileSync(data, 'utf8').split('\n')[0].split('\t')[1];
  quiet(await closedPipe(['recommend', '--checkpoint', ckpt, '--history', item, '--top-n', '50']), 'recommend');
  quiet(await closedPipe(['help']), 'help');
  quiet(await closedPipe(['help', 'train'], true), 'help train (stdout and stderr closed)');
  const users = join(dir, 'users.jsonl');
  const e = await closedPipe(['embed-users', '--checkpoint', ckpt, '--data', data, '--no-filter', '--out', users]);
  quiet(e, 'embed-users');
  // The file output is complete whatever happened to stdout.
  assert.ok(existsSync(users));
  const lines = readFileSync(users, 'utf8').trim().split('\n');
  assert.ok(lines.length > 10, `${lines.length} users written`);
  assert.equal(JSON.parse(lines[0]).vectors.length > 0, true);
  assert.equal(ls(dir).filter((n) => n.endsWith('.tmp')), []);
});

test('a usage error into a closed pipe keeps its own code', async () => {
  const r = await closedPipe(['recommend', '--checkpoint', join(dir, 'none.safetensors'), '--history', '1']);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--checkpoint .*none\.safetensors/);
});

test.run();
