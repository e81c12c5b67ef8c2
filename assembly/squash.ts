// squash kernels (capsule non-linearity, models.md §1.1) and backward. C ABI: byte offsets and
// integers in, nothing out. The SIMD main loop and the scalar tail live in one function; the
// scalar build comes from the same source with ASC_FEATURE_SIMD false. Per row: one pass for the
// norm (and <s, g>), scalar factors in f64, one pass to scale.
import { hsum4 } from './vmath';

// eps sits inside the square root only: f(0) = 0 / sqrt(eps) = 0 rather than 0/0, and the
// backward factor f'(0) = 1/sqrt(eps) stays finite (it multiplies <s, g> = 0 there).
const EPS: f64 = 1e-9;

import { ld, vld } from './mem';

/** <a, b> over d elements, two vector accumulators. */
// @ts-ignore: decorator
@inline function dot(a: usize, b: usize, d: i32): f32 {
  let i = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let u = f32x4.splat(0);
    let v = f32x4.splat(0);
    for (; i + 8 <= d; i += 8) {
      u = f32x4.add(u, f32x4.mul(vld(a, i), vld(b, i)));
      v = f32x4.add(v, f32x4.mul(vld(a, i + 4), vld(b, i + 4)));
    }
    for (; i + 4 <= d; i += 4) u = f32x4.add(u, f32x4.mul(vld(a, i), vld(b, i)));
    s = hsum4(f32x4.add(u, v));
  }
  for (; i < d; i++) s += ld(a, i) * ld(b, i);
  return s;
}

/** out[r] = f(n) s[r], n = |s[r]|^2, f(n) = n / ((1 + n) sqrt(n + eps)). */
export function squash_f32(s: usize, out: usize, rows: i32, d: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>d) << 2;
    const sr = s + o;
    const orow = out + o;
    const n = <f64>dot(sr, sr, d);
    const f = <f32>(n / ((1 + n) * Math.sqrt(n + EPS)));
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vf = f32x4.splat(f);
      for (; i + 4 <= d; i += 4) v128.store(orow + ((<usize>i) << 2), f32x4.mul(vld(sr, i), vf));
    }
    for (; i < d; i++) store<f32>(orow + ((<usize>i) << 2), f * ld(sr, i));
  }
}

/**
 * ds (+)= f(n) g + 2 f'(n) <s, g> s with f'(n) = ((n + eps) - n (1 + n) / 2) /
 * ((1 + n)^2 (n + eps)^1.5); s is the forward input. Zero at s = 0.
 */
export function squash_bwd_f32(s: usize, g: usize, ds: usize, rows: i32, d: i32, acc: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>d) << 2;
    const sr = s + o;
    const gr = g + o;
    const dr = ds + o;
    let n: f64;
    let sg: f64;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      // One pass for both |s|^2 and <s, g>.
      let a = f32x4.splat(0);
      let b = f32x4.splat(0);
      for (; i + 4 <= d; i += 4) {
        const v = vld(sr, i);
        a = f32x4.add(a, f32x4.mul(v, v));
        b = f32x4.add(b, f32x4.mul(v, vld(gr, i)));
      }
      let nt: f32 = hsum4(a);
      let st: f32 = hsum4(b);
      for (; i < d; i++) {
        nt += ld(sr, i) * ld(sr, i);
        st += ld(sr, i) * ld(gr, i);
      }
      n = nt;
      sg = st;
    } else {
      n = <f64>dot(sr, sr, d);
      sg = <f64>dot(sr, gr, d);
    }
    const ne = n + EPS;
    const rs = Math.sqrt(ne);
    const f = <f32>(n / ((1 + n) * rs));
    const c = <f32>((2 * sg * (ne - (n * (1 + n)) / 2)) / ((1 + n) * (1 + n) * ne * rs));
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vf = f32x4.splat(f);
      const vc = f32x4.splat(c);
      for (; i + 4 <= d; i += 4) {
        let v = f32x4.add(f32x4.mul(vf, vld(gr, i)), f32x4.mul(vc, vld(sr, i)));
        if (acc) v = f32x4.add(vld(dr, i), v);
        v128.store(dr + ((<usize>i) << 2), v);
      }
    }
    for (; i < d; i++) {
      const v = f * ld(gr, i) + c * ld(sr, i);
      store<f32>(dr + ((<usize>i) << 2), acc ? ld(dr, i) + v : v);
    }
  }
}
