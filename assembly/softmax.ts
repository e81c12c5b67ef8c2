// softmax kernels: row softmax (plain and masked), its backward, log-softmax (+ backward) and
// logsumexp. C ABI: byte offsets and integers in, nothing out but numbers.
// The SIMD main loop and the scalar tail live in one function; the scalar build comes from the
// same source with ASC_FEATURE_SIMD false. Every row subtracts its max before exp: logits of
// +-1e4 would otherwise overflow to Inf (or all underflow to 0, giving 0/0).
import { exp4, expf, hpmax4, hsum4 } from './vmath';

import { ld, st, vld, vst } from './mem';
import { SCRATCH } from './scratch';

/** max of x[0..n); -Infinity when n = 0. */
// @ts-ignore: decorator
@inline function rowMax(x: usize, n: i32): f32 {
  let m: f32 = -Infinity;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (n >= 4) {
      // pmax (one instruction) over max (~8 in V8): a NaN may be skipped here, but it still
      // poisons its own exp and hence the whole row, as in the reference.
      let v = vld(x, 0);
      for (i = 4; i + 4 <= n; i += 4) v = f32x4.pmax(v, vld(x, i));
      m = hpmax4(v);
    }
  }
  for (; i < n; i++) m = Mathf.max(m, ld(x, i));
  return m;
}

/** sum_j exp(x[j] - m), also stored to out[j] when `keep` (out may be 0 otherwise). */
// @ts-ignore: decorator
@inline function expSum(x: usize, out: usize, n: i32, m: f32, keep: bool): f32 {
  let s: f32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vm = f32x4.splat(m);
    let a = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const e = exp4(f32x4.sub(vld(x, i), vm));
      if (keep) vst(out, i, e);
      a = f32x4.add(a, e);
    }
    s = hsum4(a);
  }
  for (; i < n; i++) {
    const e = expf(ld(x, i) - m);
    if (keep) st(out, i, e);
    s += e;
  }
  return s;
}

/** out[j] *= c. */
// @ts-ignore: decorator
@inline function scaleRow(out: usize, n: i32, c: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vc = f32x4.splat(c);
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.mul(vld(out, i), vc));
  }
  for (; i < n; i++) st(out, i, ld(out, i) * c);
}

/** Sum of x[0..n). */
// @ts-ignore: decorator
@inline function rowSum(x: usize, n: i32): f32 {
  let s: f32 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let a = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) a = f32x4.add(a, vld(x, i));
    s = hsum4(a);
  }
  for (; i < n; i++) s += ld(x, i);
  return s;
}

// 4x4 transpose of the rows at p (16 floats) into the four column vectors of the lanes = rows
// layout, via a static 64-byte scratch (stays in L1; AssemblyScript has no multi-value returns).
// @ts-ignore: decorator
@inline function t4(): usize {
  return SCRATCH + 8192 + 64;
}

// @ts-ignore: decorator
@inline function transpose4(p: usize, dst: usize): void {
  const a = v128.load(p);
  const b = v128.load(p, 16);
  const c = v128.load(p, 32);
  const d = v128.load(p, 48);
  const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * Four rows of length 4 at once in the lanes = rows layout: after a 4x4 transpose, element j of
 * every row sits in one vector, so max, exp, sum and scale are vertical ops with no horizontal
 * reductions (the K = 4 interest axis of capsule routing has this shape). `masked` is a
 * compile-time switch; mask semantics as in softmax_rows_masked_f32.
 */
// @ts-ignore: decorator
@inline function softmax4x4(x: usize, mask: usize, out: usize, masked: bool): void {
  transpose4(x, t4());
  let c0 = v128.load(t4());
  let c1 = v128.load(t4(), 16);
  let c2 = v128.load(t4(), 32);
  let c3 = v128.load(t4(), 48);
  let k0 = c0, k1 = c0, k2 = c0, k3 = c0; // keep-masks (unused unless masked)
  if (masked) {
    transpose4(mask, t4());
    const z = f32x4.splat(0);
    const ninf = f32x4.splat(-Infinity);
    k0 = f32x4.ne(v128.load(t4()), z);
    k1 = f32x4.ne(v128.load(t4(), 16), z);
    k2 = f32x4.ne(v128.load(t4(), 32), z);
    k3 = f32x4.ne(v128.load(t4(), 48), z);
    c0 = v128.bitselect(c0, ninf, k0);
    c1 = v128.bitselect(c1, ninf, k1);
    c2 = v128.bitselect(c2, ninf, k2);
    c3 = v128.bitselect(c3, ninf, k3);
  }
  const m = f32x4.pmax(f32x4.pmax(c0, c1), f32x4.pmax(c2, c3));
  c0 = exp4(f32x4.sub(c0, m));
  c1 = exp4(f32x4.sub(c1, m));
  c2 = exp4(f32x4.sub(c2, m));
  c3 = exp4(f32x4.sub(c3, m));
  if (masked) {
    c0 = v128.and(c0, k0);
    c1 = v128.and(c1, k1);
    c2 = v128.and(c2, k2);
    c3 = v128.and(c3, k3);
  }
  const s = f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3));
  let inv = f32x4.div(f32x4.splat(1), s);
  if (masked) inv = v128.and(inv, f32x4.gt(s, f32x4.splat(0))); // fully masked row: 0, not 0 * Inf
  v128.store(t4(), f32x4.mul(c0, inv));
  v128.store(t4(), f32x4.mul(c1, inv), 16);
  v128.store(t4(), f32x4.mul(c2, inv), 32);
  v128.store(t4(), f32x4.mul(c3, inv), 48);
  transpose4(t4(), out); // a transpose is its own inverse
}

/** out[r] = softmax(x[r]) for `rows` rows of length n. */
export function softmax_rows_f32(x: usize, out: usize, rows: i32, n: i32): void {
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    if (n == 4) for (; r + 4 <= rows; r += 4) softmax4x4(x + ((<usize>r) << 4), 0, out + ((<usize>r) << 4), false);
  }
  for (; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    const m = rowMax(x + o, n);
    const s = expSum(x + o, out + o, n, m, true);
    scaleRow(out + o, n, 1 / s);
  }
}

/**
 * Masked softmax (models.md §1.2); mask is f32, nonzero = keep. Masked entries are left out of
 * the max and the sum and get exactly 0 (the exp is ANDed with the mask, so even garbage or
 * Inf in masked slots cannot leak). A fully masked row has sum 0 and gives zeros, not NaN.
 */
export function softmax_rows_masked_f32(x: usize, mask: usize, out: usize, rows: i32, n: i32): void {
  let r = 0;
  if (ASC_FEATURE_SIMD) {
    if (n == 4) {
      for (; r + 4 <= rows; r += 4) {
        const o = (<usize>r) << 4;
        softmax4x4(x + o, mask + o, out + o, true);
      }
    }
  }
  for (; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    const xr = x + o;
    const mr = mask + o;
    const orow = out + o;
    let m: f32 = -Infinity;
    let s: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      let vm = f32x4.splat(-Infinity);
      for (; i + 4 <= n; i += 4) {
        vm = f32x4.pmax(vm, v128.bitselect(vld(xr, i), f32x4.splat(-Infinity), f32x4.ne(vld(mr, i), zero)));
      }
      m = hpmax4(vm);
    }
    for (; i < n; i++) if (ld(mr, i) != 0) m = Mathf.max(m, ld(xr, i));
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      const vm = f32x4.splat(m);
      let a = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) {
        const e = v128.and(exp4(f32x4.sub(vld(xr, i), vm)), f32x4.ne(vld(mr, i), zero));
        vst(orow, i, e);
        a = f32x4.add(a, e);
      }
      s = hsum4(a);
    }
    for (; i < n; i++) {
      const e: f32 = ld(mr, i) != 0 ? expf(ld(xr, i) - m) : 0;
      st(orow, i, e);
      s += e;
    }
    // s >= 1 whenever one entry is kept (the max contributes exp(0)); s = 0 only when none is.
    scaleRow(orow, n, s > 0 ? 1 / s : 0);
  }
}

/** dx (+)= p * (g - <p, g>) per row; p = 0 at masked entries makes their dx exactly 0. */
export function softmax_rows_bwd_f32(p: usize, g: usize, dx: usize, rows: i32, n: i32, acc: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    const pr = p + o;
    const gr = g + o;
    const dr = dx + o;
    let d: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      let a = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) a = f32x4.add(a, f32x4.mul(vld(pr, i), vld(gr, i)));
      d = hsum4(a);
    }
    for (; i < n; i++) d += ld(pr, i) * ld(gr, i);
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vd = f32x4.splat(d);
      for (; i + 4 <= n; i += 4) {
        let v = f32x4.mul(vld(pr, i), f32x4.sub(vld(gr, i), vd));
        if (acc) v = f32x4.add(vld(dr, i), v);
        vst(dr, i, v);
      }
    }
    for (; i < n; i++) {
      const v = ld(pr, i) * (ld(gr, i) - d);
      st(dr, i, acc ? ld(dr, i) + v : v);
    }
  }
}

/** out[r] = x[r] - max - log(sum exp(x[r] - max)). */
export function log_softmax_rows_f32(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    const m = rowMax(x + o, n);
    const lse = m + Mathf.log(expSum(x + o, 0, n, m, false));
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vl = f32x4.splat(lse);
      for (; i + 4 <= n; i += 4) vst(out + o, i, f32x4.sub(vld(x + o, i), vl));
    }
    for (; i < n; i++) st(out + o, i, ld(x + o, i) - lse);
  }
}

/** dx (+)= g - exp(y) * sum(g) per row, y the saved log-softmax output. */
export function log_softmax_rows_bwd_f32(y: usize, g: usize, dx: usize, rows: i32, n: i32, acc: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    const yr = y + o;
    const gr = g + o;
    const dr = dx + o;
    const sg = rowSum(gr, n);
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vs = f32x4.splat(sg);
      for (; i + 4 <= n; i += 4) {
        let v = f32x4.sub(vld(gr, i), f32x4.mul(exp4(vld(yr, i)), vs));
        if (acc) v = f32x4.add(vld(dr, i), v);
        vst(dr, i, v);
      }
    }
    for (; i < n; i++) {
      const v = ld(gr, i) - expf(ld(yr, i)) * sg;
      st(dr, i, acc ? ld(dr, i) + v : v);
    }
  }
}

/** out[r] = log sum_j exp(x[r, j]) = max + log(sum exp(x - max)); -Infinity for n = 0. */
export function logsumexp_rows_f32(x: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    const m = rowMax(x + o, n);
    st(out, r, n > 0 ? m + Mathf.log(expSum(x + o, 0, n, m, false)) : -Infinity);
  }
}
