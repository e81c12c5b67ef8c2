// Fused scoring + top-k (score_topk_nt_f32) against the unfused path it replaces in retrieve:
// gemm_f32_nt into a full [M, n] score matrix, mask_cols_f32 for the excluded columns, then
// topk_rows_f32. Same engine, same random float32 inputs: indices and score bits must be equal
// on every float32 backend and on 3 threads with every call split; exact (quarter-integer)
// inputs are also checked against the float64 oracle, ties included.
import '../helpers/node-host.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../../src/engine/engine.js';
import type { Ptr } from '../../src/engine/abi/index.js';
import { MIN_WORK, threadedEngine } from '../../src/engine/threads/index.js';
import * as gen from '../../src/engine/wasm-bytes.generated.js';
import { f32Backends } from '../helpers/engines.js';
import { checkKernel, randomFloats } from '../helpers/kernel-check.js';

interface Case { M: number; D: number; n: number; k: number; tn: number; q: Float64Array; table: Float64Array; cols: number[]; counts: number[]; maxCount: number }

function makeCase(M: number, D: number, n: number, k: number, tn: number, seed: number, filter: boolean, quarter = false): Case {
  const round = (x: Float64Array) => (quarter ? x.map((v) => Math.round(v * 4) / 4) : x);
  const q = round(randomFloats(M * D, seed));
  const table = round(randomFloats(n * D, seed + 1));
  const maxCount = filter ? 6 : 0;
  const cols: number[] = [], counts: number[] = [];
  const ids = randomFloats(M * 6, seed + 2);
  for (let r = 0; r < M; r++) {
    counts.push(filter ? r % 7 : 0); // up to 6 columns; 6 > maxCount never (r % 7 ≤ 6)
    // Columns anywhere in [-2, n + 2): outside [0, n) is ignored, repeats are harmless.
    for (let c = 0; c < 6; c++) cols.push(Math.floor((ids[r * 6 + c] * 0.5 + 0.5) * (n + 4)) - 2);
  }
  return { M, D, n, k, tn, q, table, cols, counts, maxCount };
}

function alloc(e: Engine, data: ArrayLike<number>, ints = false): Ptr {
  const p = e.heap.alloc(Math.max(1, data.length) * 4);
  (ints ? e.i32 : e.floats).set(Array.from(data), p >> 2);
  return p;
}

/** Run the fused kernel and the unfused path on `e`; return both [indices, values]. */
function both(e: Engine, c: Case): { fused: [number[], number[]]; unfused: [number[], number[]] } {
  const { M, D, n, k, tn } = c;
  const q = alloc(e, c.q), table = alloc(e, c.table);
  const cols = alloc(e, c.cols, true), counts = alloc(e, c.counts, true);
  const read = (idx: number, val: number): [number[], number[]] => [
    Array.from(e.i32.subarray(idx >> 2, (idx >> 2) + M * k)), Array.from(e.floats.subarray(val >> 2, (val >> 2) + M * k)),
  ];
  const fi = e.heap.alloc(M * k * 4), fv = e.heap.alloc(M * k * 4), buf = e.heap.alloc(M * tn * 4);
  e.k.score_topk_nt_f32(M, D, q, D, table, n, k, fi, fv, buf, tn, cols, counts, c.maxCount);
  const fused = read(fi, fv);
  const S = e.heap.alloc(Math.max(1, M * n) * 4), ui = e.heap.alloc(M * k * 4), uv = e.heap.alloc(M * k * 4);
  if (n > 0) e.k.gemm_f32_nt(M, n, D, 1, q, D, table, D, 0, S, n); // [M, n]
  if (c.maxCount > 0) e.k.mask_cols_f32(S, M, n, cols, counts, c.maxCount, -Infinity);
  e.k.topk_rows_f32(S, M, n, k, ui, uv, -1);
  const unfused = read(ui, uv);
  for (const p of [q, table, cols, counts, fi, fv, buf, S, ui, uv]) e.heap.free(p);
  return { fused, unfused };
}

const SHAPES: [number, number, number, number, number][] = [
  // M, D, n, k, tn: single rows, row tails, several row groups (> 256), tiles narrower than
  // a panel, k > n, D past the GEMM's K block (256), an empty catalogue
  [1, 8, 100, 5, 256], [3, 5, 17, 50, 8], [7, 64, 1000, 50, 13], [300, 16, 700, 20, 64],
  [9, 300, 90, 10, 32], [4, 4, 0, 3, 8], [5, 64, 40, 1, 256],
];

test('score_topk_nt_f32 gives the bits of gemm + mask_cols + topk on every backend', async () => {
  for (const e of await f32Backends()) {
    SHAPES.forEach(([M, D, n, k, tn], i) => {
      for (const filter of [false, true]) {
        const { fused, unfused } = both(e, makeCase(M, D, n, k, tn, 10 + i, filter));
        assert.equal(fused, unfused, `${e.backend}: M ${M} D ${D} n ${n} k ${k} tn ${tn} filter ${filter}`);
      }
    });
  }
});

test('score_topk_nt_f32 on 3 threads with every call split equals one thread', async () => {
  const bytes = Uint8Array.from(atob(gen.THREADS_WASM_BASE64), (c) => c.charCodeAt(0));
  const module = await WebAssembly.compile(bytes);
  const [one, three] = [await threadedEngine(module, 1), await threadedEngine(module, 3)];
  const saved = { ...MIN_WORK };
  Object.assign(MIN_WORK, { gemm: 1, other: 1 });
  try {
    for (const [M, D, n, k, tn] of [[300, 16, 700, 20, 64], [41, 64, 3000, 50, 256], [8, 8, 50, 60, 16]]) {
      for (const filter of [false, true]) {
        const c = makeCase(M, D, n, k, tn, M + n, filter);
        const before = three.threadSplits;
        const a = both(one, c), b = both(three, c);
        assert.ok(three.threadSplits > before, 'the fused call was split');
        assert.equal(b.fused, a.fused, `M ${M} n ${n}: 3 threads vs 1`);
        assert.equal(a.fused, a.unfused, `M ${M} n ${n}: fused vs unfused`);
      }
    }
  } finally {
    Object.assign(MIN_WORK, saved);
    one.close();
    three.close();
  }
});

test('score_topk_nt_f32 on exact scores with ties matches the float64 oracle', async () => {
  for (const [M, D, n, k, tn] of [[6, 4, 200, 30, 16], [2, 3, 33, 50, 8]]) {
    for (const filter of [false, true]) {
      const c = makeCase(M, D, n, k, tn, 3 * n, filter, true);
      const r = await checkKernel('score_topk_nt_f32', {
        floats: { q: c.q, table: c.table, val: new Float64Array(M * k), buf: new Float64Array(M * tn) },
        ints: { idx: new Array(M * k).fill(7), cols: c.cols, counts: c.counts },
        args: (p) => [M, D, p.q, D, p.table, n, k, p.idx, p.val, p.buf, tn, p.cols, p.counts, c.maxCount],
        compare: ['idx', 'val'],
        tol: 0,
      });
      // Ties resolved to the lower column: among equal scores the indices ascend.
      for (let row = 0; row < M; row++) {
        for (let s = 1; s < k; s++) {
          const [v0, v1] = [r.floats.val[row * k + s - 1], r.floats.val[row * k + s]];
          const [i0, i1] = [r.ints.idx[row * k + s - 1], r.ints.idx[row * k + s]];
          if (i1 >= 0) assert.ok(v0 > v1 || (v0 === v1 && i0 < i1), `row ${row} slot ${s}: order`);
        }
      }
    }
  }
});

test.run();
