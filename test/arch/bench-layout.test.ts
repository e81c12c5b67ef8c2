// bench/ holds timing suites only: every script at its top level is the runner, the suite list,
// the harness or a suite module the list imports (research and grid scripts live in
// bench/experiments/), and `npm run bench -- <typo>` is refused with the names it knows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BENCH = join(ROOT, 'bench');

test('every top-level bench script is the runner, the suite list, the harness or a listed suite', () => {
  const suites = readFileSync(join(BENCH, 'suites.ts'), 'utf8');
  const imported = new Set([...suites.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((m) => m[1]));
  // Helpers imported by suites (buffers, tables) count as part of the suites.
  for (const name of [...imported]) {
    const text = readFileSync(join(BENCH, `${name}.ts`), 'utf8');
    for (const m of text.matchAll(/from '\.\/([\w-]+)\.js'/g)) imported.add(m[1]);
  }
  const scripts = readdirSync(BENCH, { withFileTypes: true })
    .filter((d) => d.isFile() && /\.(ts|mts|sh|mjs|js)$/.test(d.name))
    .map((d) => d.name.replace(/\.(ts|mts|sh|mjs|js)$/, ''));
  const stray = scripts.filter((s) => !['run', 'suites', 'harness'].includes(s) && !imported.has(s));
  assert.equal(stray, [], 'scripts in bench/ that no suite uses: move them to bench/experiments/');
});

test('npm run bench refuses an unknown suite name and lists the known ones', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH, 'run.ts'), 'gemm', 'no-such-suite'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /unknown suite "no-such-suite"/);
  assert.match(r.stderr, /known suites: .*gemm.*softmax/);
  assert.not.match(r.stdout, /## gemm/, 'no suite runs when one name is wrong');
});

test.run();
