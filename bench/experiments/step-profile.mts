// Where a 2-thread training step waits: (1) on one thread, the step as a timeline of split calls
// and the serial stretches between them (JavaScript + kernels too small to split), CPU µs, so it
// holds on a busy machine (stretches keyed by the kernel names around them); (2) the fixed cost of one split call (splitter, posting, claiming,
// waiting) against the same call whole, wall µs (min and median of many back-to-back calls);
// (3) on 2 threads, split calls, chunks per step and the share of chunks the caller ran itself.
// Run: node --import tsx bench/experiments/step-profile.mts [steps] [model: SA|MIND|DR|SINE]
import { performance } from 'node:perf_hooks';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import type { KernelName } from '../../src/engine/abi/index.js';
import { MIN_WORK, SPLIT, threadedEngine, type ThreadPool } from '../../src/engine/threads/index.js';
import { SPLITTERS } from '../../src/engine/threads/split.js';
import { installNodeHost } from '../../src/io/node-host.js';
import type { Engine } from '../../src/engine/engine.js';
import { stepOf } from './step-of.mjs';

installNodeHost();
const steps = Number(process.argv[2] ?? 40);
const which = process.argv[3] ?? 'SA';
const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0)));
const cpu = () => { const c = process.cpuUsage(); return c.user + c.system; };
const chunksWanted = 2 * SPLIT.chunksPerThread;

const stepper = (e: Engine) => stepOf(e, which);

// (1) One thread: the timeline.
{
  const e = await threadedEngine(module, 1);
  const k = e.k as unknown as Record<string, (...a: number[]) => unknown>;
  const plain = { ...k };
  type Seg = { before: string; after: string; us: number };
  let on = false, last = -1, lastName = 'step start';
  let segs: Seg[] = [], splitUs = 0, wholeUs = 0, splitCalls = 0, chunks = 0;
  for (const name of Object.keys(plain)) {
    const fn = plain[name], split = SPLITTERS[name as KernelName];
    k[name] = (...a: number[]) => {
      if (!on) return fn(...a);
      const parts = split?.(a, chunksWanted, name.startsWith('gemm') ? MIN_WORK.gemm : MIN_WORK.other);
      if (!parts) {
        const t = cpu();
        const r = fn(...a);
        wholeUs += cpu() - t;
        return r;
      }
      const t = cpu();
      const key = name;
      segs.push({ before: lastName, after: key, us: t - last });
      const r = fn(...a);
      last = cpu();
      splitUs += last - t;
      splitCalls++;
      chunks += parts.length;
      lastName = key;
      return r;
    };
  }
  const one = stepper(e);
  for (let w = 0; w < 10; w++) one();
  let total = 0;
  const perSeg = new Map<string, { us: number; n: number }>();
  for (let s = 0; s < steps; s++) {
    segs = [];
    on = true;
    lastName = 'step start';
    const t0 = cpu();
    last = t0;
    one();
    const t1 = cpu();
    on = false;
    segs.push({ before: lastName, after: 'step end', us: t1 - last });
    total += t1 - t0;
    for (const g of segs) {
      const key = `${g.before} → ${g.after}`;
      const v = perSeg.get(key) ?? { us: 0, n: 0 };
      v.us += g.us;
      v.n++;
      perSeg.set(key, v);
    }
  }
  const serial = total - splitUs;
  console.log(`### ${which}, one thread (threads build): ${(total / steps / 1000).toFixed(2)} ms CPU/step; ` +
    `${(splitCalls / steps).toFixed(1)} split calls/step (${(chunks / steps).toFixed(1)} chunks at ${SPLIT.chunksPerThread} per thread on 2 threads), ` +
    `split kernels ${(splitUs / steps / 1000).toFixed(2)} ms, serial ${(serial / steps / 1000).toFixed(2)} ms ` +
    `(of which unsplit kernels ${(wholeUs / steps / 1000).toFixed(2)} ms) ` +
    `(bound on 2 threads ${(total / (serial + splitUs / 2)).toFixed(2)}x)`);
  console.log('| serial stretch (split call before → after) | per step | µs CPU per step |\n|---|---:|---:|');
  const sorted = [...perSeg.entries()].sort((a, b) => b[1].us - a[1].us);
  for (const [key, v] of sorted.slice(0, 14)) console.log(`| ${key} | ${(v.n / steps).toFixed(1)} | ${(v.us / steps).toFixed(0)} |`);
  const rest = sorted.slice(14).reduce((s, [, v]) => s + v.us, 0);
  console.log(`| ${sorted.length - 14} other stretches | | ${(rest / steps).toFixed(0)} |`);
  e.close();
}

// (2) The fixed cost of a split call: fill_f32 over n floats, whole vs split (forced), 2 threads.
{
  const e = await threadedEngine(module, 2);
  const saved = { ...MIN_WORK };
  const p = e.heap.scratch(1 << 20);
  const time = (n: number, calls: number) => {
    const xs: number[] = [];
    for (let i = 0; i < calls; i++) { const t = performance.now(); e.k.fill_f32(p, 0.5, n); xs.push((performance.now() - t) * 1000); }
    xs.sort((a, b) => a - b);
    return [xs[0], xs[xs.length >> 1]];
  };
  for (const n of [4096, 65536]) {
    Object.assign(MIN_WORK, { other: 1 << 30 });
    const whole = time(n, 20000);
    Object.assign(MIN_WORK, { other: 64 });
    const out: string[] = [];
    for (const c of [1, 4]) {
      SPLIT.chunksPerThread = c;
      const sp = time(n, 20000);
      out.push(`${2 * c} chunks: min ${sp[0].toFixed(1)} / median ${sp[1].toFixed(1)} µs`);
    }
    SPLIT.chunksPerThread = 4;
    Object.assign(MIN_WORK, saved);
    console.log(`(2) fill_f32 of ${n} floats back to back: whole min ${whole[0].toFixed(1)} / median ${whole[1].toFixed(1)} µs; split ${out.join('; ')}`);
  }
  // (3) The step on 2 threads: how the chunks were shared.
  const one = stepper(e);
  for (let w = 0; w < 10; w++) one();
  const pool = (e as unknown as { pool: ThreadPool }).pool;
  const s0 = { ...pool.stats };
  for (let s = 0; s < steps; s++) one();
  const d = (k: keyof typeof s0) => (pool.stats[k] - s0[k]) / steps;
  console.log(`(3) ${which} on 2 threads: ${d('splits').toFixed(1)} split calls/step, ${d('chunks').toFixed(1)} chunks/step, ` +
    `the caller ran ${((100 * d('callerChunks')) / d('chunks')).toFixed(0)} % of them`);
  e.close();
}
console.log(`load average: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
