// elementwise kernels: arithmetic, activations and their backward, broadcast row ops, and the
// finite check of debug mode. C ABI: byte offsets and integers in, nothing out but numbers.
// The SIMD main loop and the scalar tail live in one function; the scalar build comes from the
// same source with ASC_FEATURE_SIMD false. Backward kernels end in `acc`: 0 writes, 1 adds.
import { exp4, expf, log4, tanh4, tanhf, sigmoid4, sigmoidf } from './vmath';

import { ld, st, vld, vst } from './mem';

/** out[i] = a[i] + b[i] for i < n. */
export function add_f32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 8 <= n; i += 8) {
      vst(out, i, f32x4.add(vld(a, i), vld(b, i)));
      vst(out, i + 4, f32x4.add(vld(a, i + 4), vld(b, i + 4)));
    }
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.add(vld(a, i), vld(b, i)));
  }
  for (; i < n; i++) st(out, i, ld(a, i) + ld(b, i));
}

/** out[i] = a[i] - b[i]. */
export function sub_f32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) vst(out, i, f32x4.sub(vld(a, i), vld(b, i)));
  for (; i < n; i++) st(out, i, ld(a, i) - ld(b, i));
}

/** out[i] = a[i] * b[i]. */
export function mul_f32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) vst(out, i, f32x4.mul(vld(a, i), vld(b, i)));
  for (; i < n; i++) st(out, i, ld(a, i) * ld(b, i));
}

/** out[i] += a[i] * b[i]: the accumulated gradient of a product. */
export function mul_acc_f32(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.add(vld(out, i), f32x4.mul(vld(a, i), vld(b, i))));
  }
  for (; i < n; i++) st(out, i, ld(out, i) + ld(a, i) * ld(b, i));
}

/** y[i] += alpha * x[i] (BLAS argument order). Unrolled by 8: it is bandwidth-bound. */
export function axpy_f32(n: i32, alpha: f32, x: usize, y: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    for (; i + 8 <= n; i += 8) {
      vst(y, i, f32x4.add(vld(y, i), f32x4.mul(va, vld(x, i))));
      vst(y, i + 4, f32x4.add(vld(y, i + 4), f32x4.mul(va, vld(x, i + 4))));
    }
    for (; i + 4 <= n; i += 4) vst(y, i, f32x4.add(vld(y, i), f32x4.mul(va, vld(x, i))));
  }
  for (; i < n; i++) st(y, i, ld(y, i) + alpha * ld(x, i));
}

/** out[i] = alpha * x[i]. */
export function scale_f32(x: usize, alpha: f32, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.mul(va, vld(x, i)));
  }
  for (; i < n; i++) st(out, i, alpha * ld(x, i));
}

/** out[i] = x[i] + c. */
export function add_scalar_f32(x: usize, c: f32, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vc = f32x4.splat(c);
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.add(vld(x, i), vc));
  }
  for (; i < n; i++) st(out, i, ld(x, i) + c);
}

/** out[i] = value. */
export function fill_f32(out: usize, value: f32, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const v = f32x4.splat(value);
    for (; i + 4 <= n; i += 4) vst(out, i, v);
  }
  for (; i < n; i++) st(out, i, value);
}

/** out[i] = x[i]. memory.copy is the fastest copy there is (and handles overlap). */
export function copy_f32(x: usize, out: usize, n: i32): void {
  if (n > 0) memory.copy(out, x, (<usize>n) << 2);
}

/** out[i] = max(x[i], 0). NaN maps to 0, as in the reference's `x > 0 ? x : 0`. */
export function relu_f32(x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const z = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const v = vld(x, i);
      vst(out, i, v128.and(v, f32x4.gt(v, z)));
    }
  }
  for (; i < n; i++) {
    const v = ld(x, i);
    st(out, i, v > 0 ? v : 0);
  }
}

/** dx[i] (+)= x[i] > 0 ? g[i] : 0. */
export function relu_bwd_f32(x: usize, g: usize, dx: usize, n: i32, acc: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const z = f32x4.splat(0);
    if (acc) {
      for (; i + 4 <= n; i += 4) vst(dx, i, f32x4.add(vld(dx, i), v128.and(vld(g, i), f32x4.gt(vld(x, i), z))));
    } else {
      for (; i + 4 <= n; i += 4) vst(dx, i, v128.and(vld(g, i), f32x4.gt(vld(x, i), z)));
    }
  }
  for (; i < n; i++) {
    const d: f32 = ld(x, i) > 0 ? ld(g, i) : 0;
    st(dx, i, acc ? ld(dx, i) + d : d);
  }
}

/** out[i] = tanh(x[i]). */
export function tanh_f32(x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) vst(out, i, tanh4(vld(x, i)));
  for (; i < n; i++) st(out, i, tanhf(ld(x, i)));
}

/** dx[i] (+)= g[i] * (1 - y[i]^2), where y = tanh(x) is the saved forward output. */
export function tanh_bwd_f32(y: usize, g: usize, dx: usize, n: i32, acc: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const v = vld(y, i);
      let d = f32x4.mul(vld(g, i), f32x4.sub(one, f32x4.mul(v, v)));
      if (acc) d = f32x4.add(vld(dx, i), d);
      vst(dx, i, d);
    }
  }
  for (; i < n; i++) {
    const v = ld(y, i);
    const d = ld(g, i) * (1 - v * v);
    st(dx, i, acc ? ld(dx, i) + d : d);
  }
}

/** out[i] = 1 / (1 + exp(-x[i])). */
export function sigmoid_f32(x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) vst(out, i, sigmoid4(vld(x, i)));
  for (; i < n; i++) st(out, i, sigmoidf(ld(x, i)));
}

/** dx[i] (+)= g[i] * y[i] * (1 - y[i]), where y = sigmoid(x) is the saved forward output. */
export function sigmoid_bwd_f32(y: usize, g: usize, dx: usize, n: i32, acc: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f32x4.splat(1);
    for (; i + 4 <= n; i += 4) {
      const v = vld(y, i);
      let d = f32x4.mul(f32x4.mul(vld(g, i), v), f32x4.sub(one, v));
      if (acc) d = f32x4.add(vld(dx, i), d);
      vst(dx, i, d);
    }
  }
  for (; i < n; i++) {
    const v = ld(y, i);
    const d = ld(g, i) * v * (1 - v);
    st(dx, i, acc ? ld(dx, i) + d : d);
  }
}

/** out[i] = exp(x[i]). */
export function exp_f32(x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) vst(out, i, exp4(vld(x, i)));
  for (; i < n; i++) st(out, i, expf(ld(x, i)));
}

/** out[i] = log(x[i]) (log 0 = -Inf, log of a negative = NaN). */
export function log_f32(x: usize, out: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) for (; i + 4 <= n; i += 4) vst(out, i, log4(vld(x, i)));
  for (; i < n; i++) st(out, i, Mathf.log(ld(x, i)));
}

/** out[r, j] = x[r, j] + bias[j]: a bias row broadcast over `rows` rows of length n. */
export function add_row_f32(x: usize, bias: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    add_f32(x + o, bias, out + o, n);
  }
}

/** out[r, j] = x[r, j] * s[r]: each row scaled by its own factor. */
export function mul_rows_scalar_f32(x: usize, s: usize, out: usize, rows: i32, n: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * <usize>n) << 2;
    scale_f32(x + o, ld(s, r), out + o, n);
  }
}

/**
 * Index of the first NaN or +-Infinity in x[0..n), or -1. x - x is 0 for finite x and NaN
 * otherwise, so one compare per lane finds both; the exact index comes from a scalar rescan.
 */
export function check_finite_f32(x: usize, n: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const v = vld(x, i);
      if (v128.any_true(f32x4.ne(f32x4.sub(v, v), f32x4.splat(0)))) break;
    }
  }
  for (; i < n; i++) {
    const v = ld(x, i);
    if (v - v != 0) return i;
  }
  return -1;
}
