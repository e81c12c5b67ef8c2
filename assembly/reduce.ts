// reduce kernels: row sums, column sums, max, argmax, mean/variance, row dot products and the
// sum of squares used for gradient norms. C ABI: byte offsets and integers in, numbers out.
// The SIMD main loop and the scalar tail live in one function; the scalar build comes from the
// same source with ASC_FEATURE_SIMD false. Rows are contiguous: row r starts at x + 4 r n.
import { hmax4, hsum4 } from './vmath';
import { add_f32, fill_f32 } from './elementwise';

import { ld, vld } from './mem';
// @ts-ignore: decorator
@inline function row(p: usize, r: i32, n: i32): usize {
  return p + ((<usize>r * <usize>n) << 2);
}

/** Sum of x[0..n). Two vector accumulators hide the add latency. */
// @ts-ignore: decorator
@inline function sum1(x: usize, n: i32): f32 {
  let i = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let a = f32x4.splat(0);
    let b = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      a = f32x4.add(a, vld(x, i));
      b = f32x4.add(b, vld(x, i + 4));
    }
    for (; i + 4 <= n; i += 4) a = f32x4.add(a, vld(x, i));
    s = hsum4(f32x4.add(a, b));
  }
  for (; i < n; i++) s += ld(x, i);
  return s;
}

/** <a, b> over n elements. */
// @ts-ignore: decorator
@inline function dot1(a: usize, b: usize, n: i32): f32 {
  let i = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let u = f32x4.splat(0);
    let v = f32x4.splat(0);
    for (; i + 8 <= n; i += 8) {
      u = f32x4.add(u, f32x4.mul(vld(a, i), vld(b, i)));
      v = f32x4.add(v, f32x4.mul(vld(a, i + 4), vld(b, i + 4)));
    }
    for (; i + 4 <= n; i += 4) u = f32x4.add(u, f32x4.mul(vld(a, i), vld(b, i)));
    s = hsum4(f32x4.add(u, v));
  }
  for (; i < n; i++) s += ld(a, i) * ld(b, i);
  return s;
}

/** out[r] = sum_j x[r, j]. */
export function sum_rows_f32(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) store<f32>(out + ((<usize>r) << 2), sum1(row(x, r, n), n));
}

/** out[j] (+)= sum_r x[r, j]. Walks rows in memory order, adding each row into out. */
export function sum_cols_f32(x: usize, out: usize, rows: i32, n: i32, acc: i32): void {
  if (!acc) fill_f32(out, 0, n);
  for (let r = 0; r < rows; r++) add_f32(out, row(x, r, n), out, n);
}

/**
 * Columns [0, n) of sum_cols_f32 over rows `ld` floats apart. A threaded engine runs sum_cols_f32
 * as column ranges of this kernel (engine/threads/split.ts): every column still adds its rows in
 * order, so the bits are those of the whole call.
 */
export function sum_cols_ld_f32(x: usize, out: usize, rows: i32, n: i32, acc: i32, ld: i32): void {
  if (!acc) fill_f32(out, 0, n);
  for (let r = 0; r < rows; r++) add_f32(out, row(x, r, ld), out, n);
}

/** out[r] = max_j x[r, j]; -Infinity for an empty row, NaN propagates (f32.max semantics). */
export function max_rows_f32(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const p = row(x, r, n);
    let m: f32 = -Infinity;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      if (n >= 4) {
        let v = vld(p, 0);
        for (i = 4; i + 4 <= n; i += 4) v = f32x4.max(v, vld(p, i));
        m = hmax4(v);
      }
    }
    for (; i < n; i++) m = Mathf.max(m, ld(p, i));
    store<f32>(out + ((<usize>r) << 2), m);
  }
}

/**
 * idx[r] = argmax_j x[r, j], the lowest index on ties, -1 for an empty row. Each lane keeps its
 * first maximum (strict >); the lanes are then merged by value, ties going to the lowest index.
 */
export function argmax_rows_f32(x: usize, idx: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const p = row(x, r, n);
    let best = -1;
    let m: f32 = -Infinity;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      if (n >= 8) {
        let bv = vld(p, 0);
        let bi = i32x4(0, 1, 2, 3);
        let ci = bi;
        const four = i32x4.splat(4);
        for (i = 4; i + 4 <= n; i += 4) {
          ci = i32x4.add(ci, four);
          const v = vld(p, i);
          const gt = f32x4.gt(v, bv);
          bv = v128.bitselect(v, bv, gt);
          bi = v128.bitselect(ci, bi, gt);
        }
        m = hmax4(bv);
        let k = v128.bitselect(bi, i32x4.splat(i32.MAX_VALUE), f32x4.eq(bv, f32x4.splat(m)));
        k = i32x4.min_s(k, v128.shuffle<i32>(k, k, 2, 3, 0, 1));
        k = i32x4.min_s(k, v128.shuffle<i32>(k, k, 1, 0, 3, 2));
        best = i32x4.extract_lane(k, 0);
      }
    }
    for (; i < n; i++) {
      const v = ld(p, i);
      if (best < 0 || v > m) {
        m = v;
        best = i;
      }
    }
    store<i32>(idx + ((<usize>r) << 2), best);
  }
}

/** mean[r], population var[r] of each row. Two passes: E[x^2] - E[x]^2 cancels badly in f32. */
export function mean_var_rows_f32(x: usize, mean: usize, v: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const p = row(x, r, n);
    const mu: f32 = n > 0 ? sum1(p, n) / <f32>n : 0;
    let q: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(mu);
      let a = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const d = f32x4.sub(vld(p, i), vm);
        a = f32x4.add(a, f32x4.mul(d, d));
      }
      q = hsum4(a);
    }
    for (; i < n; i++) {
      const d = ld(p, i) - mu;
      q += d * d;
    }
    store<f32>(mean + ((<usize>r) << 2), mu);
    store<f32>(v + ((<usize>r) << 2), n > 0 ? q / <f32>n : 0);
  }
}

/** out[r] = <a[r], b[r]>. */
export function dot_rows_f32(a: usize, b: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) store<f32>(out + ((<usize>r) << 2), dot1(row(a, r, n), row(b, r, n), n));
}

/** sum_i x[i]^2 as f64: f32 partial sums over blocks of 1024, then added in f64 (large n). */
export function sum_sq_f32(x: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i += 1024) {
    const m = min(1024, n - i);
    const p = x + ((<usize>i) << 2);
    total += <f64>dot1(p, p, m);
  }
  return total;
}
