// examples/worker-shards in workerd: a router Worker fans out over service bindings to three
// shard Workers, each holding an item-range slice of one index (shared centroids), and its merged
// answer equals the whole index's answer in Node, ids and scores, with and without exclusions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, IvfIndex, encodeIvf, poolTensor, clusterCentres, clusteredRows, clusteredQueries } from '../../dist/node.js';
import { startWorkerdConfig } from './ivf-workers.js';

const dir = mkdtempSync(join(tmpdir(), 'mirec-worker-shards-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('router + 3 shard Workers = one index over the whole catalogue', async () => {
  await init();
  const o = { rows: 9_001, dim: 16, clusters: 30 };
  const cen = clusterCentres(o);
  const E = poolTensor([o.rows, o.dim], clusteredRows(o, cen, 0, o.rows));
  const whole = IvfIndex.build(E, { lists: 40, storage: 'f32', nprobe: 3 });
  const cuts = [1, 3000, 6500, o.rows];
  const files = cuts.slice(0, -1).map((lo, s) => {
    const f = join(dir, `s${s}.ivf`);
    writeFileSync(f, encodeIvf(whole.slice(lo, cuts[s + 1])));
    return f;
  });
  const cfgModule: string = '../../examples/worker-shards/workerd-config.mjs';
  const { shardsConfig } = (await import(cfgModule)) as { shardsConfig: (files: string[], port: number, dir: string) => string };
  const w = await startWorkerdConfig(dir, 'shards', (port) => shardsConfig(files, port, dir));
  try {
    const stats = (await (await fetch(`${w.url}/stats`)).json()) as { shards: { items: number }[] };
    assert.equal(stats.shards.map((s) => s.items), [2999, 3500, 2501]);
    const q = clusteredQueries(o, cen, 5 * 4);
    for (let u = 0; u < 5; u++) {
      const rows = Array.from({ length: 4 }, (_, k) => Array.from(q.subarray((u * 4 + k) * o.dim, (u * 4 + k + 1) * o.dim)));
      const exclude = u % 2 ? [1, 2999, 3000, 8000] : undefined;
      const res = await fetch(`${w.url}/search`, { method: 'POST', body: JSON.stringify({ vectors: rows, topN: 25, nprobe: 2 + u, exclude }) });
      assert.is(res.status, 200, await res.clone().text());
      const got = (await res.json()) as { items: number[]; scores: number[] };
      const want = whole.search({ vectors: Float32Array.from(rows.flat()), interests: 4 }, { topN: 25, nprobe: 2 + u, exclude: exclude ? [exclude] : undefined })[0];
      assert.equal(got.items, Array.from(want.ids), `user ${u}: ids`);
      assert.equal(got.scores, Array.from(want.scores), `user ${u}: scores`);
    }
  } finally {
    await w.stop();
  }
});

test.run();
