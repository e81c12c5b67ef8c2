// examples/worker-ivf in workerd: the Worker loads only the head of an index file served from
// 127.0.0.1 and fetches probed lists by Range; its answers equal the in-memory index decoded in
// Node from the same file (ids and scores), it never downloads the whole file, its list cache
// stays under CACHE_MB, and bad requests get 400s. The 10M-item run is a documented script.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, IvfIndex, encodeIvf, decodeIvf, poolTensor, clusterCentres, clusteredRows, clusteredQueries } from '../../dist/node.js';
import { rangeServer, startWorkerdConfig } from './ivf-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'mirec-worker-ivf-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('partitioned index in workerd answers like the whole index, fetching only probed lists', async () => {
  const e = await init();
  const o = { rows: 40_001, dim: 32, clusters: 60 };
  const cen = clusterCentres(o);
  const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows));
  const bytes = encodeIvf(IvfIndex.build(E, { lists: 128, storage: 'int8', nprobe: 4 }));
  const whole = decodeIvf(bytes, e);
  const files = await rangeServer(new Map([['catalogue.ivf', bytes]]));
  const cfgModule: string = '../../examples/worker-ivf/workerd-config.mjs';
  const { workerdConfig } = (await import(cfgModule)) as { workerdConfig: (url: string, port: number, dir: string, mb: number) => string };
  const w = await startWorkerdConfig(dir, 'ivf', (port) => workerdConfig(files.url('catalogue.ivf'), port, dir, 1));
  try {
    const q = clusteredQueries(o, cen, 6 * 4);
    for (let u = 0; u < 6; u++) {
      const rows = Array.from({ length: 4 }, (_, k) => Array.from(q.subarray((u * 4 + k) * o.dim, (u * 4 + k + 1) * o.dim)));
      const res = await fetch(`${w.url}/search`, { method: 'POST', body: JSON.stringify({ vectors: rows, topN: 30, nprobe: u % 2 ? 4 : 8, exclude: [5, 6] }) });
      assert.is(res.status, 200, await res.clone().text());
      const got = (await res.json()) as { items: number[]; scores: number[]; stats: { cachedBytes: number; wasmMemory: number; fetches: number } };
      const want = whole.search({ vectors: Float32Array.from(rows.flat()), interests: 4 }, { topN: 30, nprobe: u % 2 ? 4 : 8, exclude: [[5, 6]] })[0];
      assert.equal(got.items, Array.from(want.ids), `user ${u}: ids`);
      assert.equal(got.scores, Array.from(want.scores), `user ${u}: scores`);
      assert.ok(got.stats.cachedBytes <= 1048576, `cache ${got.stats.cachedBytes} within CACHE_MB = 1`);
      assert.ok(got.stats.wasmMemory < 64 * 1048576, `wasm memory ${got.stats.wasmMemory}`);
    }
    assert.is(files.requests.full, 0, 'never a whole-file GET');
    assert.ok(files.requests.bytes < bytes.length, `fetched ${files.requests.bytes} of ${bytes.length} bytes`);
    const bad = await fetch(`${w.url}/search`, { method: 'POST', body: JSON.stringify({ vectors: [[1, 2]] }) });
    assert.is(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /arrays of 32 finite numbers/);
    const rss = w.rss();
    if (rss) assert.ok(rss < 128 * 1048576, `workerd RSS ${rss}`);
  } finally {
    await w.stop();
    await files.close();
  }
});

test.run();
