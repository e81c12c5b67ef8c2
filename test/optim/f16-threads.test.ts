// The f16-state optimizer kernels split between threads by rows of the update (every row is
// stepped by one thread, whole): 1 and 3 threads give the same params, halves and row scales.
import '../helpers/node-host.js'; // Node's worker_threads for the threaded engine
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/engine.js';
import { MIN_WORK, threadedEngine } from '../../src/engine/threads/index.js';
import { Rng } from '../../src/engine/random.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';

test('adam_rows_f16 and adagrad_rows_f16: 3 threads give the bits of one', async () => {
  const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0)));
  const engines: Engine[] = [await threadedEngine(module, 1), await threadedEngine(module, 3)];
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, { gemm: 1, other: 1 });
  try {
    const N = 300, D = 24, U = 97;
    const out = engines.map((e) => {
      const r = new Rng(8);
      const F = () => e.floats;
      const p = e.heap.alloc(N * D * 4), g = e.heap.alloc(U * D * 4), ids = e.heap.alloc(U * 4);
      const m = e.heap.alloc(N * D * 2), v = e.heap.alloc(N * D * 2), acc = e.heap.alloc(N * D * 2);
      const s2 = e.heap.alloc(N * 8), s1 = e.heap.alloc(N * 4);
      for (let i = 0; i < N * D; i++) F()[(p >> 2) + i] = r.normal();
      e.i32.fill(0, m >> 2, (m >> 2) + (N * D) / 2);
      e.i32.fill(0, v >> 2, (v >> 2) + (N * D) / 2);
      e.i32.fill(0x2e662e66, acc >> 2, (acc >> 2) + (N * D) / 2); // 0.1 in f16 per half
      F().fill(1, s2 >> 2, (s2 >> 2) + 2 * N);
      F().fill(1, s1 >> 2, (s1 >> 2) + N);
      const order = Array.from({ length: N }, (_, i) => i).sort(() => r.uniform() - 0.5);
      e.i32.set(order.slice(0, U), ids >> 2);
      for (let t = 1; t <= 4; t++) {
        for (let i = 0; i < U * D; i++) F()[(g >> 2) + i] = r.normal() * 10 ** -(i % 7);
        e.k.adam_rows_f16(p, g, m, v, s2, ids, U, D, 1e-2, 0.9, 0.999, 1e-8, 1 - 0.9 ** t, 1 - 0.999 ** t);
        e.k.adagrad_rows_f16(p, g, acc, s1, ids, U, D, 1e-2, 1e-10);
      }
      const words = (ptr: number, n: number) => Array.from(e.i32.subarray(ptr >> 2, (ptr >> 2) + n));
      return [words(p, N * D), words(m, (N * D) / 2), words(v, (N * D) / 2), words(acc, (N * D) / 2), words(s2, 2 * N), words(s1, N)];
    });
    out[0].forEach((w, i) => assert.equal(out[1][i], w, `buffer ${i}`));
    assert.ok(engines[1].threadSplits >= 8, `${engines[1].threadSplits} split calls`);
  } finally {
    Object.assign(MIN_WORK, saved);
    for (const e of engines) e.close();
  }
});

test.run();
