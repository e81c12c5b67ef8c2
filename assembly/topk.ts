// topk kernels: per-row top-k of a score matrix (sorted descending, ties to the lower column) and
// a column mask for history filtering. C ABI: byte offsets and integers in.
// Top-k keeps a size-k min-heap of the best so far in the output slots themselves (no scratch);
// once it is full, a candidate must beat the heap's root, so a SIMD compare of 16 scores against
// that threshold skips whole blocks: for random scores only ~k ln(n/k) of n scores are inserted.
// score_topk_nt_f32 fuses the scoring GEMM with that scan over cache-sized item tiles, so a
// full-catalogue evaluation never writes or re-reads a [rows, items] score matrix.
import { gemm_f32_nt } from './gemm';

// asconfig's `use: abort=` reaches the debug target too, so the builtin abort is unavailable
// there; this import is referenced only under !ASC_NO_ASSERT, so release builds do not import it.
// @ts-ignore: decorator
@external("env", "abort") declare function debugAbort(message: string, fileName: string, line: u32, column: u32): void;

// @ts-ignore: decorator
@inline function ldf(p: usize, i: i32): f32 {
  return load<f32>(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline function stf(p: usize, i: i32, v: f32): void {
  store<f32>(p + ((<usize>i) << 2), v);
}
// @ts-ignore: decorator
@inline function sti(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}

/** (va, ia) ranks below (vb, ib): smaller score, or equal score and larger column. */
// @ts-ignore: decorator
@inline function worse(va: f32, ia: i32, vb: f32, ib: i32): bool {
  return va < vb || (va == vb && ia > ib);
}

/** Whether any of the 16 floats at o is above thr (SIMD builds): skips a block no candidate passes. */
// @ts-ignore: decorator
@inline function anyAbove16(o: usize, thr: f32): bool {
  const t = f32x4.splat(thr);
  const any = v128.or(
    v128.or(f32x4.gt(v128.load(o), t), f32x4.gt(v128.load(o, 16), t)),
    v128.or(f32x4.gt(v128.load(o, 32), t), f32x4.gt(v128.load(o, 48), t)),
  );
  return v128.any_true(any);
}

/** Restore the min-heap (worst at the root) below slot i of a heap of `size` entries. */
function siftDown(hv: usize, hi: usize, i: i32, size: i32): void {
  const v = ldf(hv, i);
  const x = ldi(hi, i);
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    let cv = ldf(hv, c);
    let cx = ldi(hi, c);
    if (c + 1 < size) {
      const rv = ldf(hv, c + 1);
      const rx = ldi(hi, c + 1);
      if (worse(rv, rx, cv, cx)) {
        c++;
        cv = rv;
        cx = rx;
      }
    }
    if (!worse(cv, cx, v, x)) break;
    stf(hv, i, cv);
    sti(hi, i, cx);
    i = c;
  }
  stf(hv, i, v);
  sti(hi, i, x);
}

/** Heapsort in place: moving the worst to the end each time leaves the best first. */
function sortHeap(hv: usize, hi: usize, size: i32): void {
  for (let s = size - 1; s > 0; s--) {
    const v0 = ldf(hv, 0);
    const i0 = ldi(hi, 0);
    stf(hv, 0, ldf(hv, s));
    sti(hi, 0, ldi(hi, s));
    stf(hv, s, v0);
    sti(hi, s, i0);
    siftDown(hv, hi, 0, s);
  }
}

/** Add (v, j) to a heap of `size` < k entries (sift up). */
// @ts-ignore: decorator
@inline function push(hv: usize, hi: usize, size: i32, v: f32, j: i32): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pv = ldf(hv, p);
    const px = ldi(hi, p);
    if (!worse(v, j, pv, px)) break;
    stf(hv, i, pv);
    sti(hi, i, px);
    i = p;
  }
  stf(hv, i, v);
  sti(hi, i, j);
}

/**
 * Per row r < rows of scores [rows, n]: the k best columns into outIdx/outVal [rows, k], sorted
 * by score descending, equal scores by column ascending. Column `skip` (-1: none), NaN and
 * -Infinity scores are never returned (mask_cols_f32 writes -Infinity to exclude columns). When a
 * row has fewer than k candidates (k > n included) the remaining slots get -1 and -Infinity.
 */
export function topk_rows_f32(scores: usize, rows: i32, n: i32, k: i32, outIdx: usize, outVal: usize, skip: i32): void {
  if (k <= 0) return;
  for (let r = 0; r < rows; r++) {
    const x = scores + (((<usize>r) * (<usize>n)) << 2);
    const hv = outVal + (((<usize>r) * (<usize>k)) << 2);
    const hi = outIdx + (((<usize>r) * (<usize>k)) << 2);
    let size = 0;
    // Candidates must score above thr: -Infinity while filling (drops NaN and -Inf), then the root.
    let thr: f32 = -Infinity;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 16 <= n; j += 16) {
        if (!anyAbove16(x + ((<usize>j) << 2), thr)) continue;
        for (let q = j; q < j + 16; q++) {
          const v = ldf(x, q);
          if (!(v > thr) || q == skip) continue;
          if (size < k) {
            push(hv, hi, size++, v, q);
            if (size == k) thr = ldf(hv, 0);
          } else {
            stf(hv, 0, v);
            sti(hi, 0, q);
            siftDown(hv, hi, 0, k);
            thr = ldf(hv, 0);
          }
        }
      }
    }
    for (; j < n; j++) {
      const v = ldf(x, j);
      if (!(v > thr) || j == skip) continue;
      if (size < k) {
        push(hv, hi, size++, v, j);
        if (size == k) thr = ldf(hv, 0);
      } else {
        // Strictly greater than the root: an equal score has a larger column, so it ranks below.
        stf(hv, 0, v);
        sti(hi, 0, j);
        siftDown(hv, hi, 0, k);
        thr = ldf(hv, 0);
      }
    }
    sortHeap(hv, hi, size);
    for (let s = size; s < k; s++) {
      stf(hv, s, -Infinity);
      sti(hi, s, -1);
    }
  }
}

/**
 * scores[r, cols[r * maxCount + c]] = value for c < counts[r], r < rows (scores [rows, n]).
 * Columns outside [0, n) abort in the debug build and are ignored in release (a write there
 * would corrupt another tensor, and the check costs nothing next to the scattered store).
 */
export function mask_cols_f32(scores: usize, rows: i32, n: i32, cols: usize, counts: usize, maxCount: i32, value: f32): void {
  for (let r = 0; r < rows; r++) {
    const row = scores + (((<usize>r) * (<usize>n)) << 2);
    const cnt = min(ldi(counts, r), maxCount);
    for (let c = 0; c < cnt; c++) {
      const col = ldi(cols, r * maxCount + c);
      if (<u32>col >= <u32>n) {
        if (!ASC_NO_ASSERT) {
          debugAbort("mask_cols_f32: cols[" + r.toString() + ", " + c.toString() + "] = " + col.toString() + " is outside [0, " + n.toString() + ")", "assembly/topk.ts", 0, 0);
          unreachable();
        }
        continue;
      }
      stf(row, col, value);
    }
  }
}

/** Index of an empty heap slot (ranks below every real column at equal score -Infinity). */
const NONE: i32 = 0x7fffffff;
/** Floats of a group's score tile (256 KiB: in L2; measured against 64-1024-row groups). */
const TILE_FLOATS: i32 = 65536;
/** Query rows per group (64 KiB of queries at D 64, re-read from L2 for each 8-item panel). */
const ROW_GROUP: i32 = 256;

/** Column `col` is one of the row's `cnt` excluded columns at `hc`. */
// @ts-ignore: decorator
@inline function excluded(hc: usize, cnt: i32, col: i32): bool {
  for (let c = 0; c < cnt; c++) if (ldi(hc, c) == col) return true;
  return false;
}

/** Offer columns t0 .. t0 + nb of row r (scores at x) to the row's heap in outIdx/outVal. */
function scanRow(x: usize, nb: i32, t0: i32, r: i32, k: i32, outIdx: usize, outVal: usize, cols: usize, counts: usize, maxCount: i32): void {
  const hv = outVal + (((<usize>r) * (<usize>k)) << 2);
  const hi = outIdx + (((<usize>r) * (<usize>k)) << 2);
  const cnt = maxCount > 0 ? min(ldi(counts, r), maxCount) : 0;
  const hc = cols + (((<usize>r) * (<usize>maxCount)) << 2);
  let thr = ldf(hv, 0);
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 16 <= nb; j += 16) {
      if (!anyAbove16(x + ((<usize>j) << 2), thr)) continue;
      for (let c = j; c < j + 16; c++) {
        const v = ldf(x, c);
        if (!(v > thr) || excluded(hc, cnt, t0 + c)) continue;
        stf(hv, 0, v);
        sti(hi, 0, t0 + c);
        siftDown(hv, hi, 0, k);
        thr = ldf(hv, 0);
      }
    }
  }
  for (; j < nb; j++) {
    const v = ldf(x, j);
    // Strictly above the root: columns grow, so an equal score ranks below it.
    if (!(v > thr) || excluded(hc, cnt, t0 + j)) continue;
    stf(hv, 0, v);
    sti(hi, 0, t0 + j);
    siftDown(hv, hi, 0, k);
    thr = ldf(hv, 0);
  }
}

/**
 * Fused exact scoring and top-k: per query row r < M of q [M, D] (row stride ldq), the k best
 * columns j < n of q·tableᵀ (table [n, D], rows D apart) into outIdx/outVal [M, k], with
 * topk_rows_f32's order, padding and NaN/-Infinity rules. Columns cols[r·maxCount + c],
 * c < counts[r], are excluded (history filtering; maxCount 0 reads neither array). Items go
 * through in tiles of at most tn columns: gemm_f32_nt scores a tile into buf (≤ M·tn floats; the
 * same instructions per score as one whole GEMM, so the same bits) and each row's heap, kept in
 * its output slots from tile to tile, takes the tile's candidates. Empty slots hold
 * (-Infinity, NONE), so the strict threshold test admits every real score while filling.
 */
export function score_topk_nt_f32(M: i32, D: i32, q: usize, ldq: i32, table: usize, n: i32, k: i32, outIdx: usize, outVal: usize, buf: usize, tn: i32, cols: usize, counts: usize, maxCount: i32): void {
  if (M <= 0 || k <= 0) return;
  for (let i = 0; i < M * k; i++) {
    stf(outVal, i, -Infinity);
    sti(outIdx, i, NONE);
  }
  // Rows go in groups whose queries stay in cache while every item tile streams past once; the
  // group's [G, tile] scores stay in L2 for the scan. The GEMM here runs at the speed of a
  // cache-resident one, so the score matrix's memory traffic is gone.
  const G = min(M, ROW_GROUP);
  const tile = max(8, min(tn, TILE_FLOATS / G));
  for (let g0 = 0; g0 < M; g0 += G) {
    const g = min(G, M - g0);
    const qg = q + (((<usize>g0) * (<usize>ldq)) << 2);
    for (let t0 = 0; t0 < n; t0 += tile) {
      const nb = min(tile, n - t0);
      gemm_f32_nt(g, nb, D, 1, qg, ldq, table + ((<usize>t0 * <usize>D) << 2), D, 0, buf, tile); // [g, nb]
      for (let r = g0; r < g0 + g; r++) scanRow(buf + (((<usize>(r - g0)) * (<usize>tile)) << 2), nb, t0, r, k, outIdx, outVal, cols, counts, maxCount);
    }
  }
  for (let r = 0; r < M; r++) {
    const hv = outVal + (((<usize>r) * (<usize>k)) << 2);
    const hi = outIdx + (((<usize>r) * (<usize>k)) << 2);
    sortHeap(hv, hi, k);
    for (let s = 0; s < k; s++) if (ldi(hi, s) == NONE) sti(hi, s, -1);
  }
}
