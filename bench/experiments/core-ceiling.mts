// The hardware ceiling of two threads on this machine, measured so that drift cannot decide it:
// the sampled-logits GEMM C[128, 1280] = A[128, 64] · B[1280, 64]ᵀ runs in one worker alone, then
// in two workers at once, alternating in blocks of 0.3 s (order rotated every round); the ratio
// (calls of both) / (calls of one alone) is taken per round. Done three times: each worker on its
// own memory; each on its own shared memory (the threads build); both workers on one shared
// WebAssembly.Memory (distinct regions), as the threaded engine does. ≈ 2.0 on two real cores; well below when the two vCPUs share a physical core or
// the memory system is the limit.
// Run (quiet machine): node --import tsx bench/experiments/core-ceiling.mts [rounds]
import { Worker } from 'node:worker_threads';
import { embeddedBytes } from '../../src/engine/load.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';

const rounds = Number(process.argv[2] ?? 15);
const BLOCK_MS = 300;
const simd = await embeddedBytes(true);
const threadsBytes = Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (ch) => ch.charCodeAt(0));

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const memory = workerData.memory ?? new WebAssembly.Memory({ initial: 64, maximum: 65536 });
const x = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { memory, abort() { throw new Error('abort'); } } }).exports;
// On one shared memory each instance needs its own GEMM scratch (the packed panel), as the engine's workers get.
if (workerData.scratch) x.thread_scratch_set(workerData.scratch);
const f = new Float32Array(memory.buffer);
const a = workerData.base, b = a + 128 * 64 * 4, c = b + 1280 * 64 * 4;
for (let i = 0; i < (c + 128 * 1280 * 4 - a) / 4; i++) f[a / 4 + i] = Math.sin(i);
for (let i = 0; i < 200; i++) x.gemm_f32_nt(128, 1280, 64, 1, a, 64, b, 64, 0, c, 1280);
parentPort.postMessage('ready');
parentPort.on('message', (until) => {
  let n = 0;
  while (Date.now() < until) { x.gemm_f32_nt(128, 1280, 64, 1, a, 64, b, 64, 0, c, 1280); n++; }
  parentPort.postMessage(n);
});`;

type Mode = 'separate memories' | 'separate shared memories' | 'one shared memory';
async function measure(mode: Mode): Promise<string> {
  // The threads build imports a shared memory; on one memory each worker gets its own 1 MiB region.
  const sharedMemory = () => new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const one = mode === 'one shared memory' ? sharedMemory() : undefined;
  const ws = [0, 1].map((i) => new Worker(WORKER, {
    eval: true,
    workerData: mode === 'separate memories' ? { bytes: simd, base: 65536 }
      : { bytes: threadsBytes, memory: one ?? sharedMemory(), base: one ? (1 + i) << 20 : 65536, scratch: one ? ((1 + i) << 20) + 1_024_000 : 0 },
  }));
  await Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
  const run = (w: Worker, until: number) => new Promise<number>((r) => { w.once('message', r); w.postMessage(until); });
  const ratios: number[] = [], ones: number[] = [], twos: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const phases = r % 2 ? ['two', 'one'] : ['one', 'two'];
    let alone = 0, both = 0;
    for (const p of phases) {
      const until = Date.now() + BLOCK_MS;
      if (p === 'one') alone = await run(ws[0], until);
      else both = (await Promise.all(ws.map((w) => run(w, until)))).reduce((s, n) => s + n, 0);
    }
    ones.push(alone); twos.push(both); ratios.push(both / alone);
  }
  await Promise.all(ws.map((w) => w.terminate()));
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
  const perSec = (n: number) => ((n * 1000) / BLOCK_MS).toFixed(0);
  return `${mode}: 1 worker ${perSec(median(ones))} calls/s, 2 workers ${perSec(median(twos))} calls/s together; ` +
    `2 / 1 per round: median ${median(ratios).toFixed(2)}x [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}] over ${rounds} rounds`;
}

for (const mode of ['separate memories', 'separate shared memories', 'one shared memory'] as Mode[]) console.log(await measure(mode));
