// Serving benchmark (suite `serving`): exact top-50 retrieval for K = 4 interest vectors of
// D = 64 against random-normal catalogues of 10k, 100k and 1M items, single thread. Latency of one
// user (p50/p99 over many calls, each timed with performance.now) and throughput of batches of
// 64 users, for the float32 table and the compact f16 / int8 tables.
// Run: `npm run build:wasm --silent && taskset -c 1 node --import tsx bench/run.ts serving`.
import { init } from '../src/engine/load.js';
import type { Engine } from '../src/engine/engine.js';
import { Rng } from '../src/engine/random.js';
import { poolTensor, Tensor } from '../src/tensor.js';
import { ParamStore } from '../src/nn/params.js';
import { retrieve } from '../src/serve/retrieve.js';
import { CompactItemTable, type CompactFormat } from '../src/serve/compact.js';
import type { RetrievalBatch, RetrievalModel } from '../src/models/types.js';
import { ptrAt } from '../src/engine/abi/index.js';

const D = 64;
const K = 4;
const TOP = 50;
const BATCH = 64;
const quick = process.env.BENCH_QUICK === '1';

/** A stand-in model: a random-normal item table and fixed random queries for BATCH users. */
function fakeModel(e: Engine, N: number, seed: number): { model: RetrievalModel; batchOf: (B: number) => RetrievalBatch; table: Tensor; free: () => void } {
  const rng = new Rng(seed);
  const table = poolTensor([N, D], undefined, e); // [N, D]
  const t = table.data;
  for (let i = D; i < N * D; i++) t[i] = rng.normal(0, 0.1);
  const queries = poolTensor([BATCH, K, D], undefined, e); // [BATCH, K, D]
  const q = queries.data;
  for (let i = 0; i < q.length; i++) q[i] = rng.normal(0, 1);
  const active = new Uint8Array(BATCH * K).fill(1);
  let user = 0; // rotates so one-user calls do not always score the same query
  const model = {
    kind: 'Fake', config: { items: N, dim: D, interests: K, seqLen: 1, seed }, params: new ParamStore(new Rng(1)),
    itemTable: () => table,
    queries: (b: RetrievalBatch) => {
      const u0 = b.B === 1 ? user++ % BATCH : 0;
      return { vectors: new Tensor(e, ptrAt(queries.ptr, u0 * K * D * 4), [b.B, K, D]), active }; // [B, K, D]
    },
  } as unknown as RetrievalModel;
  const batchOf = (B: number): RetrievalBatch => ({ B, T: 1, hist: new Int32Array(B).fill(1), mask: new Float32Array(B).fill(1), len: new Int32Array(B).fill(1) });
  const free = () => {
    e.heap.free(table.ptr);
    e.heap.free(queries.ptr);
  };
  return { model, batchOf, table, free };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Time `fn` `reps` times after `warm` untimed calls; milliseconds sorted ascending. */
function timeCalls(fn: () => void, reps: number, warm: number): number[] {
  for (let i = 0; i < warm; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

/**
 * Scoring alone (no top-k) of M query rows against 100k items, median ms: the float32 GEMM,
 * the fused compact kernels (panel unpack + GEMM tile), and the alternative of dequantizing
 * blocks of 4096 items into an f32 scratch and running the GEMM on it.
 */
function scoringTable(e: Engine): string {
  const N = 100_000;
  const { table, free } = fakeModel(e, N, 11);
  const i8 = CompactItemTable.fromTable(table, 'int8');
  const f16 = CompactItemTable.fromTable(table, 'f16');
  const NB = 4096;
  const out = e.heap.alloc(256 * NB * 4);
  const scratch = e.heap.alloc(NB * D * 4);
  const q = e.heap.alloc(256 * D * 4);
  e.heap.floats.fill(0.5, q >> 2, (q >> 2) + 256 * D);
  const lines = ['| query rows | f32 GEMM | f16 fused | int8 fused | int8 dequantize + GEMM |', '|---|---|---|---|---|'];
  for (const M of [4, 256]) {
    const blocks = (f: (i0: number, nb: number) => void) => () => {
      for (let i0 = 0; i0 < N; i0 += NB) f(i0, Math.min(NB, N - i0));
    };
    const cases = [
      blocks((i0, nb) => e.k.gemm_f32_nt(M, nb, D, 1, q, D, ptrAt(table.ptr, i0 * D * 4), D, 0, out, nb)),
      blocks((i0, nb) => f16.scoreInto(M, q, D, i0, nb, out, nb)),
      blocks((i0, nb) => i8.scoreInto(M, q, D, i0, nb, out, nb)),
      blocks((i0, nb) => {
        e.k.dequantize_i8_panels(ptrAt(i8.ptr, i0 * D), ptrAt(i8.scales, i0 * 4), nb, D, scratch);
        e.k.gemm_f32_nt(M, nb, D, 1, q, D, scratch, D, 0, out, nb);
      }),
    ];
    const reps = quick ? 5 : M === 4 ? 200 : 20;
    lines.push(`| ${M} | ${cases.map((f) => pct(timeCalls(f, reps, 3), 0.5).toFixed(3)).join(' | ')} |`);
  }
  for (const p of [out, scratch, q]) e.heap.free(p);
  free();
  i8.dispose();
  f16.dispose();
  return `Scoring only, 100k items, D=${D}, median ms per pass over the catalogue:\n\n${lines.join('\n')}`;
}

export async function servingSuite(): Promise<string> {
  const e = await init({ backend: 'wasm-simd' });
  const lines = [
    `| items | table | bytes/item | table MB | 1 user p50 ms | 1 user p99 ms | calls | batch ${BATCH} ms (median) | users/s |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const N of [10_000, 100_000, 1_000_000]) {
    const { model, batchOf, table, free } = fakeModel(e, N, 7);
    const formats: ('f32' | CompactFormat)[] = ['f32', 'f16', 'int8'];
    for (const fmt of formats) {
      const compact = fmt === 'f32' ? undefined : CompactItemTable.fromTable(table, fmt);
      const one = batchOf(1);
      const many = batchOf(BATCH);
      const run = (b: RetrievalBatch) => () => {
        retrieve(model, b, { topN: TOP, table: compact });
        e.heap.resetArena();
      };
      const budget = quick ? 0.3 : 1.5; // seconds per measurement
      const probe = timeCalls(run(one), 3, 2)[1];
      const reps = Math.max(20, Math.min(2000, Math.round((budget * 1000) / probe)));
      const lat = timeCalls(run(one), reps, 5);
      const bprobe = timeCalls(run(many), 1, 1)[0];
      const breps = Math.max(5, Math.min(200, Math.round((budget * 1000) / bprobe)));
      const bat = timeCalls(run(many), breps, 2);
      const bpi = compact ? compact.bytesPerItem : D * 4;
      const label = N >= 1e6 ? `${N / 1e6}M` : `${N / 1e3}k`;
      lines.push(`| ${label} | ${fmt} | ${bpi} | ${((bpi * N) / 1e6).toFixed(1)} | ${pct(lat, 0.5).toFixed(3)} | ${pct(lat, 0.99).toFixed(3)} | ${reps} | ${pct(bat, 0.5).toFixed(2)} | ${Math.round(BATCH / (pct(bat, 0.5) / 1000))} |`);
      compact?.dispose();
    }
    free();
  }
  return `${lines.join('\n')}\n\n${scoringTable(e)}`;
}
