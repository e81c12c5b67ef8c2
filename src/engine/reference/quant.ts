// Pure-TS reference kernels of the quant family: the test oracle (in float64) and the no-wasm
// fallback (in float32). Same names and argument order as assembly/quant.ts, except that the
// first two arguments are the float and int heaps and pointers are element indices. Compact
// tables sit in the int heap's bytes (base = pointer · 4), in the panel layout: item j, dim k
// at panel (j >> 3), row k, lane (j & 7). Quantization rounds like the f32 kernels (Math.fround)
// so both give the same bytes; f16 rounding is computed from the value, not from bit tricks.
import type { Floats } from './types.js';

type I = Int32Array;
const NR = 8;
const fr = Math.fround;

/** Round half to even (f32.nearest). */
function nearestEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** f16 bits of x by value: round to nearest even, saturating at ±65504, NaN → 0. */
export function toHalfBits(x: number): number {
  if (Number.isNaN(x)) return 0;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a < 2 ** -14) return sign | nearestEven(a * 2 ** 24); // subnormal (1024 = smallest normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let m = nearestEven((a / 2 ** e) * 1024); // in [1024, 2048]
  if (m === 2048) {
    m = 1024;
    e++;
  }
  if (e > 15) return sign | 0x7bff;
  return sign | ((e + 15) << 10) | (m - 1024);
}

/** The value of f16 bits h (finite). */
export function fromHalfBits(h: number): number {
  const e = (h >> 10) & 31;
  const m = h & 1023;
  const v = e === 0 ? m * 2 ** -24 : (1024 + m) * 2 ** (e - 25);
  return h & 0x8000 ? -v : v;
}

const bytesOf = (I: I) => new Int8Array(I.buffer, I.byteOffset);
const halvesOf = (I: I) => new Uint16Array(I.buffer, I.byteOffset);
const padded = (rows: number) => Math.ceil(rows / NR) * NR;
/** Offset of item j, dim k inside a panel table, in elements of the table's type. */
const at = (j: number, k: number, d: number) => (j >> 3) * d * NR + k * NR + (j & 7);

/** int8 panel copy of x [rows, d] with per-row scale max|x|/127. */
export function quantize_i8_panels(F: Floats, I: I, x: number, rows: number, d: number, tab: number, scales: number): void {
  const B = bytesOf(I);
  for (let j = 0; j < padded(rows); j++) {
    let m = 0;
    if (j < rows) for (let k = 0; k < d; k++) m = Math.max(m, Math.abs(F[x + j * d + k]));
    const inv = m > 0 ? fr(127 / m) : 0;
    F[scales + j] = fr(m / 127);
    for (let k = 0; k < d; k++) {
      const q = j < rows ? Math.min(127, Math.max(-127, nearestEven(fr(F[x + j * d + k] * inv)))) : 0;
      B[tab * 4 + at(j, k, d)] = q;
    }
  }
}

/** f16 panel copy of x [rows, d]. */
export function f16_panels(F: Floats, I: I, x: number, rows: number, d: number, tab: number): void {
  const H = halvesOf(I);
  for (let j = 0; j < padded(rows); j++) {
    for (let k = 0; k < d; k++) H[tab * 2 + at(j, k, d)] = j < rows ? toHalfBits(F[x + j * d + k]) : 0;
  }
}

/** Row-major f32 [rows, d] of an int8 panel table. */
export function dequantize_i8_panels(F: Floats, I: I, tab: number, scales: number, rows: number, d: number, out: number): void {
  const B = bytesOf(I);
  for (let j = 0; j < rows; j++) for (let k = 0; k < d; k++) F[out + j * d + k] = fr(B[tab * 4 + at(j, k, d)] * F[scales + j]);
}

/** Row-major f32 [rows, d] of an f16 panel table. */
export function f16_panels_to_f32(F: Floats, I: I, tab: number, rows: number, d: number, out: number): void {
  const H = halvesOf(I);
  for (let j = 0; j < rows; j++) for (let k = 0; k < d; k++) F[out + j * d + k] = fromHalfBits(H[tab * 2 + at(j, k, d)]);
}

/** out[i, j] = Σ_k q[i, k] · fround(tab_j[k] · scale_j), items from the panel at `tab`. */
export function score_i8_nt(F: Floats, I: I, M: number, n: number, D: number, q: number, ldq: number, tab: number, scales: number, out: number, ldo: number): void {
  const B = bytesOf(I);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < D; k++) acc += F[q + i * ldq + k] * fr(B[tab * 4 + at(j, k, D)] * F[scales + j]);
      F[out + i * ldo + j] = acc;
    }
  }
}

/** out[i, j] = Σ_k q[i, k] · tab_j[k] for an f16 panel table. */
export function score_f16_nt(F: Floats, I: I, M: number, n: number, D: number, q: number, ldq: number, tab: number, out: number, ldo: number): void {
  const H = halvesOf(I);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let k = 0; k < D; k++) acc += F[q + i * ldq + k] * fromHalfBits(H[tab * 2 + at(j, k, D)]);
      F[out + i * ldo + j] = acc;
    }
  }
}
