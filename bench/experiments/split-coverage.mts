// Split coverage of one training step per retrieval model (the train-step bench's shape: B 128,
// T 20, D 64, K 4, S 1280, 50k items): every kernel call with its shape, whether a 2-thread
// engine would split it (split.ts's SPLITTERS at MIN_WORK), and its one-thread CPU time. Sums
// the step into JavaScript, unsplit kernels and split kernels and prints the Amdahl bound
// total / (JS + unsplit + split / 2). CPU time (process.cpuUsage), so it holds on a busy machine.
// Run: node --import tsx bench/experiments/split-coverage.mts [steps] [top]
import { init, setEngine } from '../../src/engine/load.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { Rng } from '../../src/engine/random.js';
import { backward } from '../../src/autograd/tape.js';
import { Adam } from '../../src/optim/adam.js';
import { ABI, type KernelName } from '../../src/engine/abi/index.js';
import { MIN_WORK, threadedEngine } from '../../src/engine/threads/index.js';
import type { RetrievalModel } from '../../src/models/types.js';
import { MIND } from '../../src/models/mind.js';
import { ComiRecDR } from '../../src/models/comirec-dr.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { SINE } from '../../src/models/sine.js';
import { benchBatches } from '../train-step.js';

// SPLIT=<file>: another version of split.ts (e.g. `git show main:src/engine/threads/split.ts`), for a before/after.
const { SPLITTERS } = (await import(process.env.SPLIT ?? '../../src/engine/threads/split.js')) as typeof import('../../src/engine/threads/split.js');
const steps = Number(process.argv[2] ?? 100);
const top = Number(process.argv[3] ?? 12);
// BUILD=threads: the threads build (shared memory) at one thread, as a 2-thread engine runs it;
// THREADS=n (n > 1) runs it on n threads: only the parameter checksum means something then.
const threads = Number(process.env.THREADS ?? 1);
if (threads > 1) (await import('../../src/io/node-host.js')).installNodeHost();
const e = process.env.BUILD === 'threads' || threads > 1
  ? setEngine(await threadedEngine(await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0))), threads))
  : await init({ backend: 'wasm-simd', threads: 1 });
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const k = e.k as unknown as Record<string, (...a: number[]) => unknown>;
const plain = { ...k };
type Row = { calls: number; us: number; split: boolean };
let rows = new Map<string, Row>();
let wrapped = false;
/** CPU µs on the caller between the end of one split call and the start of the next (JS + unsplit kernels). */
let gaps: number[] = [];
let lastSplitEnd = -1;
/** A key per call site shape: the kernel and its integer arguments (sizes), pointers left out. */
const keyOf = (name: string, a: number[]) => name + '(' + [...ABI[name as KernelName]].map((c, i) => (c === 'i' ? a[i] : c === 'f' ? 'f' : '')).filter((s) => s !== '').join(',') + ')';
for (const name of Object.keys(plain)) {
  const fn = plain[name];
  const split = SPLITTERS[name as KernelName];
  k[name] = (...a: number[]) => {
    if (!wrapped) return fn(...a);
    const isSplit = !!split?.(a, 2, name.startsWith('gemm') ? MIN_WORK.gemm : MIN_WORK.other);
    const t = cpu();
    if (isSplit && lastSplitEnd >= 0) gaps.push(t - lastSplitEnd);
    const r = fn(...a);
    const dt = cpu() - t;
    if (isSplit) lastSplitEnd = t + dt;
    const key = keyOf(name, a);
    const row = rows.get(key) ?? { calls: 0, us: 0, split: isSplit };
    row.calls++;
    row.us += dt;
    rows.set(key, row);
    return r;
  };
}
// The timer's own cost per kernel call (≈ one cpuUsage read falls inside the timed span).
const t0 = cpu();
for (let i = 0; i < 20000; i++) { const a = cpu(); void (cpu() - a); }
const overhead = (cpu() - t0) / 20000 / 2;

// How long a kernel worker spins before it sleeps: pool.ts's WORKER_SPIN Atomics.load rounds.
const ctl = new Int32Array(new SharedArrayBuffer(64));
const s0spin = cpu();
for (let r = 0; r < 50; r++) for (let n = 0; n < 20_000 && Atomics.load(ctl, 0) === 0; n++);
const spinUs = (cpu() - s0spin) / 50;

const MODELS: [string, () => RetrievalModel][] = [
  ['ComiRec-SA', () => new ComiRecSA({ items: 50_000, dim: 64, interests: 4, seqLen: 20 })],
  ['MIND', () => new MIND({ items: 50_000, dim: 64, interests: 4, seqLen: 20 })],
  ['ComiRec-DR', () => new ComiRecDR({ items: 50_000, dim: 64, interests: 4, seqLen: 20 })],
  ['SINE', () => new SINE({ items: 50_000, dim: 64, interests: 4, seqLen: 20 })],
];
const only = process.env.MODELS?.split(',');
const f = (us: number) => (us / steps / 1000).toFixed(2);
for (const [label, make] of MODELS) {
  if (only && !only.includes(label)) continue;
  const model = make();
  const opt = new Adam(model.params.list(), { lr: 1e-3 });
  const batches = benchBatches(20);
  const rng = new Rng(9);
  let i = 0;
  const one = () => { backward(model.loss(batches[i++ % batches.length], rng)); opt.step(); e.heap.resetArena(); };
  for (let w = 0; w < 10; w++) one();
  // Plain and instrumented steps alternate in blocks of 10, so a change of load hits both alike.
  rows = new Map();
  gaps = [];
  let total = 0;
  for (let s = 0; s < steps; s += 10) {
    wrapped = false;
    const s0 = cpu();
    for (let j = 0; j < 10; j++) one();
    total += cpu() - s0;
    wrapped = true;
    lastSplitEnd = -1;
    for (let j = 0; j < 10; j++) one();
  }
  wrapped = false;
  let calls = 0, splitUs = 0, wholeUs = 0, splitCalls = 0;
  for (const r of rows.values()) {
    r.us = Math.max(0, r.us - r.calls * overhead);
    calls += r.calls;
    if (r.split) (splitUs += r.us), (splitCalls += r.calls);
    else wholeUs += r.us;
  }
  const js = Math.max(0, total - splitUs - wholeUs);
  const bound = total / (js + wholeUs + splitUs / 2);
  console.log(`\n### ${label}: ${f(total)} ms CPU/step; ${(calls / steps).toFixed(0)} kernel calls (${(splitCalls / steps).toFixed(0)} split): ` +
    `split ${f(splitUs)} ms, unsplit ${f(wholeUs)} ms, JS ${f(js)} ms; Amdahl bound on 2 threads ${bound.toFixed(2)}x`);
  console.log('| kernel (integer args) | calls/step | split | ms/step |\n|---|---:|---|---:|');
  const sorted = [...rows.entries()].sort((a, b) => b[1].us - a[1].us);
  for (const [key, r] of sorted.slice(0, top)) console.log(`| ${key} | ${(r.calls / steps).toFixed(1)} | ${r.split ? 'yes' : 'no'} | ${f(r.us)} |`);
  // Unsplit time by kernel name (all shapes), the targets for new splits.
  const byName = new Map<string, number>();
  for (const [key, r] of rows) if (!r.split) byName.set(key.slice(0, key.indexOf('(')), (byName.get(key.slice(0, key.indexOf('('))) ?? 0) + r.us);
  console.log('unsplit by kernel: ' + [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([n, us]) => `${n} ${f(us)}`).join(', '));
  // Gaps longer than the worker's spin (minus the split call's own part) find the worker asleep.
  gaps.sort((a, b) => a - b);
  const q = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(0);
  const asleep = gaps.filter((g) => g > spinUs).length;
  console.log(`gaps between split calls (µs CPU on the caller): median ${q(0.5)}, p75 ${q(0.75)}, p90 ${q(0.9)}, max ${q(1)}; ` +
    `${((100 * asleep) / gaps.length).toFixed(0)} % longer than the worker's spin (${spinUs.toFixed(0)} µs)`);
  let h = 0;
  for (const p of model.params.list()) { const d = new Uint32Array(Float32Array.from(p.data).buffer); for (let j = 0; j < d.length; j++) h = (Math.imul(h, 31) + d[j]) >>> 0; }
  console.log(`params checksum after ${10 + 2 * steps} steps: ${h.toString(16)}`);
}
e.close();
console.log(`\ntimer overhead subtracted: ${overhead.toFixed(2)} µs per call; uptime: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
