// The built `mirec` bin, started the way npm starts it: through a symlink named `mirec` (as in
// node_modules/.bin), so nothing may depend on process.argv[1] naming cli/main.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const link = join(mkdtempSync(join(tmpdir(), 'mirec-bin-')), 'mirec');
symlinkSync(join(ROOT, 'dist', 'cli', 'bin.js'), link);
const run = (...args: string[]) => spawnSync(process.execPath, [link, ...args], { encoding: 'utf8' });

test('bin through a symlink: help prints and exits 0', () => {
  const r = run('help');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /mirec train/);
});

test('bin through a symlink: an unknown command exits 2 with a message', () => {
  const r = run('nonsense');
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown command "nonsense"/);
});

test('bin through a symlink: --version, --help, -h, train --help', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const v = run('--version');
  assert.is(v.status, 0, v.stderr);
  assert.is(v.stdout.trim(), pkg.version);
  for (const args of [['--help'], ['-h'], ['train', '--help'], ['train', '-h']]) {
    const r = run(...args);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, args.length > 1 ? /^mirec train — .*\n[^]*--seq-len T/ : /Commands:\n {2}demo /);
  }
});

test.run();
