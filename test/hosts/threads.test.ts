// Threads in every runtime: the threaded probe gives one checksum for 1, 2 and 3 threads in
// Node, for 2 threads in Deno, Bun and cross-origin-isolated Chromium (Web Workers), and for
// workerd, which runs one thread. Needs the compiled dist/ (npm test builds it first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { CHROMIUM, probeChromium, probeThreads, probeWorkerd, type ThreadProbe } from './hosts.js';

let one: ThreadProbe;

test('node: 1, 2 and 3 threads give the same bits', async () => {
  one = await probeThreads('node', 1);
  assert.is(one.threads, 1);
  assert.ok(Number.isFinite(one.loss));
  for (const n of [2, 3]) {
    const r = await probeThreads('node', n);
    assert.is(r.threads, n);
    assert.is(r.checksum, one.checksum, `${n} threads`);
    assert.is(r.loss, one.loss);
  }
});

test('deno: 2 threads on Web Workers, same bits', async () => {
  assert.equal(await probeThreads('deno', 2), { ...one, threads: 2 });
});

test('bun: 2 threads on Web Workers, same bits', async () => {
  assert.equal(await probeThreads('bun', 2), { ...one, threads: 2 });
});

test('workerd: one thread (no Worker there), same bits', async () => {
  assert.equal(await probeWorkerd<ThreadProbe>('thread-worker.mjs', 'thread-checksum.mjs'), one);
});

test('chromium: 2 threads in a cross-origin-isolated page, same bits', async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.unreachable(`chromium not found at ${CHROMIUM}; .ci/run installs it`);
    console.warn(`  (chromium not installed at ${CHROMIUM}: run apt-get install chromium; CI installs it)`);
    return;
  }
  const r = await probeChromium<ThreadProbe & { isolated: boolean }>('/test/hosts/browser/threads.html?threads=2');
  assert.equal(r, { ...one, threads: 2, isolated: true });
});

test.run();
