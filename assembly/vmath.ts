// Vectorised transcendental functions for the kernels: exp, log, tanh, sigmoid on f32x4 plus
// scalar twins of the same polynomials (used by tails and the scalar build, so both builds agree).
// WebAssembly has no SIMD exp; these are Cephes-style range reductions (~1e-7 relative error),
// exact at the special values the kernels rely on: exp(-inf-ish) = 0, exp(big) = +Inf, NaN -> NaN.
// Inlined into callers; nothing here is exported from the module.

// exp: x = k ln2 + r with |r| <= ln2/2, exp(x) = 2^k * p(r). ln2 is split in two (C1 has few
// mantissa bits so k*C1 is exact) to keep r accurate for large |x|.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
// Inputs beyond these saturate: 2^k must stay a normal float for the exponent-bits trick.
const EXP_HI: f32 = 88.72283;
const EXP_LO: f32 = -87.33654;
const ROUND_MAGIC: f32 = 12582912.0; // 1.5 * 2^23
const E0: f32 = 1.9875691500e-4;
const E1: f32 = 1.3981999507e-3;
const E2: f32 = 8.3334519073e-3;
const E3: f32 = 4.1665795894e-2;
const E4: f32 = 1.6666665459e-1;
const E5: f32 = 5.0000001201e-1;

/** exp on four lanes. Below EXP_LO gives exactly 0, above EXP_HI +Inf, NaN stays NaN. */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // pmin/pmax are one instruction each on x64 (min/max need ~8 for NaN rules); NaN passes through.
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  // Round k = x log2e to nearest by adding 1.5 * 2^23: k lands in the low mantissa bits of t,
  // which replaces nearest + trunc_sat (the latter is ~8 instructions in V8).
  const t = f32x4.add(f32x4.mul(c, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const kf = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  let r = f32x4.sub(c, f32x4.mul(kf, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(kf, f32x4.splat(LN2_LO)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(E0), r), f32x4.splat(E1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E5));
  p = f32x4.add(f32x4.mul(f32x4.mul(p, r), r), f32x4.add(r, f32x4.splat(1.0)));
  // 2^k built directly in the exponent field: the low 9 bits of t's pattern are k mod 512, and
  // k + 127 is in [1, 254] after the clamp, so the shift leaves exactly the biased exponent.
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  let y = f32x4.mul(p, scale);
  y = v128.andnot(y, f32x4.lt(x, f32x4.splat(EXP_LO))); // underflow -> exactly 0
  return v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, f32x4.splat(EXP_HI)));
}

/** Scalar twin of exp4 (same polynomial). */
// @ts-ignore: decorator
@inline export function expf(x: f32): f32 {
  if (x != x) return x; // NaN: keep it (and keep the i32 conversion below in range)
  if (x < EXP_LO) return 0;
  if (x > EXP_HI) return Infinity;
  const kf = nearest<f32>(x * LOG2E);
  let r = x - kf * LN2_HI;
  r = r - kf * LN2_LO;
  let p = E0 * r + E1;
  p = p * r + E2;
  p = p * r + E3;
  p = p * r + E4;
  p = p * r + E5;
  p = p * r * r + (r + 1.0);
  return p * reinterpret<f32>((<i32>kf + 127) << 23);
}

// log: x = 2^e * m with m in [sqrt(1/2), sqrt(2)), log x = e ln2 + log1p(m - 1) by polynomial.
const L0: f32 = 7.0376836292e-2;
const L1: f32 = -1.1514610310e-1;
const L2: f32 = 1.1676998740e-1;
const L3: f32 = -1.2420140846e-1;
const L4: f32 = 1.4249322787e-1;
const L5: f32 = -1.6668057665e-1;
const L6: f32 = 2.0000714765e-1;
const L7: f32 = -2.4999993993e-1;
const L8: f32 = 3.3333331174e-1;

/** Natural log on four lanes: log 0 = -Inf, log(<0) = NaN, log Inf = Inf, NaN stays NaN. */
// @ts-ignore: decorator
@inline export function log4(x: v128): v128 {
  // Mantissa of x as a float in [1, 2), exponent as an integer; halve m above sqrt(2).
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(127));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, f32x4.splat(1.41421356));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
  e = i32x4.sub(e, big); // big lanes are -1: e + 1
  const ef = f32x4.convert_i32x4_s(e);
  const t = f32x4.sub(m, f32x4.splat(1.0));
  const z = f32x4.mul(t, t);
  let p = f32x4.add(f32x4.mul(f32x4.splat(L0), t), f32x4.splat(L1));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L2));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L3));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L4));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L5));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L6));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L7));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(L8));
  p = f32x4.mul(f32x4.mul(p, t), z);
  p = f32x4.add(p, f32x4.mul(ef, f32x4.splat(LN2_LO)));
  p = f32x4.sub(p, f32x4.mul(z, f32x4.splat(0.5)));
  let y = f32x4.add(f32x4.add(t, p), f32x4.mul(ef, f32x4.splat(LN2_HI)));
  // Special values (denormals are treated as 0: log gives -Inf, well below any f32 log).
  y = v128.bitselect(f32x4.splat(-Infinity), y, f32x4.lt(x, f32x4.splat(1.17549435e-38)));
  y = v128.bitselect(f32x4.splat(NaN), y, f32x4.lt(x, f32x4.splat(0)));
  y = v128.bitselect(x, y, f32x4.eq(x, f32x4.splat(Infinity)));
  return v128.bitselect(x, y, f32x4.ne(x, x));
}

// tanh: odd/even rational approximation (Eigen's ptanh_float), accurate to ~3e-7 absolute; the
// input is clamped where tanh rounds to +-1, and tiny inputs return x itself.
const TANH_CLAMP: f32 = 7.90531110763549805;
const TA1: f32 = 4.89352455891786e-3;
const TA3: f32 = 6.37261928875436e-4;
const TA5: f32 = 1.48572235717979e-5;
const TA7: f32 = 5.12229709037114e-8;
const TA9: f32 = -8.60467152213735e-11;
const TA11: f32 = 2.00018790482477e-13;
const TA13: f32 = -2.76076847742355e-16;
const TB0: f32 = 4.89352518554385e-3;
const TB2: f32 = 2.26843463243900e-3;
const TB4: f32 = 1.18534705686654e-4;
const TB6: f32 = 1.19825839466702e-6;

/** tanh on four lanes. */
// @ts-ignore: decorator
@inline export function tanh4(a: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(a, f32x4.splat(TANH_CLAMP)), f32x4.splat(-TANH_CLAMP));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(TA13), x2), f32x4.splat(TA11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(TA9));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(TA7));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(TA5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(TA3));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(TA1));
  p = f32x4.mul(p, x);
  let q = f32x4.add(f32x4.mul(f32x4.splat(TB6), x2), f32x4.splat(TB4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(TB2));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(TB0));
  const y = f32x4.div(p, q);
  return v128.bitselect(a, y, f32x4.lt(f32x4.abs(a), f32x4.splat(0.0004)));
}

/** Scalar twin of tanh4. */
// @ts-ignore: decorator
@inline export function tanhf(a: f32): f32 {
  if (Mathf.abs(a) < 0.0004 || a != a) return a;
  const x = Mathf.max(Mathf.min(a, TANH_CLAMP), -TANH_CLAMP);
  const x2 = x * x;
  let p = TA13 * x2 + TA11;
  p = p * x2 + TA9;
  p = p * x2 + TA7;
  p = p * x2 + TA5;
  p = p * x2 + TA3;
  p = p * x2 + TA1;
  let q = TB6 * x2 + TB4;
  q = q * x2 + TB2;
  q = q * x2 + TB0;
  return (p * x) / q;
}

/** Logistic sigmoid 1 / (1 + exp(-x)) on four lanes: exp(-x) = +Inf gives exactly 0. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(x))));
}

/** Scalar twin of sigmoid4. */
// @ts-ignore: decorator
@inline export function sigmoidf(x: f32): f32 {
  return 1.0 / (1.0 + expf(-x));
}

/** Largest lane (NaN propagates). */
// @ts-ignore: decorator
@inline export function hmax4(v: v128): f32 {
  const a = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2)), 0);
}

/** Largest lane by pmax (one instruction per step; a NaN lane may be skipped). */
// @ts-ignore: decorator
@inline export function hpmax4(v: v128): f32 {
  const a = f32x4.pmax(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.pmax(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2)), 0);
}

/** Sum of the lanes. */
// @ts-ignore: decorator
@inline export function hsum4(v: v128): f32 {
  const a = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2)), 0);
}
