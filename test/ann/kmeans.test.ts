// k-means: deterministic for a seed, recovers well-separated clusters, assignment agrees with a
// float64 brute-force argmin on every backend, and empty clusters are re-seeded by splitting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/engine/random.js';
import type { Engine } from '../../src/engine/engine.js';
import { kmeans } from '../../src/ann/kmeans.js';
import { assignNearest, centroidBias, type HeapRows } from '../../src/ann/assign.js';
import { f32Backends } from '../helpers/engines.js';

const D = 8;

/** Rows around `C` centres far apart (centre spacing 10, noise 0.1). */
function blobs(e: Engine, n: number, C: number, seed: number): { x: HeapRows; centres: Float64Array; label: Int32Array } {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: C * D }, () => rng.int(21) * 10 - 100);
  const label = Int32Array.from({ length: n }, () => rng.int(C));
  const ptr = e.heap.alloc(n * D * 4);
  const F = e.floats;
  for (let i = 0; i < n; i++) for (let t = 0; t < D; t++) F[(ptr >> 2) + i * D + t] = centres[label[i] * D + t] + rng.normal(0, 0.1);
  return { x: { engine: e, ptr, rows: n, dim: D }, centres, label };
}

test('same seed, same centroids; another seed, another sample', async () => {
  const [, , e] = await f32Backends();
  const { x } = blobs(e, 2000, 12, 3);
  const a = kmeans(x, { k: 12, seed: 5, samplePerCentroid: 40 });
  const b = kmeans(x, { k: 12, seed: 5, samplePerCentroid: 40 });
  assert.equal(Array.from(a.centroids), Array.from(b.centroids));
  const c = kmeans(x, { k: 12, seed: 6, samplePerCentroid: 40 });
  assert.not.equal(Array.from(a.centroids), Array.from(c.centroids));
  assert.is(a.sampleRows, 480);
  e.heap.free(x.ptr);
});

test('k-means++ recovers separated clusters on every backend (one centroid per blob)', async () => {
  for (const e of await f32Backends()) {
    const { x, centres } = blobs(e, 1500, 10, 11);
    const r = kmeans(x, { k: 10, seed: 2 });
    const hit = new Set<number>();
    for (let j = 0; j < 10; j++) {
      let best = -1, bd = Infinity;
      for (let c = 0; c < 10; c++) {
        let d = 0;
        for (let t = 0; t < D; t++) d += (r.centroids[j * D + t] - centres[c * D + t]) ** 2;
        if (d < bd) { bd = d; best = c; }
      }
      assert.ok(bd < 0.05, `${e.backend}: centroid ${j} is ${Math.sqrt(bd).toFixed(3)} from the nearest centre`);
      hit.add(best);
    }
    // Distinct centres may coincide when the generator drew the same one twice.
    const distinct = new Set(Array.from({ length: 10 }, (_, c) => Array.from(centres.subarray(c * D, c * D + D)).join())).size;
    assert.is(hit.size, distinct, e.backend);
    assert.ok(r.meanSquaredError < D * 0.02, `${e.backend}: mse ${r.meanSquaredError}`);
    e.heap.free(x.ptr);
  }
});

test('assignment (GEMM + argmax) equals a float64 brute-force argmin', async () => {
  for (const e of await f32Backends()) {
    const rng = new Rng(9);
    const n = 333, k = 17;
    // Quarter-integer values: every distance is exact in float32, so the argmin is unambiguous up to ties.
    const xs = Float32Array.from({ length: n * D }, () => (rng.int(17) - 8) / 4);
    const cs = Float32Array.from({ length: k * D }, () => (rng.int(17) - 8) / 4);
    const h = e.heap;
    const x = h.alloc(n * D * 4), c = h.alloc(k * D * 4), bias = h.alloc(k * 4);
    h.floats.set(xs, x >> 2);
    h.floats.set(cs, c >> 2);
    centroidBias(e, c, k, D, bias);
    const out = new Int32Array(n);
    assignNearest(e, x, n, D, c, k, bias, out);
    for (let i = 0; i < n; i++) {
      let best = -1, bd = Infinity;
      for (let j = 0; j < k; j++) {
        let d = 0;
        for (let t = 0; t < D; t++) d += (xs[i * D + t] - cs[j * D + t]) ** 2;
        if (d < bd) { bd = d; best = j; }
      }
      assert.is(out[i], best, `${e.backend} row ${i}`);
    }
    h.free(x); h.free(c); h.free(bias);
  }
});

test('empty clusters are split, never left NaN; random init works', async () => {
  const [, , e] = await f32Backends();
  // 400 rows on only 5 distinct points, 8 centroids with random init: duplicates start empty.
  const rng = new Rng(4);
  const pts = Float64Array.from({ length: 5 * D }, () => rng.normal(0, 3));
  const ptr = e.heap.alloc(400 * D * 4);
  for (let i = 0; i < 400; i++) for (let t = 0; t < D; t++) e.floats[(ptr >> 2) + i * D + t] = pts[(i % 5) * D + t];
  const r = kmeans({ engine: e, ptr, rows: 400, dim: D }, { k: 8, seed: 1, init: 'random', iterations: 5 });
  assert.ok(r.splits > 0, 'some cluster was re-seeded');
  assert.ok(r.centroids.every(Number.isFinite));
  assert.ok(r.meanSquaredError < 1e-3, `mse ${r.meanSquaredError}`);
  e.heap.free(ptr);
});

test('bad arguments name the field', async () => {
  const [, , e] = await f32Backends();
  const x = { engine: e, ptr: e.heap.alloc(10 * D * 4), rows: 10, dim: D };
  assert.throws(() => kmeans(x, { k: 11 }), /10 rows for k = 11/);
  assert.throws(() => kmeans(x, { k: 0 }), /k = 0/);
  assert.throws(() => kmeans(x, { k: 2, init: 'nope' as 'random' }), /init "nope"/);
  e.heap.free(x.ptr);
});

test.run();
