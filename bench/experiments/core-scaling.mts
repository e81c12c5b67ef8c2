// What two threads can give on this machine, in wall-clock time (run it on a QUIET machine):
// (A) the hardware ceiling: the step's largest GEMM run in 1 worker, then in 2 workers at once on
// separate (unshared) memories: aggregate throughput 2 / 1 (≈ 2.0 on two real cores, ≈ 1.1–1.3 when
// the two vCPUs are SMT siblings of one core, which a KVM guest cannot see); (B) each large kernel
// call of the ComiRec-SA step on a threaded engine at 1 and 2 threads, back to back and after
// 400 µs of caller work (a worker that has gone to sleep pays its wake-up).
// Run: node --import tsx bench/experiments/core-scaling.mts [seconds per case]
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { embeddedBytes } from '../../src/engine/load.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { threadedEngine } from '../../src/engine/threads/index.js';
import { installNodeHost } from '../../src/io/node-host.js';
import { Rng } from '../../src/engine/random.js';
import type { KernelName } from '../../src/engine/abi/index.js';

installNodeHost();
const seconds = Number(process.argv[2] ?? 2);
const simd = await embeddedBytes(true);

// (A) independent GEMMs, C[128, 1280] = A[128, 64] · B[1280, 64]ᵀ (the sampled-logits GEMM).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536 });
const x = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const f = new Float32Array(memory.buffer);
const a = 65536, b = a + 128 * 64 * 4, c = b + 1280 * 64 * 4;
for (let i = 0; i < (c + 128 * 1280 * 4 - a) / 4; i++) f[a / 4 + i] = Math.sin(i);
for (let i = 0; i < 50; i++) x.gemm_f32_nt(128, 1280, 64, 1, a, 64, b, 64, 0, c, 1280);
parentPort.postMessage('ready');
parentPort.once('message', (until) => {
  let n = 0;
  while (Date.now() < until) { x.gemm_f32_nt(128, 1280, 64, 1, a, 64, b, 64, 0, c, 1280); n++; }
  parentPort.postMessage(n);
});`;
async function independent(workers: number): Promise<number> {
  const ws = Array.from({ length: workers }, () => new Worker(WORKER, { eval: true, workerData: { bytes: simd } }));
  await Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
  const until = Date.now() + seconds * 1000;
  const counts = await Promise.all(ws.map((w) => new Promise<number>((r) => { w.once('message', r); w.postMessage(until); })));
  await Promise.all(ws.map((w) => w.terminate()));
  return counts.reduce((s, n) => s + n, 0) / seconds;
}
const one = await independent(1), two = await independent(2);
console.log(`(A) independent 128x1280x64 GEMMs: 1 worker ${one.toFixed(0)} calls/s, 2 workers ${two.toFixed(0)} calls/s together: ${(two / one).toFixed(2)}x`);

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
