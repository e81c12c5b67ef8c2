// Benchmark suite of the embedding kernels at the ComiRec training shape: gather and scatter-add
// of B*T = 2560 rows of d 64 from a 50k-row table, and the weighted pool. Also the engine and
// buffer helpers shared by bench/optim.ts and bench/topk.ts (reference vs wasm vs wasm-simd).
// Run: `npm run build:wasm --silent && node --import tsx bench/run.ts embedding optim topk`.
import { Engine } from '../src/engine/engine.js';
import { embeddedBytes, instantiate } from '../src/engine/load.js';
import type { KernelName } from '../src/engine/abi/index.js';
import { runSuite, table, type BenchCase, type BenchRow } from './harness.js';

let enginesP: Promise<Engine[]> | null = null;
/** [reference (plain-JS float32), wasm (scalar), wasm-simd], made once per process. */
export function benchEngines(): Promise<Engine[]> {
  enginesP ??= (async () => [
    Engine.fromReference(32),
    await instantiate(await embeddedBytes(false), 'wasm'),
    await instantiate(await embeddedBytes(true), 'wasm-simd'),
  ])();
  return enginesP;
}
export const implName = (e: Engine) => (e.backend === 'js' ? 'reference' : e.backend);
export const RATIOS: [string, string][] = [['wasm-simd', 'reference'], ['wasm-simd', 'wasm']];

let pad = 0;
/**
 * n floats in e's heap, uniform in [-scale, scale) (or constant `fill`). Each buffer is followed
 * by a small, varying gap so big buffers are not 4 KiB-congruent (aliasing costs up to 35 %).
 */
export function buf(e: Engine, n: number, scale = 1, fill?: number): number {
  const p = e.heap.alloc(Math.max(1, n) * 4);
  e.heap.alloc(64 * (1 + (pad++ % 7)));
  const f = e.floats;
  let s = 12345 + n;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    f[(p >> 2) + i] = fill ?? ((s / 4294967296) * 2 - 1) * scale;
  }
  return p;
}

/** `count` distinct ids in [1, rows) (a seeded partial Fisher-Yates), as an i32 buffer. */
export function uniqueIds(e: Engine, count: number, rows: number, seed = 7): number {
  const all = Int32Array.from({ length: rows - 1 }, (_, i) => i + 1);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = i + (s % (all.length - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const p = e.heap.alloc(count * 4);
  e.i32.set(all.subarray(0, count), p >> 2);
  return p;
}

/** Random ids in [0, rows) with repeats, as an i32 buffer. */
export function randomIds(e: Engine, count: number, rows: number, seed = 11): number {
  const p = e.heap.alloc(count * 4);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    e.i32[(p >> 2) + i] = s % rows;
  }
  return p;
}

export interface Spec {
  name: string;
  kernel: KernelName;
  /** Elements per call (the Melem/s numerator). */
  work: number;
  args: (e: Engine) => number[];
}

export async function cases(specs: Spec[]): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const s of specs) {
    for (const e of await benchEngines()) {
      const args = s.args(e);
      out.push({ name: s.name, impl: implName(e), fn: () => e.call(s.kernel, ...args), work: s.work, unit: 'Melem/s' });
    }
  }
  return out;
}

/** One line per case: microseconds per call per implementation, and GB/s given bytes per element. */
export function timings(rows: BenchRow[], bytesPerElem: (name: string) => number, work: (name: string) => number): string {
  const names = [...new Set(rows.map((r) => r.name))];
  return names
    .map((n) => {
      const cells = rows.filter((r) => r.name === n).map((r) => {
        const gbs = (bytesPerElem(n) * work(n)) / r.seconds / 1e9;
        return `${r.impl} ${(r.seconds * 1e6).toFixed(r.seconds < 1e-4 ? 1 : 0)} µs${gbs > 0 ? ` (${gbs.toFixed(1)} GB/s)` : ''}`;
      });
      return `- ${n}: ${cells.join(', ')}`;
    })
    .join('\n');
}

export async function embeddingSuite(): Promise<string> {
  const N = 50_000, D = 64, C = 2560, T = 20;
  const specs: Spec[] = [
    { name: `gather ${C}x${D} from ${N / 1000}k`, kernel: 'gather_rows_f32', work: C * D, args: (e) => [buf(e, N * D), N, randomIds(e, C, N), buf(e, C * D), C, D] },
    { name: `scatter_add ${C}x${D} into ${N / 1000}k`, kernel: 'scatter_add_rows_f32', work: C * D, args: (e) => [buf(e, C * D, 1e-6), randomIds(e, C, N), buf(e, N * D), N, C, D] },
    { name: `gather_pool ${C / T}x${T}x${D}`, kernel: 'gather_pool_f32', work: C * D, args: (e) => [buf(e, N * D), N, randomIds(e, C, N), buf(e, C), buf(e, (C / T) * D), C / T, T, D] },
  ];
  const rows = await runSuite('embedding', await cases(specs));
  // gather moves 8 B per element (read + write); scatter-add 12 (read src, read + write row).
  const bytes = (n: string) => (n.startsWith('gather ') ? 8 : n.startsWith('scatter') ? 12 : 8);
  return `${table(rows, RATIOS)}\n\n${timings(rows, bytes, () => C * D)}`;
}
