// f16 conversion of optimizer state: exact decode, round-to-nearest-even encode, scalar and 4-lane
// SIMD, giving the same bits. Stored state is scaled by a power of two per row (see optim-f16.ts)
// so the values encoded here are finite and below 2^15: no overflow or NaN path is needed.

/** f32 value of the f16 bits h (exact; subnormals and zero by the same multiply). */
// @ts-ignore: decorator
@inline export function halfToFloat(h: u32): f32 {
  const f = reinterpret<f32>((h & 0x7fff) << 13) * reinterpret<f32>(<u32>0x77800000); // 2^112
  return reinterpret<f32>(reinterpret<u32>(f) | ((h & 0x8000) << 16));
}

/** f16 bits of x (|x| < 65520), round to nearest even. */
// @ts-ignore: decorator
@inline export function floatToHalf(x: f32): u32 {
  const b = reinterpret<u32>(x);
  const sign = (b >> 16) & 0x8000;
  const a = b & 0x7fffffff;
  // Subnormal result: |x| + 0.5 rounds |x| to a multiple of 2^-24 (f32 add, ties to even).
  if (a < 0x38800000) return sign | (reinterpret<u32>(reinterpret<f32>(a) + 0.5) - 0x3f000000);
  return sign | ((a + 0xfff + ((a >> 13) & 1) - 0x38000000) >> 13);
}

/** 4 f16 values at p → f32x4 (exact). */
// @ts-ignore: decorator
@inline export function load4h(p: usize): v128 {
  const h = i32x4.extend_low_i16x8_u(v128.load64_zero(p));
  const mag = f32x4.mul(i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13), f32x4.splat(reinterpret<f32>(<u32>0x77800000)));
  return v128.or(mag, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

/** f32x4 x (|x| < 65520) → 4 f16 values at p, the bits floatToHalf gives. */
// @ts-ignore: decorator
@inline export function store4h(p: usize, x: v128): void {
  const a = v128.and(x, i32x4.splat(0x7fffffff));
  const sign = v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000));
  const sub = i32x4.sub(f32x4.add(a, f32x4.splat(0.5)), i32x4.splat(0x3f000000));
  const odd = v128.and(i32x4.shr_u(a, 13), i32x4.splat(1));
  const nrm = i32x4.shr_u(i32x4.add(i32x4.add(a, odd), i32x4.splat(0xfff - 0x38000000)), 13);
  const h = v128.or(sign, v128.bitselect(sub, nrm, i32x4.lt_u(a, i32x4.splat(0x38800000))));
  v128.store64_lane(p, i16x8.narrow_i32x4_u(h, h), 0);
}

/**
 * Biased f32 exponent E of the power-of-two scale of a row whose largest magnitude is x ≥ 0:
 * s = 2^(E-127) puts x / s in [2^14, 2^15), so the row's largest value keeps f16's full
 * precision and values 2^28 times smaller are still normal. E ≥ 1 (s is a normal f32).
 */
// @ts-ignore: decorator
@inline export function scaleExp(x: f32): u32 {
  const e = reinterpret<u32>(x) >> 23;
  return e < 15 ? 1 : e - 14;
}
