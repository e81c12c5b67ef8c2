// Deterministic elementary functions: exp, log, log1p, expm1, sin, cos, pow.
// Built only from correctly rounded + − × ÷ (and exact bit manipulation of doubles), so every
// JavaScript engine returns the same bits — Math.exp/log/pow/cos are not specified that tightly.
// Algorithms and coefficients follow fdlibm (Sun, 1993); errors are below 1 ulp. pow uses a
// double-double log and an exp that takes a double-double argument. Huge trig arguments are
// reduced exactly with BigInt arithmetic against a lazily computed 2/π.

import { hiWord, loWord, fromWords, withHi, pow2 } from './det-bits.js';

const LN2_HI = 6.93147180369123816490e-01; // upper 32 bits of ln 2 (k·LN2_HI is exact)
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const TWO54 = 1.80143985094819840000e+16;

/** exp(xh + xl) for a double-double argument; fdlibm e_exp.c with the low part folded in. */
function expDD(x: number, xl: number): number {
  const hx = hiWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x40862e42) { // |x| >= 709.78 or NaN/Inf
    if (ix >= 0x7ff00000) {
      if (((ix & 0xfffff) | loWord(x)) !== 0) return x + x;
      return hx < 0 ? 0 : x;
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
  }
  let k = 0, hi = 0, lo = 0, r: number;
  if (ix > 0x3fd62e42) { // |x| > 0.5 ln2
    k = Math.trunc(INV_LN2 * x + (hx < 0 ? -0.5 : 0.5));
    hi = x - k * LN2_HI;
    lo = k * LN2_LO - xl;
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
  if (k === 0) return y;
  if (k >= -1021) return k === 1024 ? y * 2 * pow2(1023) : withHi(y, hiWord(y) + (k << 20));
  return withHi(y, hiWord(y) + ((k + 1000) << 20)) * pow2(-1000);
}

/** e^x, deterministic (fdlibm e_exp.c, < 1 ulp). */
export function detExp(x: number): number { return expDD(x, 0); }

/** Natural logarithm, deterministic (fdlibm e_log.c, < 1 ulp). log(0) = −∞, log(x < 0) = NaN. */
export function detLog(x: number): number {
  let hx = hiWord(x);
  const lx = loWord(x);
  let k = 0;
  if (hx < 0x00100000) { // x < 2^-1022 (includes negatives)
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54; x *= TWO54; hx = hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  x = withHi(x, hx | (i ^ 0x3ff00000)); // normalise x or x/2
  k += i >> 20;
  const f = x - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w *
    (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** log(1 + x), accurate near 0 (fdlibm s_log1p.c). log1p(−1) = −∞, log1p(x < −1) = NaN. */
export function detLog1p(x: number): number {
  const hx = hiWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1, f = 0, hu = 0, c = 0;
  if (hx < 0x3fda827a) { // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^-29
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) { k = 0; f = x; hu = 1; } // -0.2929 < x < 0.41422
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x; hu = hiWord(u); k = (hu >> 20) - 1023;
      c = k > 0 ? 1 - (u - x) : x - (u - 1); // correction term
      c /= u;
    } else {
      u = x; hu = hiWord(u); k = (hu >> 20) - 1023; c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) u = withHi(u, hu | 0x3ff00000);
    else { k += 1; u = withHi(u, hu | 0x3fe00000); hu = (0x00100000 - hu) >> 2; }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) { // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - ((R - (k * LN2_LO + c)) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (6.666666666666735130e-01 + z * (3.999999999940941908e-01 + z * (2.857142874366239149e-01 + z *
    (2.222219843214978396e-01 + z * (1.818357216161805012e-01 + z * (1.531383769920937332e-01 + z * 1.479819860511658591e-01))))));
  return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - ((hfsq - (s * (hfsq + R) + (k * LN2_LO + c))) - f);
}

/** e^x − 1, accurate near 0 (fdlibm s_expm1.c). */
export function detExpm1(x: number): number {
  let hx = hiWord(x);
  const neg = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) { // |x| >= 56 ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | loWord(x)) !== 0) return x + x;
        return neg ? -1 : x;
      }
      if (x > 7.09782712893383973096e+02) return Infinity;
    }
    if (neg) return -1;
  }
  let k = 0, c = 0;
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    let hi: number, lo: number;
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (!neg) { hi = x - LN2_HI; lo = LN2_LO; k = 1; } else { hi = x + LN2_HI; lo = -LN2_LO; k = -1; }
    } else {
      k = Math.trunc(INV_LN2 * x + (neg ? -0.5 : 0.5));
      hi = x - k * LN2_HI; lo = k * LN2_LO;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) {
    return x; // |x| < 2^-54
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (-3.33333333333331316428e-02 + hxs * (1.58730158725481460165e-03 + hxs *
    (-7.93650757867487942473e-05 + hxs * (4.00821782732936239552e-06 + hxs * -2.01099218183624371326e-07))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) {
    const y = 1 - (e - x);
    return (k === 1024 ? y * 2 * pow2(1023) : withHi(y, hiWord(y) + (k << 20))) - 1;
  }
  if (k < 20) {
    const tt = fromWords(0x3ff00000 - (0x200000 >> k), 0); // 1 − 2^-k
    const y = tt - (e - x);
    return withHi(y, hiWord(y) + (k << 20));
  }
  const tt = fromWords((0x3ff - k) << 20, 0); // 2^-k
  const y = (x - (e + tt)) + 1;
  return withHi(y, hiWord(y) + (k << 20));
}

export { detSin, detCos } from './det-trig.js';

// ---- pow via a double-double logarithm ----

const SPLIT = 134217729; // 2^27 + 1, Veltkamp splitter
let DD_LO = 0; // low part of the last double-double result

/** Exact product a·b = hi + DD_LO (Dekker). Inputs must stay below ~2^996. */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLIT * a; const ah = t - (t - a), al = a - ah;
  t = SPLIT * b; const bh = t - (t - b), bl = b - bh;
  DD_LO = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

const LN2_DH = 6.93147180559945286227e-01; // ln 2 as a double-double
const LN2_DL = 2.31904681384629955842e-17;
const THIRD_H = 0.3333333333333333; // 1/3 as a double-double
const THIRD_L = 1.850371707708594e-17;
const ODD_INV: number[] = [];
for (let j = 2; j <= 16; j++) ODD_INV.push(1 / (2 * j + 1)); // 1/5, 1/7, …, 1/33

/** log(x) as hi + DD_LO for finite x > 0, relative error ~2^-65. */
function logDD(x: number): number {
  let k = 0;
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
  // tail Σ_{j>=2} t^(j-2)/(2j+1) in doubles
  let T = 0;
  for (let j = ODD_INV.length - 1; j >= 0; j--) T = T * th + ODD_INV[j];
  // U = 1/3 + t·T
  const uh0 = twoProd(th, T); const ul0 = DD_LO + tl * T;
  const uh = THIRD_H + uh0; const ul = ((THIRD_H - uh) + uh0) + ul0 + THIRD_L;
  // V = t·U, W = 2s·(1 + V)
  const vh = twoProd(th, uh); const vl = DD_LO + th * ul + tl * uh;
  const wh0 = twoProd(sh, vh); const wl0 = DD_LO + sh * vl + sl * vh;
  // log m = 2s + 2s·V
  let h = sh + wh0; let l = ((sh - h) + wh0) + sl + wl0;
  h *= 2; l *= 2;
  if (k !== 0) {
    const kh = twoProd(k, LN2_DH); const kl = DD_LO + k * LN2_DL;
    const s = kh + h; const bb = s - kh;
    const err = (kh - (s - bb)) + (h - bb);
    l = err + kl + l; h = s;
  }
  const rh = h + l;
  DD_LO = l - (rh - h);
  return rh;
}

function isOddInteger(y: number): boolean {
  return Math.abs(y) < 9007199254740992 && Math.floor(y) === y && Math.floor(y / 2) * 2 !== y;
}

/** x^y with Math.pow's special cases (ECMA-262 Number::exponentiate), deterministic, ~1 ulp. */
export function detPow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (Math.abs(y) === Infinity) {
    if (ax === 1) return NaN;
    return (ax > 1) === (y > 0) ? Infinity : 0;
  }
  const odd = isOddInteger(y);
  if (x === 0 || ax === Infinity) {
    const big = (x === 0) !== (y > 0); // 0^(y<0) and ∞^(y>0) are infinite
    const negSign = odd && (x < 0 || Object.is(x, -0));
    return big ? (negSign ? -Infinity : Infinity) : (negSign ? -0 : 0);
  }
  if (x < 0 && Math.floor(y) !== y) return NaN;
  if (ax === 1) return x < 0 && odd ? -1 : 1;
  const sign = x < 0 && odd ? -1 : 1;
  if (y === 1) return x;
  if (Math.abs(y) > 1.8446744073709552e19) { // |y| > 2^64: |y·log x| > 2^11
    return ((ax > 1) === (y > 0) ? Infinity : 0) * sign;
  }
  const lh = logDD(ax), ll = DD_LO;
  const zh = twoProd(y, lh); const zl = DD_LO + y * ll;
  const h = zh + zl; const l = zl - (h - zh);
  return sign * expDD(h, l);
}
