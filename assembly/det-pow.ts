// Deterministic x^y for the log-uniform sampler: a line-by-line port of detPow's main path in
// src/engine/det-math.ts (a double-double log, then an exp taking a double-double argument), so
// ⌊n^u⌋ drawn in a kernel has the bits Rng.logUniform gets in JavaScript. Only the path for finite
// x > 0, x ≠ 1 and 0 < |y| < 2^64, y ≠ 1 is ported (the sampler's n ≥ 2, u in (0, 1)).
import { hiWord, loWord, withHi, pow2 } from './det-bits';
import { LN2_HI, LN2_LO, INV_LN2, TWO54 } from './det-math';

/** exp(xh + xl) for a double-double argument; fdlibm e_exp.c with the low part folded in. */
function expDD(x: f64, xl: f64): f64 {
  const hx = hiWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x40862e42) { // |x| >= 709.78 or NaN/Inf
    if (ix >= 0x7ff00000) {
      if ((<u32>(ix & 0xfffff) | loWord(x)) != 0) return x + x;
      return hx < 0 ? 0 : x;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
  }
  let k: i32 = 0;
  let hi: f64 = 0, lo: f64 = 0, r: f64;
  if (ix > 0x3fd62e42) { // |x| > 0.5 ln2
    k = <i32>(INV_LN2 * x + (hx < 0 ? -0.5 : 0.5)); // truncation, as Math.trunc (|k| < 1100 here)
    hi = x - <f64>k * LN2_HI;
    lo = <f64>k * LN2_LO - xl;
    r = hi - lo;
  } else if (ix < 0x3e300000) { // |x| < 2^-28
    return 1 + x + xl;
  } else {
    hi = x; lo = -xl; r = x + xl;
  }
  const t = r * r;
  const c = r - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 + t *
    (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  if (k == 0) return y;
  if (k >= -1021) return k == 1024 ? y * 2 * pow2(1023) : withHi(y, hiWord(y) + (k << 20));
  return withHi(y, hiWord(y) + ((k + 1000) << 20)) * pow2(-1000);
}

const SPLIT: f64 = 134217729; // 2^27 + 1, Veltkamp splitter
let DD_LO: f64 = 0; // low part of the last double-double result (a wasm global: one per thread)

/** Exact product a·b = hi + DD_LO (Dekker). Inputs must stay below ~2^996. */
// @ts-ignore: decorator
@inline function twoProd(a: f64, b: f64): f64 {
  const p = a * b;
  let t = SPLIT * a; const ah = t - (t - a), al = a - ah;
  t = SPLIT * b; const bh = t - (t - b), bl = b - bh;
  DD_LO = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

const LN2_DH: f64 = 6.93147180559945286227e-01; // ln 2 as a double-double
const LN2_DL: f64 = 2.31904681384629955842e-17;
const THIRD_H: f64 = 0.3333333333333333; // 1/3 as a double-double
const THIRD_L: f64 = 1.850371707708594e-17;

/** log(x) as hi + DD_LO for finite x > 0, relative error ~2^-65. */
function logDD(x: f64): f64 {
  let k: i32 = 0;
  if (x < 2.2250738585072014e-308) { x *= TWO54; k = -54; }
  let hx = hiWord(x);
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let m = withHi(x, hx | 0x3ff00000); // [1, 2)
  if (m > 1.4142135623730951) { m *= 0.5; k += 1; } // [√½, √2]
  const f = m - 1; // exact (Sterbenz)
  const dh = 2 + f, dl = f - (dh - 2); // 2 + f exactly
  const sh = f / dh;
  const ph = twoProd(sh, dh), pl = DD_LO;
  const sl = (((f - ph) - pl) - sh * dl) / dh;
  // t = s² as a double-double
  const th = twoProd(sh, sh); const tl = DD_LO + 2 * sh * sl;
  // tail Σ_{j>=2} t^(j-2)/(2j+1) in doubles: 1/33, 1/31, …, 1/5 (the JavaScript's ODD_INV, reversed;
  // the literals are the shortest round-trip forms of those quotients, so the same doubles)
  let T: f64 = 0;
  T = T * th + 0.030303030303030304; T = T * th + 0.03225806451612903; T = T * th + 0.034482758620689655;
  T = T * th + 0.037037037037037035; T = T * th + 0.04; T = T * th + 0.043478260869565216;
  T = T * th + 0.047619047619047616; T = T * th + 0.05263157894736842; T = T * th + 0.058823529411764705;
  T = T * th + 0.06666666666666667; T = T * th + 0.07692307692307693; T = T * th + 0.09090909090909091;
  T = T * th + 0.1111111111111111; T = T * th + 0.14285714285714285; T = T * th + 0.2;
  // U = 1/3 + t·T
  const uh0 = twoProd(th, T); const ul0 = DD_LO + tl * T;
  const uh = THIRD_H + uh0; const ul = ((THIRD_H - uh) + uh0) + ul0 + THIRD_L;
  // V = t·U, W = 2s·(1 + V)
  const vh = twoProd(th, uh); const vl = DD_LO + th * ul + tl * uh;
  const wh0 = twoProd(sh, vh); const wl0 = DD_LO + sh * vl + sl * vh;
  // log m = 2s + 2s·V
  let h = sh + wh0; let l = ((sh - h) + wh0) + sl + wl0;
  h *= 2; l *= 2;
  if (k != 0) {
    const dk = <f64>k;
    const kh = twoProd(dk, LN2_DH); const kl = DD_LO + dk * LN2_DL;
    const s = kh + h; const bb = s - kh;
    const err = (kh - (s - bb)) + (h - bb);
    l = err + kl + l; h = s;
  }
  const rh = h + l;
  DD_LO = l - (rh - h);
  return rh;
}

/** x^y for finite x > 0, x ≠ 1, and 0 < |y| < 2^64, y ≠ 1: detPow's bits (its sign is +1 here). */
export function detPowPos(x: f64, y: f64): f64 {
  const lh = logDD(x), ll = DD_LO;
  const zh = twoProd(y, lh); const zl = DD_LO + y * ll;
  const h = zh + zl; const l = zl - (h - zh);
  return expDD(h, l);
}
