// Deterministic f64 log, log1p and expm1: a line-by-line port of src/engine/det-math.ts (fdlibm
// e_log.c, s_log1p.c, s_expm1.c), so a kernel gets the very bits the JavaScript functions give.
// Only correctly rounded + − × ÷ and exact word manipulation are used, and wasm never fuses or
// reorders float operations, so the port is bit-identical wherever the JavaScript one is.
// Keep both files in step: test/loss/sampler-logq.test.ts compares them bit for bit.

import { hiWord, loWord, fromWords, withHi, pow2 } from './det-bits';

export const LN2_HI: f64 = 6.93147180369123816490e-01; // upper 32 bits of ln 2 (k·LN2_HI is exact)
export const LN2_LO: f64 = 1.90821492927058770002e-10;
export const INV_LN2: f64 = 1.44269504088896338700e+00;
export const TWO54: f64 = 1.80143985094819840000e+16;

/** Natural logarithm (fdlibm e_log.c, < 1 ulp). log(0) = −∞, log(x < 0) = NaN. */
export function detLog(x: f64): f64 {
  let hx = hiWord(x);
  const lx = loWord(x);
  let k: i32 = 0;
  if (hx < 0x00100000) { // x < 2^-1022 (includes negatives)
    if ((<u32>(hx & 0x7fffffff) | lx) == 0) return -Infinity;
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
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
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
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** log(1 + x), accurate near 0 (fdlibm s_log1p.c). log1p(−1) = −∞, log1p(x < −1) = NaN. */
export function detLog1p(x: f64): f64 {
  const hx = hiWord(x);
  const ax = hx & 0x7fffffff;
  let k: i32 = 1, hu: i32 = 0;
  let f: f64 = 0, c: f64 = 0;
  if (hx < 0x3fda827a) { // x < 0.41422
    if (ax >= 0x3ff00000) return x == -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5; // |x| < 2^-29
    if (hx > 0 || hx <= <i32>0xbfd2bec3) { k = 0; f = x; hu = 1; } // -0.2929 < x < 0.41422
  }
  if (hx >= 0x7ff00000) return x + x;
  if (k != 0) {
    let u: f64;
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
  const dk = <f64>k;
  const hfsq = 0.5 * f * f;
  if (hu == 0) { // |f| < 2^-20
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + (c + dk * LN2_LO);
    const R = hfsq * (1 - 0.66666666666666666 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - (dk * LN2_LO + c)) - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const R = z * (6.666666666666735130e-01 + z * (3.999999999940941908e-01 + z * (2.857142874366239149e-01 + z *
    (2.222219843214978396e-01 + z * (1.818357216161805012e-01 + z * (1.531383769920937332e-01 + z * 1.479819860511658591e-01))))));
  return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + (dk * LN2_LO + c))) - f);
}

/** e^x − 1, accurate near 0 (fdlibm s_expm1.c). */
export function detExpm1(x: f64): f64 {
  let hx = hiWord(x);
  const neg = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) { // |x| >= 56 ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if ((<u32>(hx & 0xfffff) | loWord(x)) != 0) return x + x;
        return neg ? -1 : x;
      }
      if (x > 7.09782712893383973096e+02) return Infinity;
    }
    if (neg) return -1;
  }
  let k: i32 = 0;
  let c: f64 = 0;
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    let hi: f64, lo: f64;
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (!neg) { hi = x - LN2_HI; lo = LN2_LO; k = 1; } else { hi = x + LN2_HI; lo = -LN2_LO; k = -1; }
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5)); // truncation, as Math.trunc (|k| <= 1024 here)
      hi = x - <f64>k * LN2_HI; lo = <f64>k * LN2_LO;
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
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) {
    const y = 1 - (e - x);
    return (k == 1024 ? y * 2 * pow2(1023) : withHi(y, hiWord(y) + (k << 20))) - 1;
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
