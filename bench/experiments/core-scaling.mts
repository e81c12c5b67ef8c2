// What two threads can give on this machine, in wall-clock time (run it on a QUIET machine):
// (B) each large kernel call of the ComiRec-SA step on a threaded engine at 1 and 2 threads, back
// to back and after 400 µs of caller work (a worker that has gone to sleep pays its wake-up). The
// two sides run one after the other, so the machine's drift enters the ratio: the hardware ceiling
// is core-ceiling.mts and one call's split interleaved is split-chunks.mts. (The sequential
// hardware-ceiling case (A) moved to core-ceiling.mts, interleaved.)
// Run: node --import tsx bench/experiments/core-scaling.mts [seconds per case]
import { performance } from 'node:perf_hooks';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { threadedEngine } from '../../src/engine/threads/index.js';
import { installNodeHost } from '../../src/io/node-host.js';
import { Rng } from '../../src/engine/random.js';
import type { KernelName } from '../../src/engine/abi/index.js';

installNodeHost();
const seconds = Number(process.argv[2] ?? 2);

// (B) the step's large calls on a threaded engine, 1 vs 2 threads.
const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (ch) => ch.charCodeAt(0)));
const engines = [await threadedEngine(module, 1), await threadedEngine(module, 2)];
type Case = [string, KernelName, (p: (floats: number) => number) => number[]];
const CASES: Case[] = [
  ['logits 128x1280x64 (nt)', 'gemm_f32_nt', (p) => [128, 1280, 64, 1, p(128 * 64), 64, p(1280 * 64), 64, 0, p(128 * 1280), 1280]],
  ['dW 1280x64x128 (tn)', 'gemm_f32_tn', (p) => [1280, 64, 128, 1, p(128 * 1280), 1280, p(128 * 64), 64, 0, p(1280 * 64), 64]],
  ['dU 128x64x1280 (nn)', 'gemm_f32_nn', (p) => [128, 64, 1280, 1, p(128 * 1280), 1280, p(1280 * 64), 64, 0, p(128 * 64), 64]],
  // (logits, mask, rows, n, loss, dlogits, scale); a random mask is fine for timing
  ['softmax_xent 128x1281', 'softmax_xent_rows_f32', (p) => [p(128 * 1281), p(128 * 1281), 128, 1281, p(128), p(128 * 1281), 1]],
  ['tanh 2560x256', 'tanh_f32', (p) => [p(2560 * 256), p(2560 * 256), 2560 * 256]],
  ['gather 1280x64 of 50k', 'gather_rows_f32', (p) => { const ids = p(1280); return [p(50_000 * 64), 50_000, ids, p(1280 * 64), 1280, 64]; }],
];
const spin = (us: number) => { const t = performance.now() + us / 1000; while (performance.now() < t); };
for (const [label, name, args] of CASES) {
  const res = engines.map((e) => {
    e.heap.resetArena();
    const r = new Rng(1);
    const a = args((n) => { const q = e.heap.scratch(n * 4); const F = e.floats; for (let i = 0; i < n; i++) F[(q >> 2) + i] = r.normal(); return q; });
    if (name === 'gather_rows_f32') for (let i = 0; i < 1280; i++) e.i32[(a[2] >> 2) + i] = r.int(50_000);
    const call = () => e.call(name, ...a);
    const time = (gapUs: number) => {
      for (let i = 0; i < 20; i++) call();
      let t = 0, n = 0;
      const end = performance.now() + (seconds * 1000) / 2;
      while (performance.now() < end) { if (gapUs) spin(gapUs); const t0 = performance.now(); call(); t += performance.now() - t0; n++; }
      return (t / n) * 1000;
    };
    return [time(0), time(400)];
  });
  console.log(`(B) ${label}: 1 thread ${res[0][0].toFixed(1)} µs, 2 threads ${res[1][0].toFixed(1)} µs (${(res[0][0] / res[1][0]).toFixed(2)}x); ` +
    `after 400 µs of caller work: ${res[0][1].toFixed(1)} vs ${res[1][1].toFixed(1)} µs (${(res[0][1] / res[1][1]).toFixed(2)}x)`);
}
for (const e of engines) e.close();
console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
