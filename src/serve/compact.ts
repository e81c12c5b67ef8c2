// Compact item tables for serving on memory-limited hosts: an int8 copy with one f32 scale per
// item (symmetric, scale = max|x| / 127) or a float16 copy of the item embedding table, in the
// engine's pool memory in the panel layout of assembly/quant.ts (items in groups of 8). Scoring
// reads the compact bytes directly (score_i8_nt / score_f16_nt); retrieve() uses it through
// `RetrieveOptions.table`. The float32 table stays the model's (histories are encoded from it).
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../tensor.js';
import { NULL_PTR, ptrAt, type Ptr } from '../engine/abi/index.js';

/** Compact encodings: int8 with a per-item scale, or IEEE float16 (round to nearest even). */
export type CompactFormat = 'int8' | 'f16';

/** Items per panel of the layout: blocks handed to `scoreInto` start at multiples of this. */
export const PANEL_ITEMS = 8;

export class CompactItemTable {
  private constructor(
    readonly engine: Engine,
    readonly format: CompactFormat,
    /** Rows of the source table (item 0, padding, included). */
    readonly rows: number,
    /** Embedding dimension D. */
    readonly dim: number,
    /** Pool block of the compact values: ceil(rows/8)·8·D bytes (int8) or halves (f16). */
    readonly ptr: Ptr,
    /** Pool block of the per-item f32 scales (int8 only; 0 for f16). */
    readonly scales: Ptr,
  ) {}

  /** A compact copy of an item table E [N, D] (float32, finite). */
  static fromTable(E: Tensor, format: CompactFormat): CompactItemTable {
    if (format !== 'int8' && format !== 'f16') throw new Error(`CompactItemTable: format "${format}"; expected 'int8' or 'f16'`);
    if (E.rank !== 2 || E.dtype !== 'f32') throw new Error(`CompactItemTable: expected a 2-D f32 item table, got ${E.describe()}`);
    const e = E.engine;
    const [N, D] = E.shape;
    const bad = e.k.check_finite_f32(E.ptr, N * D) as number;
    if (bad >= 0) throw new Error(`CompactItemTable: item table ${E.describe()} holds NaN/Inf at row ${Math.floor(bad / D)}; cannot quantize it`);
    const pad = Math.ceil(N / PANEL_ITEMS) * PANEL_ITEMS;
    if (format === 'int8') {
      const tab = e.heap.alloc(pad * D); // [pad/8, D, 8] int8
      const scales = e.heap.alloc(pad * 4); // [pad] f32
      e.k.quantize_i8_panels(E.ptr, N, D, tab, scales);
      return new CompactItemTable(e, format, N, D, tab, scales);
    }
    const tab = e.heap.alloc(pad * D * 2); // [pad/8, D, 8] f16
    e.k.f16_panels(E.ptr, N, D, tab);
    return new CompactItemTable(e, format, N, D, tab, NULL_PTR);
  }

  /** Bytes per item: D (int8) + 4 (its scale), or 2·D (f16); float32 would be 4·D. */
  get bytesPerItem(): number {
    return this.format === 'int8' ? this.dim + 4 : 2 * this.dim;
  }

  /** Bytes held (values and scales, padding to a multiple of 8 items included). */
  get byteLength(): number {
    return Math.ceil(this.rows / PANEL_ITEMS) * PANEL_ITEMS * this.bytesPerItem;
  }

  /**
   * out[r, j] = <q_r, item i0 + j> for `rows` query rows at byte pointer q (leading dim ldq,
   * elements) and items i0 .. i0 + n − 1 (i0 a multiple of 8); out has leading dimension ldo.
   */
  scoreInto(rows: number, q: Ptr, ldq: number, i0: number, n: number, out: Ptr, ldo: number): void {
    if (i0 % PANEL_ITEMS !== 0 || i0 < 0 || i0 + n > this.rows) {
      throw new Error(`CompactItemTable.scoreInto: items [${i0}, ${i0 + n}) must start at a multiple of ${PANEL_ITEMS} inside [0, ${this.rows})`);
    }
    const k = this.engine.k;
    if (this.format === 'int8') k.score_i8_nt(rows, n, this.dim, q, ldq, ptrAt(this.ptr, i0 * this.dim), ptrAt(this.scales, i0 * 4), out, ldo);
    else k.score_f16_nt(rows, n, this.dim, q, ldq, ptrAt(this.ptr, i0 * this.dim * 2), out, ldo);
  }

  /** Scores of queries [M, D] (row-major floats) against every item: [M, rows] (tests, small tables). */
  score(queries: ArrayLike<number>): Float32Array {
    const D = this.dim;
    const M = queries.length / D;
    if (!Number.isInteger(M)) throw new Error(`CompactItemTable.score: ${queries.length} query floats are not rows of D = ${D}`);
    const h = this.engine.heap;
    const q = h.alloc(Math.max(1, M * D) * 4);
    const out = h.alloc(Math.max(1, M * this.rows) * 4);
    try {
      h.floats.set(queries, q >>> 2);
      this.scoreInto(M, q, D, 0, this.rows, out, this.rows);
      return Float32Array.from(h.floats.subarray(out >>> 2, (out >>> 2) + M * this.rows));
    } finally {
      h.free(q);
      h.free(out);
    }
  }

  /** The table decoded back to float32 [rows, D] (what scoring effectively multiplies with). */
  toFloat32(): Float32Array {
    const h = this.engine.heap;
    const out = h.alloc(Math.max(1, this.rows * this.dim) * 4);
    try {
      if (this.format === 'int8') this.engine.k.dequantize_i8_panels(this.ptr, this.scales, this.rows, this.dim, out);
      else this.engine.k.f16_panels_to_f32(this.ptr, this.rows, this.dim, out);
      return Float32Array.from(h.floats.subarray(out >>> 2, (out >>> 2) + this.rows * this.dim));
    } finally {
      h.free(out);
    }
  }

  /** Return the pool memory. The table must not be used afterwards. */
  dispose(): void {
    this.engine.heap.free(this.ptr);
    if (this.scales) this.engine.heap.free(this.scales);
  }

  toString(): string {
    return `CompactItemTable(${this.format}, ${this.rows}x${this.dim}, ${(this.byteLength / 1048576).toFixed(1)}MiB)`;
  }
}
