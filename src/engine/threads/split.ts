// How each kernel call divides between threads without changing a single bit of its result:
// every part gets whole output rows (or GEMM columns, or batch entries) starting at multiples of
// the kernels' own blocking (4 rows: the GEMM's MR and softmax's lanes = rows groups; 8 columns:
// the GEMM's NR; 64 elements: every SIMD loop's width), so each output element is produced by
// the same instruction sequence as on one thread. Kernels that reduce across rows split by
// columns instead (sum_cols, scatter_add_rows: their parts run a strided variant, see VIA), so
// every element still adds its sources in order; layernorm_bwd (dgamma) always runs whole.
import type { KernelName } from '../abi/index.js';

/** Arguments of one kernel call, and the argument lists of its parts (chunks; any thread may run any of them). */
export type Args = number[];
export type Splitter = (args: Args, parts: number, minWork: number) => Args[] | null;

/**
 * Costs the splitters weigh (benchmarks compare settings; a setting changes which calls split,
 * never a bit of a result). `minColumns`: fewest columns in a column part (sum_cols,
 * scatter_add_rows). Each part pays the per-row cost (a call and a loop set-up per row) again, so
 * narrow parts cost more than they share: in a ComiRec-SA step on 2 threads, sum_cols over 2560
 * rows of 256 ran 0.38x in parts of 32 columns and 0.74x in parts of 128, scatter_add_rows over
 * rows of 64 in parts of 16 0.61x (bench/experiments/split-efficiency.mts). `gemmPrefer`
 * forces a GEMM's split by rows or by columns (benchmarks only; 'auto' takes columns unless rows
 * give more parts: the step's NN and NT shapes tie in 41 alternating rounds, TN runs 1.88x by
 * columns against 1.65x by rows, bench/experiments/gemm-split-ab.mts).
 */
export const SPLIT_COST = { minColumns: 256, gemmPrefer: 'auto' as 'auto' | 'rows' | 'cols' };

/** Split `count` units into at most `parts` ranges aligned to `align` (the last takes the rest). */
export function ranges(count: number, parts: number, align: number, minUnits: number): [number, number][] {
  const want = Math.min(parts, Math.floor(count / Math.max(align, minUnits)));
  if (want < 2) return [[0, count]];
  const per = Math.ceil(count / want / align) * align;
  const out: [number, number][] = [];
  for (let s = 0; s < count; s += per) out.push([s, Math.min(per, count - s)]);
  // A short tail joins the part before it (a GEMM part of few rows would take another path).
  const last = out[out.length - 1];
  if (out.length > 1 && last[1] < minUnits) {
    out.pop();
    out[out.length - 1][1] += last[1];
  }
  return out.length >= 2 ? out : [[0, count]];
}

/**
 * A splitter over `countAt` units. `adv` lists, for each pointer argument that moves with the
 * units, its index and the elements per unit (a number, or the index of the argument holding it).
 */
function units(countAt: number, align: number, workPerUnit: (a: Args) => number, adv: [number, number | { arg: number }][]): Splitter {
  return (args, parts, minWork) => {
    const count = args[countAt];
    const per = Math.max(1, workPerUnit(args));
    if (count * per < 2 * minWork) return null;
    const rs = ranges(count, parts, align, Math.ceil(minWork / per));
    if (rs.length < 2) return null;
    return rs.map(([s, n]) => {
      const a = args.slice();
      a[countAt] = n;
      for (const [i, e] of adv) a[i] += 4 * s * (typeof e === 'number' ? e : args[e.arg]);
      return a;
    });
  };
}

const one = () => 1;
const arg = (i: number) => (a: Args) => a[i];
const ew = (countAt: number, ptrs: number[]) => units(countAt, 64, one, ptrs.map((p) => [p, 1] as [number, number]));
/**
 * What a row costs beyond its n elements (setup, horizontal sums and stores of short rows), in
 * elements. Measured (bench/experiments/split-coverage.mts, one thread): softmax_rows_masked over
 * 2560 rows of 4 takes ≈ 47 µs, about what 100k elements of an elementwise pass take, so counting
 * only rows × n (10k) kept such calls whole.
 */
const ROW_OVERHEAD = 32;
const rowsOf = (rowsAt: number, nAt: number, full: number[], perRow: number[] = []) =>
  units(rowsAt, 4, (a) => a[nAt] + ROW_OVERHEAD, [
    ...full.map((p) => [p, { arg: nAt }] as [number, { arg: number }]),
    ...perRow.map((p) => [p, 1] as [number, number]),
  ]);

/**
 * GEMM (M, N, K, alpha, a, lda, b, ldb, beta, c, ldc): by columns of C in multiples of 8 (the
 * kernel's outer loop runs over 8-column panels of B, so a column split repeats no work), or by
 * rows in multiples of 4 when that gives more chunks (parts of at least 12 rows, so no part takes
 * the few-rows direct path unless the whole call does; each row part packs B again). Every chunk
 * holds at least `minWork` multiply-adds. `aT` says A is stored transposed [K, M] (TN), `bT` B
 * [N, K] (NT).
 */
function gemm(aT: boolean, bT: boolean): Splitter {
  return (args, parts, minWork) => {
    const [M, N, K, , , lda, , ldb, , , ldc] = args;
    if (M * N * K < 2 * minWork) return null;
    const byCols = ranges(N, parts, 8, Math.max(8, Math.ceil(minWork / Math.max(1, M * K))));
    const byRows = M >= 24 ? ranges(M, parts, 4, Math.max(12, Math.ceil(minWork / Math.max(1, N * K)))) : [];
    const rows = SPLIT_COST.gemmPrefer === 'rows' ? byRows.length >= 2
      : SPLIT_COST.gemmPrefer === 'cols' ? byCols.length < 2 && byRows.length >= 2
      : byRows.length > byCols.length;
    if (rows) {
      return byRows.map(([s, n]) => {
        const x = args.slice();
        x[0] = n;
        x[4] += 4 * s * (aT ? 1 : lda);
        x[9] += 4 * s * ldc;
        return x;
      });
    }
    if (byCols.length < 2) return null;
    return byCols.map(([s, n]) => {
      const x = args.slice();
      x[1] = n;
      x[6] += 4 * s * (bT ? ldb : 1);
      x[9] += 4 * s;
      return x;
    });
  };
}

/**
 * Batched GEMM (batch, M, N, K, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc): by batch entry,
 * when the entries' outputs are disjoint: one after another (sc at least one entry's C), or side
 * by side in the same rows (sc ≥ N and every entry within ldc, e.g. ComiRec-DR's per-(b, k)
 * columns, sc = 1, ldc = batch). Entries that overlap (e.g. sc = 0) accumulate into the same C
 * one after another, which only one thread can do in order. A kernel writes only its own N
 * columns of a row (partial tiles store element by element), so neighbours never race.
 */
function disjointEntries(batch: number, M: number, N: number, ldc: number, sc: number): boolean {
  if (Math.abs(sc) >= (M - 1) * ldc + N) return true;
  return sc >= N && (batch - 1) * sc + N <= ldc;
}

/**
 * Multiply-adds one entry really costs: rows padded to the 4-row tile, columns to the 8-column
 * panel, plus packing B (K × 8 per panel). Small entries pay far more than M·N·K: SINE's
 * 128 entries of 1 × 20 × 64 take ≈ 155 µs on one thread (≈ 1 GMAC/s against ≈ 13 for the
 * step's large GEMMs; bench/experiments/split-coverage.mts), and counting M·N·K kept them whole.
 */
function entryWork(a: Args): number {
  const [, M, N, K] = a;
  const cols = Math.ceil(N / 8) * 8;
  return (Math.ceil(M / 4) * 4 + 1) * cols * K;
}

const byEntry = units(0, 1, entryWork, [
  [5, { arg: 7 }],
  [8, { arg: 10 }],
  [12, { arg: 14 }],
]);
const batched: Splitter = (args, parts, minWork) => {
  const [batch, M, N, , , , , , , , , , , ldc, sc] = args;
  if (!disjointEntries(batch, M, N, ldc, sc)) return null;
  return byEntry(args, parts, minWork);
};

/** Compact-table scoring (M, n, D, q, ldq, tab, [scales,] out, ldo): by query rows, as the GEMM. */
function scoreRows(outAt: number): Splitter {
  return (args, parts, minWork) => {
    const [M, n, D, , ldq] = args;
    if (M * n * D < 2 * minWork || M < 24) return null;
    const rs = ranges(M, parts, 4, 12);
    if (rs.length < 2) return null;
    return rs.map(([s, m]) => {
      const x = args.slice();
      x[0] = m;
      x[3] += 4 * s * ldq;
      x[outAt] += 4 * s * args[outAt + 1];
      return x;
    });
  };
}

/**
 * A reduction over rows split by column ranges of 16 floats (a cache line: parts never write the
 * same line), as parts of its strided variant: `cols` gives (n, work per column), `part` the
 * variant's arguments for columns [j0, j0 + n) of a call.
 */
function byColumns(cols: (a: Args) => [number, number], part: (a: Args, j0: number, n: number) => Args): Splitter {
  return (args, parts, minWork) => {
    const [n, per] = cols(args);
    if (n * per < 2 * minWork) return null;
    const rs = ranges(n, parts, 16, Math.max(SPLIT_COST.minColumns, Math.ceil(minWork / Math.max(1, per))));
    if (rs.length < 2) return null;
    return rs.map(([j0, m]) => part(args, j0, m));
  };
}

/**
 * MIND's fused routing (h, logits, mask, c, s, u, B, T, K, D, iters): by batch entries, each of
 * which routes on its own. The masked softmax takes rows of 4 four at a time from its first row,
 * so parts start at a row that is a multiple of 4 and all but the last hold a multiple of 4 rows
 * (entries in multiples of 4 / gcd(T, 4)): every row takes the path it takes in the whole call.
 * Work per entry: 2 products of T·K·D per iteration (small batched GEMMs, see entryWork).
 */
const routeShared: Splitter = (args, parts, minWork) => {
  const [, , , , , , B, T, K, D, iters] = args;
  const per = Math.max(1, (iters + 1) * 2 * T * K * D);
  if (B * per < 2 * minWork) return null;
  const align = 4 / (T % 4 === 0 ? 4 : T % 2 === 0 ? 2 : 1);
  const rs = ranges(B, parts, align, Math.ceil(minWork / per));
  if (rs.length < 2) return null;
  return rs.map(([b0, n]) => {
    const a = args.slice();
    a[6] = n;
    a[0] += 4 * b0 * T * D;
    for (const i of [1, 2, 3]) a[i] += 4 * b0 * T * K;
    for (const i of [4, 5]) a[i] += 4 * b0 * K * D;
    return a;
  });
};

/** Batched transpose (src, dst, batch, R, C, acc): by whole [R, C] blocks. */
const transposeBlocks: Splitter = (args, parts, minWork) => {
  const [, , batch, R, C] = args;
  const per = Math.max(1, R * C);
  if (batch * per < 2 * minWork) return null;
  const rs = ranges(batch, parts, 1, Math.ceil(minWork / per));
  if (rs.length < 2) return null;
  return rs.map(([b0, n]) => {
    const a = args.slice();
    a[2] = n;
    a[0] += 4 * b0 * per;
    a[1] += 4 * b0 * per;
    return a;
  });
};

/** Kernels whose parts run as another kernel (a strided variant taking column ranges). */
export const VIA: Partial<Record<KernelName, KernelName>> = {
  scatter_add_rows_f32: 'scatter_add_cols_f32',
  sum_cols_f32: 'sum_cols_ld_f32',
};

export const SPLITTERS: Partial<Record<KernelName, Splitter>> = {
  // (src, ids, table, rows, count, d) → scatter_add_cols_f32 (src, ids, table, rows, count, n, ld)
  scatter_add_rows_f32: byColumns((a) => [a[5], a[4]], ([src, ids, table, rows, count, d], j0, n) => [src + 4 * j0, ids, table + 4 * j0, rows, count, n, d]),
  route_shared_f32: routeShared,
  // (src, lds, dst, ldd, rows, n, acc): by rows, each pointer moving its own stride
  copy_rows_f32: units(4, 4, (a) => a[5] + ROW_OVERHEAD, [[0, { arg: 1 }], [2, { arg: 3 }]]),
  transpose_f32: transposeBlocks,
  // (x, out, rows, n, acc) → sum_cols_ld_f32 (x, out, rows, n, acc, ld)
  sum_cols_f32: byColumns((a) => [a[3], a[2]], ([x, out, rows, n, acc], j0, m) => [x + 4 * j0, out + 4 * j0, rows, m, acc, n]),
  gemm_f32_nn: gemm(false, false),
  gemm_f32_nt: gemm(false, true),
  gemm_f32_tn: gemm(true, false),
  gemm_batched_f32_nn: batched,
  gemm_batched_f32_nt: batched,
  gemm_batched_f32_tn: batched,
  // elementwise: (…pointers, n) with n at the given index
  add_f32: ew(3, [0, 1, 2]),
  sub_f32: ew(3, [0, 1, 2]),
  mul_f32: ew(3, [0, 1, 2]),
  mul_acc_f32: ew(3, [0, 1, 2]),
  axpy_f32: ew(0, [2, 3]),
  scale_f32: ew(3, [0, 2]),
  add_scalar_f32: ew(3, [0, 2]),
  fill_f32: ew(2, [0]),
  copy_f32: ew(2, [0, 1]),
  relu_f32: ew(2, [0, 1]),
  tanh_f32: ew(2, [0, 1]),
  sigmoid_f32: ew(2, [0, 1]),
  exp_f32: ew(2, [0, 1]),
  log_f32: ew(2, [0, 1]),
  relu_bwd_f32: ew(3, [0, 1, 2]),
  tanh_bwd_f32: ew(3, [0, 1, 2]),
  sigmoid_bwd_f32: ew(3, [0, 1, 2]),
  bce_logits_f32: ew(3, [0, 1, 2]),
  bce_logits_bwd_f32: ew(4, [0, 1, 2, 3]),
  adam_f32: ew(4, [0, 1, 2, 3]),
  adagrad_f32: ew(3, [0, 1, 2]),
  sgd_f32: ew(2, [0, 1]),
  // row kernels: (…, rows, n) — row-sized pointers move n per row, per-row outputs 1 per row
  add_row_f32: rowsOf(3, 4, [0, 2]),
  mul_rows_scalar_f32: rowsOf(3, 4, [0, 2], [1]),
  softmax_rows_f32: rowsOf(2, 3, [0, 1]),
  softmax_rows_masked_f32: rowsOf(3, 4, [0, 1, 2]),
  softmax_rows_bwd_f32: rowsOf(3, 4, [0, 1, 2]),
  log_softmax_rows_f32: rowsOf(2, 3, [0, 1]),
  log_softmax_rows_bwd_f32: rowsOf(3, 4, [0, 1, 2]),
  logsumexp_rows_f32: rowsOf(2, 3, [0], [1]),
  softmax_xent_rows_f32: rowsOf(2, 3, [0, 1, 5], [4]),
  // (logits, mask, rows, n, rowShift f64, labels, cand, candShift): rowShift moves 8 bytes a row
  logq_shift_mask_f32: units(2, 4, arg(3), [[0, { arg: 3 }], [1, { arg: 3 }], [4, 2], [5, 1]]),
  // (ids i32, out f64, count, N, tries, S, kind): by ranges of ids; ≈ 128 flops of log math per id
  sampler_logq_f64: units(2, 4, () => 128, [[0, 1], [1, 2]]),
  // (u f64, out i32, count, n): by ranges of draws; a double-double log and exp per draw
  log_uniform_draws: units(2, 4, () => 128, [[0, 2], [1, 1]]),
  squash_f32: rowsOf(2, 3, [0, 1]),
  squash_bwd_f32: rowsOf(3, 4, [0, 1, 2]),
  layernorm_f32: rowsOf(6, 7, [0, 3], [4, 5]),
  sum_rows_f32: rowsOf(2, 3, [0], [1]),
  max_rows_f32: rowsOf(2, 3, [0], [1]),
  argmax_rows_f32: rowsOf(2, 3, [0], [1]),
  mean_var_rows_f32: rowsOf(3, 4, [0], [1, 2]),
  dot_rows_f32: rowsOf(3, 4, [0, 1], [2]),
  // (table, rows, ids, out, count, d): by output row
  gather_rows_f32: units(4, 4, arg(5), [[2, 1], [3, { arg: 5 }]]),
  // (table, rows, ids, weights, out, count, n, d)
  gather_pool_f32: units(5, 4, (a) => a[6] * a[7], [[2, { arg: 6 }], [3, { arg: 6 }], [4, { arg: 7 }]]),
  // row-sparse optimizer steps over unique ids: (param, grad, m, v, ids, count, d, …)
  adam_rows_f32: units(5, 4, arg(6), [[1, { arg: 6 }], [4, 1]]),
  adagrad_rows_f32: units(4, 4, arg(5), [[1, { arg: 5 }], [3, 1]]),
  sgd_rows_f32: units(3, 4, arg(4), [[1, { arg: 4 }], [2, 1]]),
  // f16 state: (param, grad, m16, v16, scales, ids, count, d, …), (param, grad, acc16, scales, ids, count, d, …)
  adam_rows_f16: units(6, 4, arg(7), [[1, { arg: 7 }], [5, 1]]),
  adagrad_rows_f16: units(5, 4, arg(6), [[1, { arg: 6 }], [4, 1]]),
  // (scores, rows, n, k, outIdx, outVal, skip)
  topk_rows_f32: units(1, 4, arg(2), [[0, { arg: 2 }], [4, { arg: 3 }], [5, { arg: 3 }]]),
  // (scores, rows, n, cols, counts, maxCount, value)
  mask_cols_f32: units(1, 4, arg(2), [[0, { arg: 2 }], [3, { arg: 5 }], [4, 1]]),
  // (M, D, q, ldq, table, n, k, outIdx, outVal, buf, tn, cols, counts, maxCount): by query row
  score_topk_nt_f32: units(0, 4, (a) => a[1] * a[5], [[2, { arg: 3 }], [7, { arg: 6 }], [8, { arg: 6 }], [9, { arg: 10 }], [11, { arg: 13 }], [12, 1]]),
  score_i8_nt: scoreRows(7),
  score_f16_nt: scoreRows(6),
};
