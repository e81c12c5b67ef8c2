// quant kernels: compact copies of an item table (int8 with a per-row scale, or float16) and
// exact scoring of f32 query rows against them, for serving on memory-limited hosts.
// Layout ("panels"): items in groups of NR = 8, panel p = items 8p..8p+7 stored k-major as D
// rows of 8 values (int8: 8 bytes, f16: 16 bytes), the last panel zero-padded. That is the
// packed-B layout of the GEMM, so scoring unpacks one panel into the static f32 PANEL (a
// widening convert, no transpose) and runs the GEMM's own 4x8 register tile over it: the
// compact table is read once per query chunk, never expanded to f32 in memory.
// Compact data is addressed by byte pointers whose base must be 4-byte aligned (pool blocks are).
import { MR, NR, KC, panel, tile4x8, tile1x8 } from './gemm-kernels';

/** f32 bits of the f16 bits `h` (finite only: the tables never hold Inf/NaN, see f16_panels). */
// @ts-ignore: decorator
@inline function halfToFloat(h: u32): f32 {
  // Exponent rebias by multiplication: also right for subnormals and zero.
  const f = reinterpret<f32>((h & 0x7fff) << 13) * reinterpret<f32>(<u32>0x77800000); // 2^112
  return reinterpret<f32>(reinterpret<u32>(f) | ((h & 0x8000) << 16));
}

/** f16 bits of x, round to nearest even, saturating at ±65504 (NaN → 0: tables are finite). */
// @ts-ignore: decorator
@inline function floatToHalf(x: f32): u32 {
  const b = reinterpret<u32>(x);
  const sign = (b >> 16) & 0x8000;
  const a = b & 0x7fffffff;
  if (a > 0x7f800000) return 0;
  if (a >= 0x477ff000) return sign | 0x7bff; // would round to Inf
  if (a < 0x38800000) return sign | <u32>nearest<f32>(reinterpret<f32>(a) * 16777216.0); // subnormal: |x|·2^24, exact
  return sign | ((a + 0xfff + ((a >> 13) & 1) - 0x38000000) >> 13);
}

/** 8 f16 values at p → two f32x4 (lanes 0-3, 4-7). */
// @ts-ignore: decorator
@inline function halves8(p: usize, out: usize): void {
  const h = v128.load(p);
  const mag = v128.and(h, i16x8.splat(0x7fff));
  const sgn = v128.and(h, i16x8.splat(<i16>0x8000));
  const big = f32x4.splat(reinterpret<f32>(<u32>0x77800000));
  const lo = f32x4.mul(i32x4.shl(i32x4.extend_low_i16x8_u(mag), 13), big);
  const hi = f32x4.mul(i32x4.shl(i32x4.extend_high_i16x8_u(mag), 13), big);
  v128.store(out, v128.or(lo, i32x4.shl(i32x4.extend_low_i16x8_u(sgn), 16)));
  v128.store(out, v128.or(hi, i32x4.shl(i32x4.extend_high_i16x8_u(sgn), 16)), 16);
}

/**
 * int8 copy of x [rows, d] (row-major f32): per row scale = max|x| / 127, q = round(x / scale)
 * (ties to even, computed as x · (127 / max) in f32). Writes the panel layout: tab gets
 * ceil(rows/8)·8·d bytes, scales ceil(rows/8)·8 floats; padding items are 0 with scale 0.
 */
export function quantize_i8_panels(x: usize, rows: i32, d: i32, tab: usize, scales: usize): void {
  const pad = (rows + NR - 1) & ~(NR - 1);
  for (let j = 0; j < pad; j++) {
    const row = x + ((<usize>j * <usize>d) << 2);
    let m: f32 = 0;
    if (j < rows) for (let k = 0; k < d; k++) m = max(m, abs(load<f32>(row + (<usize>k << 2))));
    const inv: f32 = m > 0 ? <f32>127 / m : 0;
    store<f32>(scales + (<usize>j << 2), m / 127);
    const dst = tab + <usize>(j >> 3) * <usize>d * NR + <usize>(j & 7);
    for (let k = 0; k < d; k++) {
      const q: f32 = j < rows ? min<f32>(127, max<f32>(-127, nearest<f32>(load<f32>(row + (<usize>k << 2)) * inv))) : 0;
      store<i8>(dst + <usize>k * NR, <i8>(<i32>q));
    }
  }
}

/** f16 copy of x [rows, d] in the panel layout (ceil(rows/8)·8·d halves), saturating at ±65504. */
export function f16_panels(x: usize, rows: i32, d: i32, tab: usize): void {
  const pad = (rows + NR - 1) & ~(NR - 1);
  for (let j = 0; j < pad; j++) {
    const row = x + ((<usize>j * <usize>d) << 2);
    const dst = tab + ((<usize>(j >> 3) * <usize>d * NR + <usize>(j & 7)) << 1);
    for (let k = 0; k < d; k++) store<u16>(dst + ((<usize>k * NR) << 1), j < rows ? <u16>floatToHalf(load<f32>(row + (<usize>k << 2))) : 0);
  }
}

/** Rows 0..rows-1 of a panel table back to row-major f32 out [rows, d] (int8 values · scale). */
export function dequantize_i8_panels(tab: usize, scales: usize, rows: i32, d: i32, out: usize): void {
  for (let j = 0; j < rows; j++) {
    const src = tab + <usize>(j >> 3) * <usize>d * NR + <usize>(j & 7);
    const s = load<f32>(scales + (<usize>j << 2));
    const row = out + ((<usize>j * <usize>d) << 2);
    for (let k = 0; k < d; k++) store<f32>(row + (<usize>k << 2), <f32>load<i8>(src + <usize>k * NR) * s);
  }
}

/** Rows 0..rows-1 of an f16 panel table back to row-major f32 out [rows, d] (exact). */
export function f16_panels_to_f32(tab: usize, rows: i32, d: i32, out: usize): void {
  for (let j = 0; j < rows; j++) {
    const src = tab + ((<usize>(j >> 3) * <usize>d * NR + <usize>(j & 7)) << 1);
    const row = out + ((<usize>j * <usize>d) << 2);
    for (let k = 0; k < d; k++) store<f32>(row + (<usize>k << 2), halfToFloat(<u32>load<u16>(src + ((<usize>k * NR) << 1))));
  }
}

/** Unpack kc rows of one int8 panel (8 bytes each) into PANEL as f32 · the 8 item scales. */
// @ts-ignore: decorator
@inline function unpackI8(src: usize, kc: i32, s0: v128, s1: v128): void {
  let dst = panel();
  for (let k = 0; k < kc; k++) {
    const w = v128.load8x8_s(src); // 8 x i16
    v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(w)), s0));
    v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(w)), s1), 16);
    src += NR;
    dst += NR << 2;
  }
}

/** Unpack kc rows of one f16 panel (16 bytes each) into PANEL as f32. */
// @ts-ignore: decorator
@inline function unpackF16(src: usize, kc: i32): void {
  let dst = panel();
  for (let k = 0; k < kc; k++) {
    halves8(src, dst);
    src += NR << 1;
    dst += NR << 2;
  }
}

/** out[i, j] (+)= Σ_k q[i, k0 + k] · PANEL[k, j] for one unpacked panel: the GEMM's tiles. */
// @ts-ignore: decorator
@inline function tilePanel(M: i32, kc: i32, q: usize, ldq: usize, beta: f32, out: usize, ldo: usize, nr: i32): void {
  const rs = ldq << 2, cs = ldo << 2;
  let i0 = 0;
  for (; i0 + MR <= M; i0 += MR) tile4x8(q + <usize>i0 * rs, rs, 4, kc, panel(), NR << 2, 1, beta, out + <usize>i0 * cs, cs, nr);
  for (; i0 < M; i0++) tile1x8(q + <usize>i0 * rs, 4, kc, panel(), NR << 2, 1, beta, out + <usize>i0 * cs, nr);
}

/**
 * out[i, j] = Σ_k q[i, k] · scale_j · tab_j[k] for query rows q [M, D] (ld ldq) and the n items
 * of an int8 panel table starting at panel `tab` (items j0.. of the table: j0 a multiple of 8,
 * tab and scales already offset to it); out [M, n] with leading dimension ldo.
 */
export function score_i8_nt(M: i32, n: i32, D: i32, q: usize, ldq: i32, tab: usize, scales: usize, out: usize, ldo: i32): void {
  if (M <= 0 || n <= 0) return;
  const panelBytes = <usize>D * NR;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const nr = min(NR, n - j0);
    const src = tab + <usize>(j0 >> 3) * panelBytes;
    const sc = scales + (<usize>j0 << 2);
    const o = out + (<usize>j0 << 2);
    if (ASC_FEATURE_SIMD) {
      const s0 = v128.load(sc), s1 = v128.load(sc, 16);
      for (let k0 = 0; k0 < max(D, 1); k0 += KC) {
        const kc = min(KC, D - k0);
        unpackI8(src + <usize>k0 * NR, kc, s0, s1);
        tilePanel(M, kc, q + (<usize>k0 << 2), ldq, k0 == 0 ? 0 : 1, o, ldo, nr);
      }
      continue;
    }
    for (let i = 0; i < M; i++) {
      const qi = q + ((<usize>i * <usize>ldq) << 2);
      for (let j = 0; j < nr; j++) {
        const s = load<f32>(sc + (<usize>j << 2));
        let acc: f32 = 0;
        for (let k = 0; k < D; k++) acc += load<f32>(qi + (<usize>k << 2)) * (<f32>load<i8>(src + <usize>k * NR + <usize>j) * s);
        store<f32>(o + ((<usize>i * <usize>ldo + <usize>j) << 2), acc);
      }
    }
  }
}

/** As score_i8_nt for an f16 panel table (no scales): out[i, j] = Σ_k q[i, k] · tab_j[k]. */
export function score_f16_nt(M: i32, n: i32, D: i32, q: usize, ldq: i32, tab: usize, out: usize, ldo: i32): void {
  if (M <= 0 || n <= 0) return;
  const panelBytes = (<usize>D * NR) << 1;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const nr = min(NR, n - j0);
    const src = tab + <usize>(j0 >> 3) * panelBytes;
    const o = out + (<usize>j0 << 2);
    if (ASC_FEATURE_SIMD) {
      for (let k0 = 0; k0 < max(D, 1); k0 += KC) {
        const kc = min(KC, D - k0);
        unpackF16(src + ((<usize>k0 * NR) << 1), kc);
        tilePanel(M, kc, q + (<usize>k0 << 2), ldq, k0 == 0 ? 0 : 1, o, ldo, nr);
      }
      continue;
    }
    for (let i = 0; i < M; i++) {
      const qi = q + ((<usize>i * <usize>ldq) << 2);
      for (let j = 0; j < nr; j++) {
        let acc: f32 = 0;
        for (let k = 0; k < D; k++) acc += load<f32>(qi + (<usize>k << 2)) * halfToFloat(<u32>load<u16>(src + ((<usize>k * NR + <usize>j) << 1)));
        store<f32>(o + ((<usize>i * <usize>ldo + <usize>j) << 2), acc);
      }
    }
  }
}
