// The exit code of an unusable input, across the commands that read one: missing, unreadable or
// malformed data files and checkpoints are usage errors (2) whose message names the flag and the
// path, as `mirec help` and docs/cli.md say (cli-doc.test.ts compares those two). Needs dist/.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mirec, workspace } from './cli-helpers.js';

const { dir, data } = workspace('mirec-bad-exit-');
const garbage = join(dir, 'garbage.csv');
writeFileSync(garbage, 'garbage\n');
const torn = join(dir, 'torn.tsv');
writeFileSync(torn, '1\t2\t4\t100\n1\t2\n');
const notCkpt = join(dir, 'not-a-checkpoint.safetensors');
writeFileSync(notCkpt, 'not a checkpoint at all');
const emptyFolder = join(dir, 'empty-ml');
mkdirSync(emptyFolder);

const cases: [string, string[], RegExp][] = [
  ['train: undetectable data', ['train', '--data', garbage], /--data .*garbage\.csv: .*cannot detect the format/],
  ['train: missing data', ['train', '--data', join(dir, 'none.csv')], /--data .*none\.csv: .*ENOENT/],
  ['train: malformed line (--strict)', ['train', '--data', torn, '--format', 'movielens-tab', '--strict'], /--data .*torn\.tsv: torn\.tsv line 2: expected 4 fields/],
  ['eval: not a checkpoint', ['eval', '--checkpoint', notCkpt, '--data', data], /--checkpoint .*not-a-checkpoint\.safetensors/],
  ['embed-users: not a checkpoint', ['embed-users', '--checkpoint', notCkpt, '--data', data, '--out', join(dir, 'u.jsonl')], /--checkpoint .*not-a-checkpoint\.safetensors/],
  ['train-tags: undetectable taobao file', ['train-tags', '--model', 'utpm', '--dataset', 'taobao', '--data', garbage], /--data .*garbage\.csv: .*cannot detect the format/],
  ['train-tags: movielens folder without its files', ['train-tags', '--model', 'utpm', '--dataset', 'movielens', '--data', emptyFolder], /--data .*empty-ml.*ratings\.csv\.gz.*ENOENT/],
  ['profile: not a checkpoint', ['profile', '--checkpoint', notCkpt, '--user', '1'], /--checkpoint .*not-a-checkpoint\.safetensors/],
  ['profile: missing checkpoint', ['profile', '--checkpoint', join(dir, 'none.safetensors'), '--user', '1'], /--checkpoint .*none\.safetensors/],
];

test('an unusable input named by a flag exits 2, naming the flag and the path, with no stack trace', () => {
  for (const [what, args, says] of cases) {
    const r = mirec(args);
    assert.is(r.code, 2, `${what}: exit ${r.code}\n${r.err}`);
    assert.match(r.err, says, what);
    assert.not.match(r.err, /\n\s+at |internal error|TypeError/, `${what}: ${r.err}`);
  }
});

test('help states the same rule', () => {
  const h = mirec(['help']);
  assert.is(h.code, 0);
  assert.match(h.out, /^ {2}2 +usage error \(.*an input file that is missing, unreadable or malformed\)$/m);
  assert.match(h.out, /^ {2}1 +runtime failure/m);
});

test.run();
