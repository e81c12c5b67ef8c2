// gemm micro-kernels of the SIMD build (imported by gemm.ts): packing of B panels into the static
// buffer, the 4x8 register tile and its one-row remainder, and the C write-back with
// alpha/beta. Offsets and strides here are in bytes. Everything is @inline: a tile that is a real
// call, or that keeps more than ~11 v128 values live, makes V8 spill and halves the speed.
import { SCRATCH } from './scratch';

/** Register tile 4 rows x 8 columns: 8 v128 accumulators + 2 B vectors + 1 A splat = 11 xmm.
 *  Measured here: 4x8 reaches 47-50 GFLOP/s at 512^3, while 5x8 (13 live v128) spills under
 *  Node 20's V8 and drops to 21, whatever performance.md's probe got. */
export const MR = 4;
export const NR = 8;
/** K block: a packed panel of KC x NR floats (8 KiB) stays in L1 while the rows of A stream past. */
export const KC = 256;

/** The packed B panel (KC x NR f32) and the write-back tile live in this instance's scratch
 *  (scratch.ts): static data on one thread, a per-worker block on shared memory. */
// @ts-ignore: decorator
@inline export function panel(): usize {
  return SCRATCH;
}
// @ts-ignore: decorator
@inline function tileBuf(): usize {
  return SCRATCH + 8192;
}

/**
 * Pack B(k0..k0+kc, j0..j0+nr) — element (k, j) at b + k*bks + j*bns bytes — as kc rows of
 * NR floats, zero-padded past nr. Contiguous rows copy by vectors; a transposed B (NT,
 * bks = 4) goes through 4x4 shuffles.
 */
// @ts-ignore: decorator
@inline export function packPanel(b: usize, bks: usize, bns: usize, kc: i32, nr: i32): void {
  let dst = panel();
  const ws: usize = NR << 2;
  if (nr == NR && bns == 4) {
    let src = b;
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += bks;
      dst += ws;
    }
    return;
  }
  let k = 0;
  if (nr == NR && bks == 4) {
    for (; k + 4 <= kc; k += 4) {
      for (let h = 0; h < NR; h += 4) {
        const r = b + (<usize>k << 2) + <usize>h * bns;
        const x0 = v128.load(r), x1 = v128.load(r + bns), x2 = v128.load(r + 2 * bns), x3 = v128.load(r + 3 * bns);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        const d = dst + (<usize>h << 2);
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(d + ws, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
        v128.store(d + 2 * ws, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
        v128.store(d + 3 * ws, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
      }
      dst += 4 * ws;
    }
  }
  for (; k < kc; k++) {
    const row = b + <usize>k * bks;
    for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < nr ? load<f32>(row + <usize>j * bns) : 0);
    dst += ws;
  }
}

/** c[0..nr) = alpha*acc + beta*c for one C row (two vectors); beta = 0 never reads c. */
// @ts-ignore: decorator
@inline export function writeRow(c: usize, lo: v128, hi: v128, alpha: f32, beta: f32, nr: i32): void {
  const va = f32x4.splat(alpha);
  let r0 = f32x4.mul(lo, va);
  let r1 = f32x4.mul(hi, va);
  if (nr == NR) {
    if (beta != 0) {
      const vb = f32x4.splat(beta);
      r0 = f32x4.add(r0, f32x4.mul(v128.load(c), vb));
      r1 = f32x4.add(r1, f32x4.mul(v128.load(c, 16), vb));
    }
    v128.store(c, r0);
    v128.store(c, r1, 16);
    return;
  }
  const TILE = tileBuf();
  v128.store(TILE, r0);
  v128.store(TILE, r1, 16);
  for (let j = 0; j < nr; j++) {
    const p = c + (<usize>j << 2);
    const v = load<f32>(TILE + (<usize>j << 2));
    store<f32>(p, beta != 0 ? v + beta * load<f32>(p) : v);
  }
}

/**
 * c + a·b per lane, as a separate mul and add: a fused (relaxed-simd) madd rounds differently
 * on different hosts, and every build must give the same bits everywhere.
 */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b));
}

/** 4x8 tile: rows of A at a + r*rs, k stride ks; B rows (8 floats) at pb + k*bs; C rows ldc apart. */
// @ts-ignore: decorator
@inline export function tile4x8(a: usize, rs: usize, ks: usize, kc: i32, pb: usize, bs: usize, alpha: f32, beta: f32, c: usize, ldc: usize, nr: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let p0 = a;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(p0);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(p0 + rs);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(p0 + 2 * rs);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(p0 + 3 * rs);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    p0 += ks;
    pb += bs;
  }
  writeRow(c, c00, c01, alpha, beta, nr);
  writeRow(c + ldc, c10, c11, alpha, beta, nr);
  writeRow(c + 2 * ldc, c20, c21, alpha, beta, nr);
  writeRow(c + 3 * ldc, c30, c31, alpha, beta, nr);
}

/** 1x8 tile (row remainders of the 4x8 sweep). */
// @ts-ignore: decorator
@inline export function tile1x8(a: usize, ks: usize, kc: i32, pb: usize, bs: usize, alpha: f32, beta: f32, c: usize, nr: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  let p0 = a;
  for (let k = 0; k < kc; k++) {
    const av = v128.load32_splat(p0);
    c0 = madd(av, v128.load(pb), c0);
    c1 = madd(av, v128.load(pb, 16), c1);
    p0 += ks;
    pb += bs;
  }
  writeRow(c, c0, c1, alpha, beta, nr);
}
