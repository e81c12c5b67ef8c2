// How long an idle kernel worker should spin before it sleeps: a training step's serial stretches
// (JavaScript between split calls, 30-200 µs) outlast a short spin, so the worker sleeps and the
// next split call waits for it to wake (a futex wake, and on a VM a halted vCPU to resume). The
// 1-thread step and 2-thread steps with each spin setting alternate in blocks of ≈ 0.3 s in one
// process, the order rotated per round; prints medians of steps/s and of the per-round ratios.
// Run: node --import tsx bench/experiments/worker-spin.mts [rounds] [spins, e.g. 20000,200000,2000000] [models, e.g. SA,MIND]
import { performance } from 'node:perf_hooks';
import { setEngine } from '../../src/engine/load.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { SPLIT, threadedEngine } from '../../src/engine/threads/index.js';
import { installNodeHost } from '../../src/io/node-host.js';
import type { Engine } from '../../src/engine/engine.js';
import { stepOf } from './step-of.mjs';

installNodeHost();
const rounds = Number(process.argv[2] ?? 9);
const spins = (process.argv[3] ?? '20000,2000000').split(',').map(Number);
const models = (process.argv[4] ?? 'SA,MIND,DR,SINE').split(',');
const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0)));
const saved = SPLIT.workerSpin;
const one = await threadedEngine(module, 1);
const many: Engine[] = [];
for (const s of spins) {
  SPLIT.workerSpin = s;
  many.push(await threadedEngine(module, 2));
}
SPLIT.workerSpin = saved;
const block = (e: Engine, fn: () => void) => {
  setEngine(e);
  const t0 = performance.now();
  let n = 0;
  do (fn(), n++); while (performance.now() - t0 < 300);
  return (n * 1000) / (performance.now() - t0);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`| model | 1 thread (steps/s) | ${spins.map((s) => `2 threads, spin ${s} (steps/s) | ratio, median [min–max]`).join(' | ')} |`);
console.log(`|---|---:|${spins.map(() => '---:|---|').join('')}`);
for (const m of models) {
  const engines = [one, ...many];
  const fns = engines.map((e) => stepOf(e, m));
  engines.forEach((e, i) => block(e, fns[i])); // warm-up
  const got = engines.map(() => [] as number[]);
  const ratios = many.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const now = new Array<number>(engines.length);
    for (let j = 0; j < engines.length; j++) {
      const i = (j + r) % engines.length;
      now[i] = block(engines[i], fns[i]);
    }
    now.forEach((v, i) => got[i].push(v));
    many.forEach((_, i) => ratios[i].push(now[i + 1] / now[0]));
  }
  const f = (x: number) => x.toFixed(2);
  console.log(`| ${m} | ${median(got[0]).toFixed(1)} | ${many.map((_, i) => `${median(got[i + 1]).toFixed(1)} | ${f(median(ratios[i]))}x [${f(Math.min(...ratios[i]))}–${f(Math.max(...ratios[i]))}]`).join(' | ')} |`);
}
one.close();
many.forEach((e) => e.close());
