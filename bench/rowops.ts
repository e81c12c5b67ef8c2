// Benchmark suites of the row kernels (softmax, squash, layernorm) and the elementwise family:
// the plain-JS float32 reference engine vs the wasm scalar build vs the wasm SIMD build, same
// inputs, rows sized so the data sits in L2; big elementwise arrays (4M floats, beyond cache)
// report effective bandwidth. Run: `npm run bench -- softmax squash layernorm elementwise`.
import { Engine } from '../src/engine/engine.js';
import { embeddedBytes, instantiate } from '../src/engine/load.js';
import type { KernelName } from '../src/engine/abi/index.js';
import { runSuite, table, type BenchCase } from './harness.js';

let enginesP: Promise<Engine[]> | null = null;
function engines(): Promise<Engine[]> {
  enginesP ??= (async () => [
    Engine.fromReference(32),
    await instantiate(await embeddedBytes(false), 'wasm'),
    await instantiate(await embeddedBytes(true), 'wasm-simd'),
  ])();
  return enginesP;
}
const implName = (e: Engine) => (e.backend === 'js' ? 'reference' : e.backend);

/** A buffer of n floats in e's heap with values in [-scale, scale) (or constant `fill`). */
function buf(e: Engine, n: number, scale = 1, fill?: number): number {
  const p = e.heap.alloc(Math.max(1, n) * 4);
  const f = e.floats;
  let s = 12345 + n;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    f[(p >> 2) + i] = fill ?? ((s / 4294967296) * 2 - 1) * scale;
  }
  return p;
}

interface Spec {
  name: string;
  kernel: KernelName;
  /** Elements processed per call. */
  work: number;
  /** Arguments, allocating whatever buffers the call needs in e. */
  args: (e: Engine) => number[];
}

async function cases(specs: Spec[]): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const s of specs) {
    for (const e of await engines()) {
      const args = s.args(e);
      out.push({ name: s.name, impl: implName(e), fn: () => e.call(s.kernel, ...args), work: s.work, unit: 'Melem/s' });
    }
  }
  return out;
}

const RATIOS: [string, string][] = [['wasm-simd', 'reference'], ['wasm-simd', 'wasm']];
/** Rows per call: at least 256, and at least 16K elements so call overhead stays small. */
const rowsFor = (n: number) => Math.max(256, 16384 / n);

export async function softmaxSuite(): Promise<string> {
  const specs: Spec[] = [];
  for (const n of [4, 8, 32, 64, 128, 256]) {
    const rows = rowsFor(n);
    specs.push({ name: `softmax rows ${rows}x${n}`, kernel: 'softmax_rows_f32', work: rows * n, args: (e) => [buf(e, rows * n, 8), buf(e, rows * n), rows, n] });
  }
  for (const n of [4, 64]) {
    const rows = rowsFor(n);
    specs.push({ name: `softmax masked ${rows}x${n}`, kernel: 'softmax_rows_masked_f32', work: rows * n, args: (e) => [buf(e, rows * n, 8), buf(e, rows * n, 0, 1), buf(e, rows * n), rows, n] });
  }
  const rows = 256;
  const n = 64;
  specs.push({ name: `softmax bwd ${rows}x${n}`, kernel: 'softmax_rows_bwd_f32', work: rows * n, args: (e) => [buf(e, rows * n), buf(e, rows * n), buf(e, rows * n), rows, n, 0] });
  specs.push({ name: `log_softmax ${rows}x${n}`, kernel: 'log_softmax_rows_f32', work: rows * n, args: (e) => [buf(e, rows * n, 8), buf(e, rows * n), rows, n] });
  return table(await runSuite('softmax', await cases(specs)), RATIOS);
}

export async function squashSuite(): Promise<string> {
  const specs: Spec[] = [];
  for (const d of [32, 64, 128]) {
    const rows = 512;
    specs.push({ name: `squash ${rows}x${d}`, kernel: 'squash_f32', work: rows * d, args: (e) => [buf(e, rows * d), buf(e, rows * d), rows, d] });
  }
  specs.push({ name: `squash bwd 512x64`, kernel: 'squash_bwd_f32', work: 512 * 64, args: (e) => [buf(e, 512 * 64), buf(e, 512 * 64), buf(e, 512 * 64), 512, 64, 0] });
  return table(await runSuite('squash', await cases(specs)), RATIOS);
}

export async function layernormSuite(): Promise<string> {
  const specs: Spec[] = [];
  for (const d of [32, 64, 128, 256]) {
    const rows = 256;
    specs.push({
      name: `layernorm ${rows}x${d}`,
      kernel: 'layernorm_f32',
      work: rows * d,
      args: (e) => [buf(e, rows * d), buf(e, d), buf(e, d), buf(e, rows * d), buf(e, rows), buf(e, rows), rows, d, 1e-5],
    });
  }
  const rows = 256;
  const d = 64;
  specs.push({
    name: `layernorm bwd ${rows}x${d}`,
    kernel: 'layernorm_bwd_f32',
    work: rows * d,
    args: (e) => [buf(e, rows * d), buf(e, d), buf(e, rows), buf(e, rows, 0, 1), buf(e, rows * d), buf(e, rows * d), buf(e, d), buf(e, d), rows, d, 0],
  });
  return table(await runSuite('layernorm', await cases(specs)), RATIOS);
}

export async function elementwiseSuite(): Promise<string> {
  // 4M floats (16 MB per buffer) still partly fits this machine kind's L3; 16M (64 MB) does not.
  const small = 32768;
  const specs: Spec[] = [];
  const bigBufs = new Map<string, number[]>(); // three big buffers per engine and size, shared by cases
  const bigs = (e: Engine, big: number) => {
    const key = `${e.backend}:${big}`;
    if (!bigBufs.has(key)) bigBufs.set(key, [buf(e, big), buf(e, big), buf(e, big)]);
    return bigBufs.get(key)!;
  };
  for (const [label, big] of [['4M', 4 << 20], ['16M', 16 << 20]] as const) {
    specs.push(
      { name: `add ${label} (12 B/elem)`, kernel: 'add_f32', work: big, args: (e) => [...bigs(e, big), big] },
      { name: `axpy ${label} (12 B/elem)`, kernel: 'axpy_f32', work: big, args: (e) => [big, 1e-6, bigs(e, big)[0], bigs(e, big)[1]] },
      { name: `scale ${label} (8 B/elem)`, kernel: 'scale_f32', work: big, args: (e) => [bigs(e, big)[0], 0.5, bigs(e, big)[2], big] },
    );
  }
  for (const k of ['relu_f32', 'tanh_f32', 'sigmoid_f32', 'exp_f32'] as const) {
    specs.push({ name: `${k.replace('_f32', '')} 32K`, kernel: k, work: small, args: (e) => [buf(e, small, 4), buf(e, small), small] });
  }
  const rows = await runSuite('elementwise', await cases(specs));
  const bytes: Record<string, number> = { add: 12, axpy: 12, scale: 8 };
  const bw = rows
    .filter((r) => r.name.includes('M ('))
    .map((r) => `- ${r.name} [${r.impl}]: ${((r.value * 1e6 * bytes[r.name.split(' ')[0]]) / 1e9).toFixed(1)} GB/s effective`);
  return `${table(rows, RATIOS)}\n\n${bw.join('\n')}`;
}
