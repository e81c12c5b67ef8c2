// A GEMM of each large training-step shape split by rows or by columns of C on 2 threads,
// against one thread: the three alternate in blocks of ≈ 60 ms, the order rotated per round, so
// each round's ratios share the machine's state. Prints the medians and how often rows won.
// Run: node --import tsx bench/experiments/gemm-split-ab.mts [rounds]
import { installNodeHost } from '../../src/io/node-host.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { threadedEngine } from '../../src/engine/threads/index.js';
import { SPLIT_COST } from '../../src/engine/threads/split.js';
import type { Engine } from '../../src/engine/engine.js';

installNodeHost();
const module = await WebAssembly.compile(Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0)));
const one = await threadedEngine(module, 1, 64), two = await threadedEngine(module, 2, 64);
const shapes: [string, number, number, number][] = [['gemm_f32_nn', 2560, 256, 64], ['gemm_f32_nt', 2560, 64, 256], ['gemm_f32_tn', 64, 256, 2560]];
const rounds = Number(process.argv[2] ?? 21);
for (const [name, M, N, K] of shapes) {
  const setup = (e: Engine) => {
    const a = e.heap.alloc(M * K * 4), b = e.heap.alloc(K * N * 4), c = e.heap.alloc(M * N * 4);
    e.floats.fill(0.01, a >> 2, (a >> 2) + M * K); e.floats.fill(0.02, b >> 2, (b >> 2) + K * N);
    const tA = name.endsWith('tn'), tB = name.endsWith('nt');
    const k = e.k as unknown as Record<string, (...x: number[]) => void>;
    return () => k[name](M, N, K, 1, a, tA ? M : K, b, tB ? K : N, 0, c, N);
  };
  const f1 = setup(one), f2 = setup(two);
  const time = (f: () => void, pref: typeof SPLIT_COST.gemmPrefer = 'auto') => { SPLIT_COST.gemmPrefer = pref; const t = performance.now(); let n = 0; do { f(); n++; } while (performance.now() - t < 60); return (performance.now() - t) / n; };
  const rc: number[] = [], rr: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const sides = [() => time(f1), () => time(f2, 'cols'), () => time(f2, 'rows')];
    const got = [0, 0, 0];
    for (let j = 0; j < 3; j++) { const k = (i + j) % 3; got[k] = sides[k](); }
    rc.push(got[0] / got[1]); rr.push(got[0] / got[2]);
  }
  const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
  console.log(`${name} M${M} N${N} K${K}: 2 threads / 1, median of ${rounds}: cols ${med(rc).toFixed(2)}x, rows ${med(rr).toFixed(2)}x; rows beat cols in ${rr.filter((v, i) => v > rc[i]).length} of ${rounds} rounds`);
}
SPLIT_COST.gemmPrefer = 'auto';
one.close();
two.close();
