// layernorm kernels: LayerNorm over the last axis with gain and bias, saving mean and rstd per row,
// and its backward (dx, dgamma, dbeta). C ABI: byte offsets and integers in, nothing out.
// The SIMD main loop and the scalar tail live in one function; the scalar build comes from the
// same source with ASC_FEATURE_SIMD false.
import { hsum4 } from './vmath';
import { fill_f32 } from './elementwise';

import { ld, st, vld, vst } from './mem';

/**
 * out = (x - mean) rstd gamma + beta per row, rstd = 1 / sqrt(var + eps). The variance is
 * two-pass (sum of (x - mean)^2), since E[x^2] - E[x]^2 cancels in f32; eps inside the root
 * makes a constant row give rstd = 1/sqrt(eps) and out = beta, finite.
 */
export function layernorm_f32(x: usize, gamma: usize, beta: usize, out: usize, mean: usize, rstd: usize, rows: i32, d: i32, eps: f32): void {
  const invd: f32 = d > 0 ? 1 / <f32>d : 0;
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>d) << 2;
    const xr = x + o;
    const orow = out + o;
    // The mean is taken of x - x[0] and shifted back: a constant row then gives mean = x[0]
    // exactly (so out = beta exactly, not rounding noise times 1/sqrt(eps)), and large offsets
    // lose less precision.
    const x0: f32 = d > 0 ? ld(xr, 0) : 0;
    let s: f32 = 0;
    let q: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const v0 = f32x4.splat(x0);
      let a = f32x4.splat(0);
      for (; i + 4 <= d; i += 4) a = f32x4.add(a, f32x4.sub(vld(xr, i), v0));
      s = hsum4(a);
    }
    for (; i < d; i++) s += ld(xr, i) - x0;
    const mu = x0 + s * invd;
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(mu);
      let a = f32x4.splat(0);
      for (; i + 4 <= d; i += 4) {
        const c = f32x4.sub(vld(xr, i), vm);
        a = f32x4.add(a, f32x4.mul(c, c));
      }
      q = hsum4(a);
    }
    for (; i < d; i++) {
      const c = ld(xr, i) - mu;
      q += c * c;
    }
    const rs: f32 = 1 / Mathf.sqrt(q * invd + eps);
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(mu);
      const vr = f32x4.splat(rs);
      for (; i + 4 <= d; i += 4) {
        const xh = f32x4.mul(f32x4.sub(vld(xr, i), vm), vr);
        vst(orow, i, f32x4.add(f32x4.mul(xh, vld(gamma, i)), vld(beta, i)));
      }
    }
    for (; i < d; i++) st(orow, i, (ld(xr, i) - mu) * rs * ld(gamma, i) + ld(beta, i));
    st(mean, r, mu);
    st(rstd, r, rs);
  }
}

/**
 * With xhat = (x - mean) rstd and gh = g gamma: dx (+)= rstd (gh - mean(gh) - xhat mean(gh xhat)),
 * dgamma += sum_rows g xhat, dbeta += sum_rows g. dgamma and dbeta always accumulate across rows;
 * acc = 0 zeroes them first and writes (rather than adds) dx. Two passes per row: the first forms
 * both means and the parameter gradients, the second dx.
 */
export function layernorm_bwd_f32(x: usize, gamma: usize, mean: usize, rstd: usize, g: usize, dx: usize, dgamma: usize, dbeta: usize, rows: i32, d: i32, acc: i32): void {
  if (!acc) {
    fill_f32(dgamma, 0, d);
    fill_f32(dbeta, 0, d);
  }
  const invd: f32 = d > 0 ? 1 / <f32>d : 0;
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>d) << 2;
    const xr = x + o;
    const gr = g + o;
    const dr = dx + o;
    const mu = ld(mean, r);
    const rs = ld(rstd, r);
    let a: f32 = 0;
    let b: f32 = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(mu);
      const vr = f32x4.splat(rs);
      let va = f32x4.splat(0);
      let vb = f32x4.splat(0);
      for (; i + 4 <= d; i += 4) {
        const xh = f32x4.mul(f32x4.sub(vld(xr, i), vm), vr);
        const gv = vld(gr, i);
        const gh = f32x4.mul(gv, vld(gamma, i));
        va = f32x4.add(va, gh);
        vb = f32x4.add(vb, f32x4.mul(gh, xh));
        vst(dgamma, i, f32x4.add(vld(dgamma, i), f32x4.mul(gv, xh)));
        vst(dbeta, i, f32x4.add(vld(dbeta, i), gv));
      }
      a = hsum4(va);
      b = hsum4(vb);
    }
    for (; i < d; i++) {
      const xh = (ld(xr, i) - mu) * rs;
      const gv = ld(gr, i);
      const gh = gv * ld(gamma, i);
      a += gh;
      b += gh * xh;
      st(dgamma, i, ld(dgamma, i) + gv * xh);
      st(dbeta, i, ld(dbeta, i) + gv);
    }
    a *= invd;
    b *= invd;
    i = 0;
    if (ASC_FEATURE_SIMD) {
      const vm = f32x4.splat(mu);
      const vr = f32x4.splat(rs);
      const va = f32x4.splat(a);
      const vb = f32x4.splat(b);
      for (; i + 4 <= d; i += 4) {
        const xh = f32x4.mul(f32x4.sub(vld(xr, i), vm), vr);
        const gh = f32x4.mul(vld(gr, i), vld(gamma, i));
        let v = f32x4.mul(vr, f32x4.sub(f32x4.sub(gh, va), f32x4.mul(xh, vb)));
        if (acc) v = f32x4.add(vld(dr, i), v);
        vst(dr, i, v);
      }
    }
    for (; i < d; i++) {
      const xh = (ld(xr, i) - mu) * rs;
      const v = rs * (ld(gr, i) * ld(gamma, i) - a - xh * b);
      st(dr, i, acc ? ld(dr, i) + v : v);
    }
  }
}
