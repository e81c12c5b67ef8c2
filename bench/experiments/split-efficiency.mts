// Where a 2-thread training step loses against one thread: wall µs per step of every kernel (by
// name, split or not) and of the JavaScript between kernels, on 1 and on 2 threads, the two
// engines alternating in blocks of steps in one process (so drift enters both). A kernel whose
// 2-thread time is far above half its 1-thread time is where the step's ratio goes.
// Run: node --import tsx bench/experiments/split-efficiency.mts [rounds] [model: SA|MIND|DR|SINE]
import { performance } from 'node:perf_hooks';
import { setEngine } from '../../src/engine/load.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { threadedEngine } from '../../src/engine/threads/index.js';
import { installNodeHost } from '../../src/io/node-host.js';
import type { Engine } from '../../src/engine/engine.js';
import { stepOf } from './step-of.mjs';

installNodeHost();
const rounds = Number(process.argv[2] ?? 10);
const which = process.argv[3] ?? 'SA';
const STEPS = 20;
const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0)));

type Side = { e: Engine; step: () => void; us: Map<string, number>; total: number; on: boolean };
function side(e: Engine): Side {
  const s: Side = { e, step: () => {}, us: new Map(), total: 0, on: false };
  const k = e.k as unknown as Record<string, (...a: number[]) => unknown>;
  for (const name of Object.keys(k)) {
    const fn = k[name];
    k[name] = (...a: number[]) => {
      if (!s.on) return fn(...a);
      const t = performance.now();
      const r = fn(...a);
      s.us.set(name, (s.us.get(name) ?? 0) + (performance.now() - t) * 1000);
      return r;
    };
  }
  s.step = stepOf(e, which);
  return s;
}
const one = side(await threadedEngine(module, 1));
const two = side(await threadedEngine(module, 2));
const block = (s: Side, timed: boolean) => {
  setEngine(s.e);
  s.on = timed;
  const t = performance.now();
  for (let i = 0; i < STEPS; i++) s.step();
  if (timed) s.total += (performance.now() - t) * 1000;
  s.on = false;
};
for (let w = 0; w < 3; w++) (block(one, false), block(two, false));
for (let r = 0; r < rounds; r++) {
  if (r % 2) (block(one, true), block(two, true));
  else (block(two, true), block(one, true));
}
const steps = rounds * STEPS;
const per = (s: Side, name: string) => (s.us.get(name) ?? 0) / steps;
const kernelsOf = (s: Side) => [...s.us.values()].reduce((a, b) => a + b, 0) / steps;
const names = [...one.us.keys()].sort((a, b) => per(one, b) - per(one, a));
console.log(`### ${which}: ${(one.total / steps).toFixed(0)} µs/step on 1 thread, ${(two.total / steps).toFixed(0)} on 2 (${(one.total / two.total).toFixed(2)}x), ${rounds} alternating blocks of ${STEPS} steps`);
console.log('| kernel | µs/step 1 thread | µs/step 2 threads | ratio | µs lost vs half |\n|---|---:|---:|---:|---:|');
let lost = 0;
for (const n of names) {
  const a = per(one, n), b = per(two, n);
  const l = b - a / 2;
  if (a > 20) console.log(`| ${n} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)}x | ${l.toFixed(0)} |`);
  lost += l;
}
const js1 = one.total / steps - kernelsOf(one), js2 = two.total / steps - kernelsOf(two);
console.log(`| JavaScript between kernels | ${js1.toFixed(0)} | ${js2.toFixed(0)} | ${(js1 / js2).toFixed(2)}x | |`);
console.log(`kernels: ${kernelsOf(one).toFixed(0)} → ${kernelsOf(two).toFixed(0)} µs/step; lost against a perfect split of every kernel: ${lost.toFixed(0)} µs/step`);
one.e.close();
two.e.close();
