// Pure-TS reference of the f16-state optimizer kernels (assembly/optim-f16.ts): lazy Adam and row
// Adagrad whose state is f16 halves with a power-of-two scale per row. In float32 ('js') every
// operation is rounded like the wasm f32 instruction (Math.fround of the double result is the
// correctly rounded f32 for + − × ÷ √), so the halves, scales and params are bit-identical to the
// wasm builds; in float64 (the oracle) the arithmetic is exact-ish and only the stored state is
// rounded to f16 (by value: its values are not f32). Halves live in the int heap's bytes
// (pointer · 4 = byte base, as quant.ts).
import type { Floats } from './types.js';
import { fromHalfBits, toHalfBits } from './quant.js';

type I = Int32Array;
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** Biased exponent E of the row scale 2^(E-127) for largest magnitude x (see assembly/half.ts). */
function scaleExp(x: number): number {
  asFloat[0] = x;
  const e = bits[0] >>> 23;
  return e < 15 ? 1 : e - 14;
}
const pow2 = (E: number) => 2 ** (E - 127);
const ident = (x: number) => x;
/** Value of every f16 bit pattern (finite ones; the state never holds Inf/NaN). */
const HALF = Float64Array.from({ length: 65536 }, (_, h) => ((h & 0x7c00) === 0x7c00 ? NaN : fromHalfBits(h)));

/** f16 bits of an f32 value by its bits (as assembly/half.ts floatToHalf; |x| < 65520). */
function halfOfF32(x: number): number {
  asFloat[0] = x;
  const b = bits[0];
  const sign = (b >>> 16) & 0x8000;
  const a = b & 0x7fffffff;
  if (a < 0x38800000) {
    asFloat[0] = Math.abs(x) + 0.5; // rounds |x| to a multiple of 2^-24, ties to even
    return sign | (bits[0] - 0x3f000000);
  }
  return sign | ((a + 0xfff + ((a >>> 13) & 1) - 0x38000000) >>> 13);
}

/** Lazy Adam with f16 m and √v and their scales [rows, 2]; ids unique. */
export function adam_rows_f16(F: Floats, I: I, param: number, grad: number, m16: number, v16: number, scales: number, ids: number, count: number, d: number, lr: number, beta1: number, beta2: number, eps: number, bc1: number, bc2: number): void {
  const r32 = F instanceof Float32Array;
  const f = r32 ? Math.fround : ident;
  const half = r32 ? halfOfF32 : toHalfBits;
  const H = new Uint16Array(I.buffer, I.byteOffset);
  [lr, beta1, beta2, eps, bc1, bc2] = [lr, beta1, beta2, eps, bc1, bc2].map(f); // the wasm f32 arguments
  const a = f(lr / bc1);
  const rs = r32 ? f(1 / f(Math.sqrt(bc2))) : 1 / Math.sqrt(bc2);
  const c1 = f(1 - beta1);
  const c2 = f(1 - beta2);
  for (let r = 0; r < count; r++) {
    const id = I[ids + r];
    const p = param + id * d, g = grad + r * d, mh = m16 * 2 + id * d, vh = v16 * 2 + id * d, sc = scales + 2 * id;
    const sm = F[sc], sv = F[sc + 1];
    const mOf = (i: number) => f(f(beta1 * f(HALF[H[mh + i]] * sm)) + f(c1 * F[g + i]));
    const vOf = (i: number) => {
      const rv = f(HALF[H[vh + i]] * sv); // √v is stored
      return f(f(beta2 * f(rv * rv)) + f(c2 * f(F[g + i] * F[g + i])));
    };
    let mx = 0, vx = 0;
    for (let i = 0; i < d; i++) {
      mx = Math.max(mx, Math.abs(mOf(i)));
      vx = Math.max(vx, vOf(i));
    }
    const em = scaleExp(mx), ev = scaleExp(f(Math.sqrt(vx)));
    const im = 2 ** (127 - em), iv = 2 ** (127 - ev);
    for (let i = 0; i < d; i++) {
      const mi = mOf(i), sq = f(Math.sqrt(vOf(i)));
      H[mh + i] = half(f(mi * im));
      H[vh + i] = half(f(sq * iv));
      F[p + i] = f(F[p + i] - f(f(a * mi) / f(f(sq * rs) + eps)));
    }
    F[sc] = pow2(em);
    F[sc + 1] = pow2(ev);
  }
}

/** Row Adagrad with an f16 accumulator and scales [rows]: acc += g²; param -= lr g / (√acc + ε). */
export function adagrad_rows_f16(F: Floats, I: I, param: number, grad: number, acc16: number, scales: number, ids: number, count: number, d: number, lr: number, eps: number): void {
  const f = F instanceof Float32Array ? Math.fround : ident;
  const half = F instanceof Float32Array ? halfOfF32 : toHalfBits;
  const H = new Uint16Array(I.buffer, I.byteOffset);
  [lr, eps] = [f(lr), f(eps)];
  for (let r = 0; r < count; r++) {
    const id = I[ids + r];
    const p = param + id * d, g = grad + r * d, ah = acc16 * 2 + id * d, sc = scales + id;
    const s = F[sc];
    const accOf = (i: number) => f(f(HALF[H[ah + i]] * s) + f(F[g + i] * F[g + i]));
    let x = 0;
    for (let i = 0; i < d; i++) x = Math.max(x, accOf(i));
    const e = scaleExp(x);
    const inv = 2 ** (127 - e);
    for (let i = 0; i < d; i++) {
      const acc = accOf(i);
      H[ah + i] = half(f(acc * inv));
      F[p + i] = f(F[p + i] - f(f(lr * F[g + i]) / f(f(Math.sqrt(acc)) + eps)));
    }
    F[sc] = pow2(e);
  }
}

// The wasm builds keep their previous two-pass kernels under these names; here they are the same.
export { adam_rows_f16 as adam_rows_f16_ref, adagrad_rows_f16 as adagrad_rows_f16_ref };
