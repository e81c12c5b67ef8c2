// Pure-TS reference kernels of the topk family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/topk.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices.
// Top-k here keeps a sorted best-k list with binary insertion (the wasm build uses a heap), so
// the two are independent implementations of one contract.
import type { Floats } from './types.js';
import { gemm_f32_nt } from './gemm.js';

type I = Int32Array;

/**
 * Per row: the k best columns sorted by score descending, ties by column ascending; `skip`
 * (-1: none), NaN and -Infinity are never returned; missing slots get -1 and -Infinity.
 */
export function topk_rows_f32(F: Floats, I: I, scores: number, rows: number, n: number, k: number, outIdx: number, outVal: number, skip: number): void {
  if (k <= 0) return;
  const vals = new Float64Array(k);
  const idx = new Int32Array(k);
  for (let r = 0; r < rows; r++) {
    let size = 0;
    for (let j = 0; j < n; j++) {
      const v = F[scores + r * n + j];
      if (!(v > -Infinity) || j === skip) continue;
      // Later columns lose ties, so a full list only admits scores strictly above its last.
      if (size === k && !(v > vals[k - 1])) continue;
      let lo = 0;
      let hi = size;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (vals[mid] >= v) lo = mid + 1;
        else hi = mid;
      }
      const end = size < k ? size++ : k - 1;
      for (let s = end; s > lo; s--) {
        vals[s] = vals[s - 1];
        idx[s] = idx[s - 1];
      }
      vals[lo] = v;
      idx[lo] = j;
    }
    for (let s = 0; s < k; s++) {
      F[outVal + r * k + s] = s < size ? vals[s] : -Infinity;
      I[outIdx + r * k + s] = s < size ? idx[s] : -1;
    }
  }
}

/** scores[r, cols[r * maxCount + c]] = value for c < min(counts[r], maxCount); cols outside [0, n) ignored. */
export function mask_cols_f32(F: Floats, I: I, scores: number, rows: number, n: number, cols: number, counts: number, maxCount: number, value: number): void {
  for (let r = 0; r < rows; r++) {
    const cnt = Math.min(I[counts + r], maxCount);
    for (let c = 0; c < cnt; c++) {
      const col = I[cols + r * maxCount + c];
      if (col >= 0 && col < n) F[scores + r * n + col] = value;
    }
  }
}

/**
 * Fused scoring and top-k (see assembly/topk.ts): per row of q [M, D], the k best columns of
 * q·tableᵀ over n items, excluded columns (cols/counts, maxCount 0: none) never returned; the
 * same order and padding as topk_rows_f32. Scores a tile of tn items at a time into buf
 * [M, tn] with the reference GEMM and keeps each row's sorted best-k across tiles.
 */
export function score_topk_nt_f32(
  F: Floats, I: I, M: number, D: number, q: number, ldq: number, table: number, n: number, k: number,
  outIdx: number, outVal: number, buf: number, tn: number, cols: number, counts: number, maxCount: number,
): void {
  if (M <= 0 || k <= 0) return;
  const vals = new Float64Array(M * k);
  const idx = new Int32Array(M * k);
  const size = new Int32Array(M);
  const tile = Math.max(1, tn);
  for (let t0 = 0; t0 < n; t0 += tile) {
    const nb = Math.min(tile, n - t0);
    gemm_f32_nt(F, I, M, nb, D, 1, q, ldq, table + t0 * D, D, 0, buf, tile); // [M, nb]
    for (let r = 0; r < M; r++) {
      const cnt = maxCount > 0 ? Math.min(I[counts + r], maxCount) : 0;
      const o = r * k;
      for (let j = 0; j < nb; j++) {
        const v = F[buf + r * tile + j];
        const col = t0 + j;
        if (!(v > -Infinity)) continue;
        if (size[r] === k && !(v > vals[o + k - 1])) continue; // later columns lose ties
        let skip = false;
        for (let c = 0; c < cnt && !skip; c++) skip = I[cols + r * maxCount + c] === col;
        if (skip) continue;
        let lo = 0;
        let hi = size[r];
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (vals[o + mid] >= v) lo = mid + 1;
          else hi = mid;
        }
        const end = size[r] < k ? size[r]++ : k - 1;
        for (let s = end; s > lo; s--) {
          vals[o + s] = vals[o + s - 1];
          idx[o + s] = idx[o + s - 1];
        }
        vals[o + lo] = v;
        idx[o + lo] = col;
      }
    }
  }
  for (let r = 0; r < M; r++) {
    for (let s = 0; s < k; s++) {
      F[outVal + r * k + s] = s < size[r] ? vals[r * k + s] : -Infinity;
      I[outIdx + r * k + s] = s < size[r] ? idx[r * k + s] : -1;
    }
  }
}
