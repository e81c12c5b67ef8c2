// Deterministic sin and cos (fdlibm k_sin.c, k_cos.c, e_rem_pio2.c, with an exact BigInt
// reduction for huge arguments): only + − × ÷ on doubles, so every host gives the same bits.
// Split from det-math.ts; both share the word-access helpers of det-bits.ts.
import { hiWord, loWord, fromWords, pow2 } from './det-bits.js';


function kSin(x: number, y: number, iy: number): number {
  const z = x * x;
  const v = z * x;
  const r = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * (2.75573137070700676789e-06 + z *
    (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
  if (iy === 0) return x + v * (-1.66666666666666324348e-01 + z * r);
  return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01);
}

function kCos(x: number, y: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  const z = x * x;
  const r = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * (2.48015872894767294178e-05 + z *
    (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0); // x/4
  const hz = 0.5 * z - qx;
  return (1 - qx) - (hz - (z * r - x * y));
}

const REM = [0, 0]; // reduced argument as a double-double, written by remPio2

/** x = n·π/2 + REM[0] + REM[1]; returns n mod 4 (as an int, possibly negative before masking). */
function remPio2(x: number): number {
  const hx = hiWord(x);
  const ix = hx & 0x7fffffff;
  if (ix > 0x413921fb) return remPio2Big(x); // |x| > 2^19·π/2
  const t0 = Math.abs(x);
  const n = Math.trunc(t0 * 6.36619772367581382433e-01 + 0.5);
  const fn = n;
  let r = t0 - fn * 1.57079632673412561417e+00;
  let w = fn * 6.07710050650619224932e-11;
  let y0 = r - w;
  const j = ix >> 20;
  if (j - ((hiWord(y0) >> 20) & 0x7ff) > 16) { // second iteration, good to 118 bits
    let t = r;
    w = fn * 6.07710050630396597660e-11;
    r = t - w;
    w = fn * 2.02226624879595063154e-21 - ((t - r) - w);
    y0 = r - w;
    if (j - ((hiWord(y0) >> 20) & 0x7ff) > 49) { // third iteration, 151 bits
      t = r;
      w = fn * 2.02226624871116645580e-21;
      r = t - w;
      w = fn * 8.47842766036889956997e-32 - ((t - r) - w);
      y0 = r - w;
    }
  }
  const y1 = (r - y0) - w;
  if (hx < 0) { REM[0] = -y0; REM[1] = -y1; return -n; }
  REM[0] = y0; REM[1] = y1;
  return n;
}

const BIG_F = 1700n; // fixed-point bits for huge-argument reduction (x < 2^1024 needs ~1100 + margin)
let TWO_OVER_PI: bigint | null = null;
let PI_OVER_2: bigint | null = null;

/** atan(1/q) · 2^F by its Taylor series in BigInt fixed point. */
function atanInv(q: bigint, F: bigint): bigint {
  let term = (1n << F) / q, sum = term, k = 1n, sign = -1n;
  const q2 = q * q;
  while (term !== 0n) { term /= q2; const d = term / (2n * k + 1n); sum += sign * d; sign = -sign; k++; if (d === 0n) break; }
  return sum;
}

function initBigPi(): void {
  const F = BIG_F + 64n;
  const pi = 16n * atanInv(5n, F) - 4n * atanInv(239n, F); // Machin; π·2^F
  PI_OVER_2 = (pi >> 1n) >> 64n;
  TWO_OVER_PI = (1n << (2n * F + 1n)) / pi >> 64n;
}

/** Exact reduction of |x| > 2^19·π/2 with BigInt (x = m·2^e, e >= 0 here). */
function remPio2Big(x: number): number {
  if (x !== x || Math.abs(x) === Infinity) { REM[0] = NaN; REM[1] = NaN; return 0; }
  if (TWO_OVER_PI === null) initBigPi();
  const hx = hiWord(x);
  const e = ((hx >> 20) & 0x7ff) - 1075;
  const m = (BigInt((hx & 0xfffff) | 0x100000) << 32n) | BigInt(loWord(x));
  const mod = 1n << (BIG_F + 2n);
  const v = ((m * TWO_OVER_PI!) << BigInt(e)) % mod; // (|x|·2/π mod 4)·2^F
  const half = 1n << (BIG_F - 1n);
  let n = v >> BIG_F;
  let frac = v - (n << BIG_F);
  if (frac >= half) { frac -= 1n << BIG_F; n += 1n; }
  const R = frac * PI_OVER_2!; // r·2^(2F)
  if (R === 0n) { REM[0] = 0; REM[1] = 0; return 0; }
  const neg = R < 0n;
  const a = neg ? -R : R;
  const bits = BigInt(a.toString(2).length);
  const shift = bits > 110n ? bits - 110n : 0n;
  const top = a >> shift;
  const hiInt = BigInt(Number(top));
  const scale = pow2(Number(shift - 2n * BIG_F));
  let y0 = Number(hiInt) * scale, y1 = Number(top - hiInt) * scale;
  if (neg) { y0 = -y0; y1 = -y1; }
  let q = Number(n & 3n);
  if (hx < 0) { y0 = -y0; y1 = -y1; q = -q; }
  REM[0] = y0; REM[1] = y1;
  return q;
}

/** sin x, deterministic (fdlibm, < 1 ulp, exact argument reduction). */
export function detSin(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return ix < 0x3e400000 ? x : kSin(x, 0, 0); // |x| <= π/4
  if (ix >= 0x7ff00000) return NaN;
  const n = remPio2(x) & 3;
  if (n === 0) return kSin(REM[0], REM[1], 1);
  if (n === 1) return kCos(REM[0], REM[1]);
  if (n === 2) return -kSin(REM[0], REM[1], 1);
  return -kCos(REM[0], REM[1]);
}

/** cos x, deterministic (fdlibm, < 1 ulp, exact argument reduction). */
export function detCos(x: number): number {
  const ix = hiWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return ix < 0x3e400000 ? 1 : kCos(x, 0);
  if (ix >= 0x7ff00000) return NaN;
  const n = remPio2(x) & 3;
  if (n === 0) return kCos(REM[0], REM[1]);
  if (n === 1) return -kSin(REM[0], REM[1], 1);
  if (n === 2) return -kCos(REM[0], REM[1]);
  return kSin(REM[0], REM[1], 1);
}

