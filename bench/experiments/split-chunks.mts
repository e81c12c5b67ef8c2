// One large GEMM (the sampled logits, 128 x 1280 x 64) split between the caller and one worker,
// back to back, against the same call on one thread, alternating in 0.2 s blocks (9 rounds per
// setting) for 1, 2, 4, 8 and 16 chunks per thread; with the share of chunks the caller ran.
// Run (quiet machine): node --import tsx bench/experiments/split-chunks.mts
import { performance } from 'node:perf_hooks';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { threadedEngine, SPLIT, type ThreadPool } from '../../src/engine/threads/index.js';
import { installNodeHost } from '../../src/io/node-host.js';
import { Rng } from '../../src/engine/random.js';
installNodeHost();
const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (ch) => ch.charCodeAt(0)));
const e1 = await threadedEngine(module, 1), e2 = await threadedEngine(module, 2);
const setup = (e: typeof e1) => {
  const r = new Rng(1);
  const p = (n: number) => { const q = e.heap.scratch(n * 4); const F = e.floats; for (let i = 0; i < n; i++) F[(q >> 2) + i] = r.normal(); return q; };
  const a = [128, 1280, 64, 1, p(128 * 64), 64, p(1280 * 64), 64, 0, p(128 * 1280), 1280];
  return () => e.call('gemm_f32_nt', ...a);
};
const c1 = setup(e1), c2 = setup(e2);
const pool = (e2 as unknown as { pool: ThreadPool }).pool;
const block = (fn: () => void) => { const t0 = performance.now(); let n = 0; do { fn(); n++; } while (performance.now() - t0 < 200); return (performance.now() - t0) * 1000 / n; };
for (let i = 0; i < 200; i++) { c1(); c2(); }
for (const chunks of [1, 2, 4, 8, 16]) {
  SPLIT.chunksPerThread = chunks;
  const rs: number[] = [], share: number[] = [];
  for (let r = 0; r < 9; r++) {
    const s0 = { ...pool.stats };
    const t2 = block(c2);
    share.push((pool.stats.callerChunks - s0.callerChunks) / (pool.stats.chunks - s0.chunks));
    const t1 = block(c1);
    rs.push(t1 / t2);
  }
  const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
  console.log(`chunks/thread ${chunks}: 1 thread / 2 threads median ${med(rs).toFixed(2)}x [${Math.min(...rs).toFixed(2)}-${Math.max(...rs).toFixed(2)}], caller ran ${(100 * med(share)).toFixed(0)} % of chunks`);
}
e1.close(); e2.close();
