// The split-call protocol under contention: back-to-back calls of different chunk counts beside
// busy threads, so workers get descheduled between reading the chunk counter and claiming. Every
// chunk must run exactly once, and a done count past what the workers claimed must fail loudly.
import '../helpers/node-host.js'; // Node's worker_threads for the threaded engine
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { MIN_WORK, SPLIT, threadedEngine, type ThreadPool } from '../../src/engine/threads/index.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';

const FORCE = { gemm: 1, other: 1 };

test('back-to-back calls of different chunk counts on a contended machine: no chunk runs twice, no hang', async () => {
  // The race CI hit: a worker that read the previous call's exhausted counter, then the next
  // call's larger chunk count, won a chunk past the old call's end, so a chunk of the next call
  // ran twice and the caller waited forever for a done count it had passed. A busy thread on the
  // side gets the worker descheduled at such points; 2- and 8-chunk calls alternate for 4 s
  // (the old order failed once in 10^5-10^6 calls: a regression shows often, not always).
  const bytes = Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0));
  const e = await threadedEngine(await WebAssembly.compile(bytes), 2);
  const hogs = [0, 1].map(() => new Worker('const end = Date.now() + 60000; while (Date.now() < end) {}', { eval: true }));
  const saved = { ...MIN_WORK }, savedChunks = SPLIT.chunksPerThread;
  Object.assign(MIN_WORK, FORCE);
  SPLIT.chunksPerThread = 4;
  try {
    const big = 64 * 8, small = 64 * 2;
    const x = e.heap.alloc(big * 4), y = e.heap.alloc(big * 4);
    e.floats.fill(1, x >> 2, (x >> 2) + big);
    e.floats.fill(0, y >> 2, (y >> 2) + big);
    let rounds = 0;
    for (const end = performance.now() + 4000; performance.now() < end; rounds += 1000) {
      for (let r = 0; r < 1000; r++) {
        e.k.axpy_f32(small, 1, x, y); // 2 chunks
        e.k.axpy_f32(big, 1, x, y); // 8 chunks
      }
    }
    const y1 = e.floats.subarray(y >> 2, (y >> 2) + big);
    const wrong = y1.findIndex((v, i) => v !== (i < small ? 2 : 1) * rounds);
    assert.is(wrong, -1, `y[${wrong}] = ${y1[wrong]}`);
    const st = (e as unknown as { pool: ThreadPool }).pool.stats;
    assert.is(st.chunks, rounds * 10);
    assert.ok(st.callerChunks < st.chunks, 'the worker ran some chunks');
  } finally {
    Object.assign(MIN_WORK, saved);
    SPLIT.chunksPerThread = savedChunks;
    await Promise.all(hogs.map((h) => h.terminate()));
    e.close();
  }
});

test.run();
