// optim kernels with float16 state (format and arithmetic: optim-f16-ref.ts), stepping rows of
// D ≤ 64 in one pass over memory: the row's new moments stay in v128 locals (registers, or the
// engine's own stack: each thread has its own) while the row's maxima are found, then are scaled
// and stored. Bits equal the two-pass reference kernels: the same f32 operations in the same order,
// and the decode's two multiplies (exact ·2^112, then ·scale) fused into one by the scale 2^112·s,
// whose product rounds the same real number once. Other rows (D > 64, a scale ≥ 2^16, the scalar
// build) go through the reference kernels.
import { adam_rows_f16_ref, adagrad_rows_f16_ref, adamRow, adamValue, adagradRow, ldi, ldh, sth, lanesMax } from './optim-f16-ref';
import { scaleExp } from './half';

/** Halves j·4 … j·4+3 at h times k / 2^112: value·s when k = 2^112·s (bits h<<16, arithmetic >> 3, sign and magnitude kept). */
// @ts-ignore: decorator
@inline function dec(h: usize, j: i32, k: v128): v128 {
  const hi = i32x4.shl(i32x4.extend_low_i16x8_u(v128.load64_zero(h + ((<usize>j) << 3))), 16);
  return f32x4.mul(v128.and(i32x4.shr_s(hi, 3), i32x4.splat(0x8fffe000)), k);
}

/** f16 bits (in i32 lanes, before narrowing) of x·inv, as store4h in half.ts. */
// @ts-ignore: decorator
@inline function enc(x: v128, inv: v128): v128 {
  const y = f32x4.mul(x, inv);
  const a = v128.and(y, i32x4.splat(0x7fffffff));
  const sign = v128.and(i32x4.shr_u(y, 16), i32x4.splat(0x8000));
  const sub = i32x4.sub(f32x4.add(a, f32x4.splat(0.5)), i32x4.splat(0x3f000000));
  const odd = v128.and(i32x4.shr_u(a, 13), i32x4.splat(1));
  const nrm = i32x4.shr_u(i32x4.add(i32x4.add(a, odd), i32x4.splat(0xfff - 0x38000000)), 13);
  return v128.or(sign, v128.bitselect(sub, nrm, i32x4.lt_s(a, i32x4.splat(0x38800000)))); // a < 2^31: signed = unsigned
}

/** Store vectors 2k and 2k+1 (only 2k when n = 2k+1; nothing when n ≤ 2k) of x·inv as halves. */
// @ts-ignore: decorator
@inline function put(h: usize, k: i32, n: i32, a: v128, b: v128, inv: v128): void {
  if (n > 2 * k + 1) {
    v128.store(h + ((<usize>k) << 4), i16x8.narrow_i32x4_u(enc(a, inv), enc(b, inv)));
  } else if (n > 2 * k) {
    const e = enc(a, inv);
    v128.store64_lane(h + ((<usize>k) << 4), i16x8.narrow_i32x4_u(e, e), 0);
  }
}

/** Lane-wise maximum of 16 vectors as i32 (the maximum of floats ≥ 0 by their bits). */
// @ts-ignore: decorator
@inline function imax16(a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128, a8: v128, a9: v128, a10: v128, a11: v128, a12: v128, a13: v128, a14: v128, a15: v128): v128 {
  const lo = i32x4.max_s(i32x4.max_s(i32x4.max_s(a0, a1), i32x4.max_s(a2, a3)), i32x4.max_s(i32x4.max_s(a4, a5), i32x4.max_s(a6, a7)));
  const hi = i32x4.max_s(i32x4.max_s(i32x4.max_s(a8, a9), i32x4.max_s(a10, a11)), i32x4.max_s(i32x4.max_s(a12, a13), i32x4.max_s(a14, a15)));
  return i32x4.max_s(lo, hi);
}

/** Largest biased exponent of a row scale whose fused decode factor 2^112·s is a normal f32. */
const FUSED_MAX: u32 = 127 + 15;

// Adam, vector j: the new m (decode, then β1·m + (1−β1)·g, as the reference).
// @ts-ignore: decorator
@inline function mom(g: usize, mh: usize, j: i32, km: v128, b1: v128, c1: v128): v128 {
  return f32x4.add(f32x4.mul(b1, dec(mh, j, km)), f32x4.mul(c1, v128.load(g + ((<usize>j) << 4))));
}
// Adam, vector j: the new v = β2·(√v)² + (1−β2)·g².
// @ts-ignore: decorator
@inline function sec(g: usize, vh: usize, j: i32, kv: v128, b2: v128, c2: v128): v128 {
  const gg = v128.load(g + ((<usize>j) << 4));
  const rv = dec(vh, j, kv);
  return f32x4.add(f32x4.mul(b2, f32x4.mul(rv, rv)), f32x4.mul(c2, f32x4.mul(gg, gg)));
}
// Adam, vector j of the weights: p −= a·m / (√v·rs + ε).
// @ts-ignore: decorator
@inline function upd(p: usize, j: i32, mm: v128, sq: v128, va: v128, vrs: v128, ve: v128): void {
  const q = p + ((<usize>j) << 4);
  v128.store(q, f32x4.sub(v128.load(q), f32x4.div(f32x4.mul(va, mm), f32x4.add(f32x4.mul(sq, vrs), ve))));
}

/**
 * Lazy Adam with f16 moments; arguments and result as adam_rows_f16_ref (optim-f16-ref.ts): grad
 * [count, d] for the unique rows ids[r]; m16 and v16 halves [rows, d] (m, √v); scales [rows, 2].
 */
export function adam_rows_f16(param: usize, grad: usize, m16: usize, v16: usize, scales: usize, ids: usize, count: i32, d: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32): void {
  if (ASC_FEATURE_SIMD) adamRows(param, grad, m16, v16, scales, ids, count, d, lr, beta1, beta2, eps, bc1, bc2);
  else adam_rows_f16_ref(param, grad, m16, v16, scales, ids, count, d, lr, beta1, beta2, eps, bc1, bc2);
}

function adamRows(param: usize, grad: usize, m16: usize, v16: usize, scales: usize, ids: usize, count: i32, d: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, bc1: f32, bc2: f32): void {
  const a = lr / bc1;
  const rs: f32 = 1.0 / Mathf.sqrt(bc2);
  const c1: f32 = 1.0 - beta1;
  const c2: f32 = 1.0 - beta2;
  const n = d >> 2; // whole vectors per row; the d & 3 last values go scalar, as the reference
  const b1v = f32x4.splat(beta1), c1v = f32x4.splat(c1), b2v = f32x4.splat(beta2), c2v = f32x4.splat(c2);
  const va = f32x4.splat(a), vrs = f32x4.splat(rs), ve = f32x4.splat(eps), z = f32x4.splat(0);
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    const p = param + (((<usize>id) * (<usize>d)) << 2);
    const g = grad + (((<usize>r) * (<usize>d)) << 2);
    const mh = m16 + (((<usize>id) * (<usize>d)) << 1);
    const vh = v16 + (((<usize>id) * (<usize>d)) << 1);
    const sc = scales + ((<usize>id) << 3);
    const sm = load<f32>(sc), sv = load<f32>(sc, 4);
    if (d > 64 || reinterpret<u32>(sm) >> 23 > FUSED_MAX || reinterpret<u32>(sv) >> 23 > FUSED_MAX) {
      adamRow(p, g, mh, vh, sc, d, a, beta1, beta2, eps, rs);
      continue;
    }
    const km = f32x4.splat(sm * reinterpret<f32>(<u32>0x77800000)), kv = f32x4.splat(sv * reinterpret<f32>(<u32>0x77800000)); // ·2^112, exact
    let m0 = z, m1 = z, m2 = z, m3 = z, m4 = z, m5 = z, m6 = z, m7 = z, m8 = z, m9 = z, m10 = z, m11 = z, m12 = z, m13 = z, m14 = z, m15 = z;
    let v0 = z, v1 = z, v2 = z, v3 = z, v4 = z, v5 = z, v6 = z, v7 = z, v8 = z, v9 = z, v10 = z, v11 = z, v12 = z, v13 = z, v14 = z, v15 = z;
    // Pass 1: new m and v of every vector, kept; the weights step now (they need no new scale).
    if (n > 0) { m0 = mom(g, mh, 0, km, b1v, c1v); v0 = sec(g, vh, 0, kv, b2v, c2v); }
    if (n > 1) { m1 = mom(g, mh, 1, km, b1v, c1v); v1 = sec(g, vh, 1, kv, b2v, c2v); }
    if (n > 2) { m2 = mom(g, mh, 2, km, b1v, c1v); v2 = sec(g, vh, 2, kv, b2v, c2v); }
    if (n > 3) { m3 = mom(g, mh, 3, km, b1v, c1v); v3 = sec(g, vh, 3, kv, b2v, c2v); }
    if (n > 4) { m4 = mom(g, mh, 4, km, b1v, c1v); v4 = sec(g, vh, 4, kv, b2v, c2v); }
    if (n > 5) { m5 = mom(g, mh, 5, km, b1v, c1v); v5 = sec(g, vh, 5, kv, b2v, c2v); }
    if (n > 6) { m6 = mom(g, mh, 6, km, b1v, c1v); v6 = sec(g, vh, 6, kv, b2v, c2v); }
    if (n > 7) { m7 = mom(g, mh, 7, km, b1v, c1v); v7 = sec(g, vh, 7, kv, b2v, c2v); }
    if (n > 8) { m8 = mom(g, mh, 8, km, b1v, c1v); v8 = sec(g, vh, 8, kv, b2v, c2v); }
    if (n > 9) { m9 = mom(g, mh, 9, km, b1v, c1v); v9 = sec(g, vh, 9, kv, b2v, c2v); }
    if (n > 10) { m10 = mom(g, mh, 10, km, b1v, c1v); v10 = sec(g, vh, 10, kv, b2v, c2v); }
    if (n > 11) { m11 = mom(g, mh, 11, km, b1v, c1v); v11 = sec(g, vh, 11, kv, b2v, c2v); }
    if (n > 12) { m12 = mom(g, mh, 12, km, b1v, c1v); v12 = sec(g, vh, 12, kv, b2v, c2v); }
    if (n > 13) { m13 = mom(g, mh, 13, km, b1v, c1v); v13 = sec(g, vh, 13, kv, b2v, c2v); }
    if (n > 14) { m14 = mom(g, mh, 14, km, b1v, c1v); v14 = sec(g, vh, 14, kv, b2v, c2v); }
    if (n > 15) { m15 = mom(g, mh, 15, km, b1v, c1v); v15 = sec(g, vh, 15, kv, b2v, c2v); }
    // Maxima over the bits as i32 (pmaxsd, where f32x4.max needs NaN and −0 handling): for floats
    // ≥ 0 the orders agree. |m| ≥ 0 and v ≥ 0; zero (the unused vectors, and the reference's
    // starting value) joins every maximum.
    const mmax = i32x4.max_s(z, imax16(f32x4.abs(m0), f32x4.abs(m1), f32x4.abs(m2), f32x4.abs(m3), f32x4.abs(m4), f32x4.abs(m5), f32x4.abs(m6), f32x4.abs(m7),
      f32x4.abs(m8), f32x4.abs(m9), f32x4.abs(m10), f32x4.abs(m11), f32x4.abs(m12), f32x4.abs(m13), f32x4.abs(m14), f32x4.abs(m15)));
    const vmax = i32x4.max_s(z, imax16(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15));
    // √v from here on (sqrt(0) = 0 in the unused vectors).
    v0 = f32x4.sqrt(v0); v1 = f32x4.sqrt(v1); v2 = f32x4.sqrt(v2); v3 = f32x4.sqrt(v3);
    v4 = f32x4.sqrt(v4); v5 = f32x4.sqrt(v5); v6 = f32x4.sqrt(v6); v7 = f32x4.sqrt(v7);
    v8 = f32x4.sqrt(v8); v9 = f32x4.sqrt(v9); v10 = f32x4.sqrt(v10); v11 = f32x4.sqrt(v11);
    v12 = f32x4.sqrt(v12); v13 = f32x4.sqrt(v13); v14 = f32x4.sqrt(v14); v15 = f32x4.sqrt(v15);
    if (n > 0) upd(p, 0, m0, v0, va, vrs, ve);
    if (n > 1) upd(p, 1, m1, v1, va, vrs, ve);
    if (n > 2) upd(p, 2, m2, v2, va, vrs, ve);
    if (n > 3) upd(p, 3, m3, v3, va, vrs, ve);
    if (n > 4) upd(p, 4, m4, v4, va, vrs, ve);
    if (n > 5) upd(p, 5, m5, v5, va, vrs, ve);
    if (n > 6) upd(p, 6, m6, v6, va, vrs, ve);
    if (n > 7) upd(p, 7, m7, v7, va, vrs, ve);
    if (n > 8) upd(p, 8, m8, v8, va, vrs, ve);
    if (n > 9) upd(p, 9, m9, v9, va, vrs, ve);
    if (n > 10) upd(p, 10, m10, v10, va, vrs, ve);
    if (n > 11) upd(p, 11, m11, v11, va, vrs, ve);
    if (n > 12) upd(p, 12, m12, v12, va, vrs, ve);
    if (n > 13) upd(p, 13, m13, v13, va, vrs, ve);
    if (n > 14) upd(p, 14, m14, v14, va, vrs, ve);
    if (n > 15) upd(p, 15, m15, v15, va, vrs, ve);
    let mx = lanesMax(mmax), vx = lanesMax(vmax);
    for (let i = n << 2; i < d; i++) {
      const gi = load<f32>(g + ((<usize>i) << 2));
      mx = max(mx, abs(beta1 * ldh(mh, i, sm) + c1 * gi));
      const rv = ldh(vh, i, sv);
      vx = max(vx, beta2 * (rv * rv) + c2 * (gi * gi));
    }
    const em = scaleExp(mx), ev = scaleExp(Mathf.sqrt(vx));
    const im = reinterpret<f32>((254 - em) << 23), iv = reinterpret<f32>((254 - ev) << 23);
    // The tail's halves lie past the vectors' halves, which only pass 2 writes.
    for (let i = n << 2; i < d; i++) adamValue(p, g, mh, vh, i, sm, sv, im, iv, a, beta1, beta2, c1, c2, eps, rs);
    store<f32>(sc, reinterpret<f32>(em << 23));
    store<f32>(sc, reinterpret<f32>(ev << 23), 4);
    // Pass 2: the kept moments, scaled, as halves.
    const vim = f32x4.splat(im), viv = f32x4.splat(iv);
    put(mh, 0, n, m0, m1, vim); put(vh, 0, n, v0, v1, viv);
    put(mh, 1, n, m2, m3, vim); put(vh, 1, n, v2, v3, viv);
    put(mh, 2, n, m4, m5, vim); put(vh, 2, n, v4, v5, viv);
    put(mh, 3, n, m6, m7, vim); put(vh, 3, n, v6, v7, viv);
    put(mh, 4, n, m8, m9, vim); put(vh, 4, n, v8, v9, viv);
    put(mh, 5, n, m10, m11, vim); put(vh, 5, n, v10, v11, viv);
    put(mh, 6, n, m12, m13, vim); put(vh, 6, n, v12, v13, viv);
    put(mh, 7, n, m14, m15, vim); put(vh, 7, n, v14, v15, viv);
  }
}

// Adagrad, vector j: acc + g².
// @ts-ignore: decorator
@inline function acc4(g: usize, ah: usize, j: i32, k: v128): v128 {
  const gg = v128.load(g + ((<usize>j) << 4));
  return f32x4.add(dec(ah, j, k), f32x4.mul(gg, gg));
}
// Adagrad, vector j of the weights: p −= lr·g / (√acc + ε).
// @ts-ignore: decorator
@inline function updA(p: usize, g: usize, j: i32, acc: v128, vlr: v128, ve: v128): void {
  const q = p + ((<usize>j) << 4);
  v128.store(q, f32x4.sub(v128.load(q), f32x4.div(f32x4.mul(vlr, v128.load(g + ((<usize>j) << 4))), f32x4.add(f32x4.sqrt(acc), ve))));
}

/** Row Adagrad with an f16 accumulator; arguments and result as adagrad_rows_f16_ref. */
export function adagrad_rows_f16(param: usize, grad: usize, acc16: usize, scales: usize, ids: usize, count: i32, d: i32, lr: f32, eps: f32): void {
  if (ASC_FEATURE_SIMD) adagradRows(param, grad, acc16, scales, ids, count, d, lr, eps);
  else adagrad_rows_f16_ref(param, grad, acc16, scales, ids, count, d, lr, eps);
}

function adagradRows(param: usize, grad: usize, acc16: usize, scales: usize, ids: usize, count: i32, d: i32, lr: f32, eps: f32): void {
  const n = d >> 2;
  const vlr = f32x4.splat(lr), ve = f32x4.splat(eps), z = f32x4.splat(0);
  for (let r = 0; r < count; r++) {
    const id = ldi(ids, r);
    const p = param + (((<usize>id) * (<usize>d)) << 2);
    const g = grad + (((<usize>r) * (<usize>d)) << 2);
    const ah = acc16 + (((<usize>id) * (<usize>d)) << 1);
    const sc = scales + ((<usize>id) << 2);
    const s = load<f32>(sc);
    if (d > 64 || reinterpret<u32>(s) >> 23 > FUSED_MAX) {
      adagradRow(p, g, ah, sc, d, lr, eps);
      continue;
    }
    const k = f32x4.splat(s * reinterpret<f32>(<u32>0x77800000));
    let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z, a9 = z, a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z;
    if (n > 0) { a0 = acc4(g, ah, 0, k); updA(p, g, 0, a0, vlr, ve); }
    if (n > 1) { a1 = acc4(g, ah, 1, k); updA(p, g, 1, a1, vlr, ve); }
    if (n > 2) { a2 = acc4(g, ah, 2, k); updA(p, g, 2, a2, vlr, ve); }
    if (n > 3) { a3 = acc4(g, ah, 3, k); updA(p, g, 3, a3, vlr, ve); }
    if (n > 4) { a4 = acc4(g, ah, 4, k); updA(p, g, 4, a4, vlr, ve); }
    if (n > 5) { a5 = acc4(g, ah, 5, k); updA(p, g, 5, a5, vlr, ve); }
    if (n > 6) { a6 = acc4(g, ah, 6, k); updA(p, g, 6, a6, vlr, ve); }
    if (n > 7) { a7 = acc4(g, ah, 7, k); updA(p, g, 7, a7, vlr, ve); }
    if (n > 8) { a8 = acc4(g, ah, 8, k); updA(p, g, 8, a8, vlr, ve); }
    if (n > 9) { a9 = acc4(g, ah, 9, k); updA(p, g, 9, a9, vlr, ve); }
    if (n > 10) { a10 = acc4(g, ah, 10, k); updA(p, g, 10, a10, vlr, ve); }
    if (n > 11) { a11 = acc4(g, ah, 11, k); updA(p, g, 11, a11, vlr, ve); }
    if (n > 12) { a12 = acc4(g, ah, 12, k); updA(p, g, 12, a12, vlr, ve); }
    if (n > 13) { a13 = acc4(g, ah, 13, k); updA(p, g, 13, a13, vlr, ve); }
    if (n > 14) { a14 = acc4(g, ah, 14, k); updA(p, g, 14, a14, vlr, ve); }
    if (n > 15) { a15 = acc4(g, ah, 15, k); updA(p, g, 15, a15, vlr, ve); }
    // Bitwise i32 maximum as in adamRows; an accumulator below zero (a crafted negative half)
    // loses to zero there as in the reference's f32 maximum, which starts at zero.
    const amax = i32x4.max_s(z, imax16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15));
    let x = lanesMax(amax);
    for (let i = n << 2; i < d; i++) {
      const gi = load<f32>(g + ((<usize>i) << 2));
      x = max(x, ldh(ah, i, s) + gi * gi);
    }
    const e = scaleExp(x);
    const inv = reinterpret<f32>((254 - e) << 23);
    for (let i = n << 2; i < d; i++) {
      const o = (<usize>i) << 2;
      const gi = load<f32>(g + o);
      const acc = ldh(ah, i, s) + gi * gi;
      sth(ah, i, acc * inv);
      store<f32>(p + o, load<f32>(p + o) - (lr * gi) / (Mathf.sqrt(acc) + eps));
    }
    store<f32>(sc, reinterpret<f32>(e << 23));
    const vinv = f32x4.splat(inv);
    put(ah, 0, n, a0, a1, vinv); put(ah, 1, n, a2, a3, vinv); put(ah, 2, n, a4, a5, vinv); put(ah, 3, n, a6, a7, vinv);
    put(ah, 4, n, a8, a9, vinv); put(ah, 5, n, a10, a11, vinv); put(ah, 6, n, a12, a13, vinv); put(ah, 7, n, a14, a15, vinv);
  }
}
