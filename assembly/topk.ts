// topk kernels: per-row top-k of a score matrix (sorted descending, ties to the lower column) and
// a column mask for history filtering. C ABI: byte offsets and integers in.
// Top-k keeps a size-k min-heap of the best so far in the output slots themselves (no scratch);
// once it is full, a candidate must beat the heap's root, so a SIMD compare of 16 scores against
// that threshold skips whole blocks: for random scores only ~k ln(n/k) of n scores are inserted.

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
        const t = f32x4.splat(thr);
        const o = x + ((<usize>j) << 2);
        const any = v128.or(
          v128.or(f32x4.gt(v128.load(o), t), f32x4.gt(v128.load(o, 16), t)),
          v128.or(f32x4.gt(v128.load(o, 32), t), f32x4.gt(v128.load(o, 48), t)),
        );
        if (!v128.any_true(any)) continue;
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
    // Heapsort in place: moving the worst to the end each time leaves the best first.
    for (let s = size - 1; s > 0; s--) {
      const v0 = ldf(hv, 0);
      const i0 = ldi(hi, 0);
      stf(hv, 0, ldf(hv, s));
      sti(hi, 0, ldi(hi, s));
      stf(hv, s, v0);
      sti(hi, s, i0);
      siftDown(hv, hi, 0, s);
    }
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
