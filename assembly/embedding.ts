// embedding kernels: gather rows of a table by i32 ids, scatter-add rows back (duplicate ids
// accumulate, in id-list order, so results are deterministic), and a weighted pool of gathered
// rows. C ABI: byte offsets and integers in. SIMD main loop and scalar tail in one function.
// Id range is checked only in the debug build (asserts), where the abort message names the
// kernel, the position and the id; release builds trust the TS layer's checkIds.

// asconfig's `use: abort=` reaches the debug target too, so the builtin abort is unavailable
// there; this import is referenced only under !ASC_NO_ASSERT, so release builds do not import it.
// @ts-ignore: decorator
@external("env", "abort") declare function debugAbort(message: string, fileName: string, line: u32, column: u32): void;

// @ts-ignore: decorator
@inline function ldi(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
// @ts-ignore: decorator
@inline function rowPtr(base: usize, row: i32, d: i32): usize {
  return base + (((<usize>row) * (<usize>d)) << 2);
}

/** Debug builds only: abort naming the kernel, the id's position and value, and the range. */
// @ts-ignore: decorator
@inline function checkId(kernel: string, r: i32, id: i32, rows: i32): void {
  if (!ASC_NO_ASSERT) {
    if (<u32>id >= <u32>rows) {
      debugAbort(kernel + ": ids[" + r.toString() + "] = " + id.toString() + " is outside the table [0, " + rows.toString() + ")", "assembly/embedding.ts", 0, 0);
      unreachable();
    }
  }
}

/** dst[0..d) = src[0..d). Unrolled by 8: rows are short (d 16-256) and the loop is load/store-bound. */
// @ts-ignore: decorator
@inline function copyRow(src: usize, dst: usize, d: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 8 <= d; j += 8) {
      const o = (<usize>j) << 2;
      v128.store(dst + o, v128.load(src + o));
      v128.store(dst + o + 16, v128.load(src + o + 16));
    }
    for (; j + 4 <= d; j += 4) v128.store(dst + ((<usize>j) << 2), v128.load(src + ((<usize>j) << 2)));
  }
  for (; j < d; j++) store<f32>(dst + ((<usize>j) << 2), load<f32>(src + ((<usize>j) << 2)));
}

/** dst[0..d) += a * src[0..d). */
// @ts-ignore: decorator
@inline function axpyRow(a: f32, src: usize, dst: usize, d: i32): void {
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a);
    for (; j + 4 <= d; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), f32x4.mul(va, v128.load(src + o))));
    }
  }
  for (; j < d; j++) {
    const o = (<usize>j) << 2;
    store<f32>(dst + o, load<f32>(dst + o) + a * load<f32>(src + o));
  }
}

/** out[r] = table[ids[r]] for r < count; table is [rows, d], out is [count, d]. */
export function gather_rows_f32(table: usize, rows: i32, ids: usize, out: usize, count: i32, d: i32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    checkId("gather_rows_f32", r, id, rows);
    copyRow(rowPtr(table, id, d), rowPtr(out, r, d), d);
  }
}

/**
 * table[ids[r]] += src[r] for r = 0, 1, ..., count-1 in that order: duplicate ids accumulate,
 * and the summation order (hence the f32 rounding) is fixed by the id list.
 */
export function scatter_add_rows_f32(src: usize, ids: usize, table: usize, rows: i32, count: i32, d: i32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    checkId("scatter_add_rows_f32", r, id, rows);
    const dst = rowPtr(table, id, d);
    const s = rowPtr(src, r, d);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= d; j += 4) {
        const o = (<usize>j) << 2;
        v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(s + o)));
      }
    }
    for (; j < d; j++) {
      const o = (<usize>j) << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(s + o));
    }
  }
}

/**
 * Columns [0, n) of scatter_add_rows_f32 over rows `ld` floats apart: table[ids[r], j] +=
 * src[r, j] for r in order. A threaded engine runs scatter_add_rows_f32 as column ranges of this
 * kernel (engine/threads/split.ts): each element still accumulates its sources in id order, so
 * the bits are those of the whole call.
 */
export function scatter_add_cols_f32(src: usize, ids: usize, table: usize, rows: i32, count: i32, n: i32, ld: i32): void {
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    checkId("scatter_add_cols_f32", r, id, rows);
    const dst = rowPtr(table, id, ld);
    const s = rowPtr(src, r, ld);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= n; j += 4) {
        const o = (<usize>j) << 2;
        v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(s + o)));
      }
    }
    for (; j < n; j++) {
      const o = (<usize>j) << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(s + o));
    }
  }
}

/**
 * Weighted pool: out[b] = sum_t weights[b, t] * table[ids[b, t]] for b < count, t < n
 * (ids and weights are [count, n], out is [count, d]). A weight of 0 still reads its row, so
 * padding ids must be valid (row 0 is the zero padding row by convention).
 */
export function gather_pool_f32(table: usize, rows: i32, ids: usize, weights: usize, out: usize, count: i32, n: i32, d: i32): void {
  for (let b = 0; b < count; b++) {
    const o = rowPtr(out, b, d);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const z = f32x4.splat(0);
      for (; j + 4 <= d; j += 4) v128.store(o + ((<usize>j) << 2), z);
    }
    for (; j < d; j++) store<f32>(o + ((<usize>j) << 2), 0);
    for (let t = 0; t < n; t++) {
      const k = b * n + t;
      const id = ldi(ids, k);
      checkId("gather_pool_f32", k, id, rows);
      axpyRow(load<f32>(weights + ((<usize>k) << 2)), rowPtr(table, id, d), o, d);
    }
  }
}
