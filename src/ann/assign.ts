// Nearest-centroid assignment in the wasm kernels: for rows x [n, D] and centroids c [k, D],
// argmin_j ‖x − c_j‖² = argmax_j (⟨x, c_j⟩ − ‖c_j‖²/2), computed one chunk of rows at a time as
// a GEMM (x·cᵀ), a row-bias add and an argmax (ties to the lower centroid). Used by k-means
// training and by the IVF build to place every item in its list. Scratch is arena memory,
// released before returning, so a 1M-row assignment never holds more than one score chunk.
import type { Engine } from '../engine/engine.js';
import { ptrAt, type Ptr } from '../engine/abi/index.js';

/** Rows in engine memory: `rows` float32 rows of `dim` values at byte pointer `ptr`. */
export interface HeapRows {
  engine: Engine;
  ptr: Ptr;
  rows: number;
  dim: number;
}

/** Score-matrix floats per GEMM chunk (16 MiB): bounds the scratch whatever n and k are. */
const MAX_SCORES = 1 << 22;

/** bias[j] = −‖c_j‖²/2 into `bias` (byte pointer, k floats). */
export function centroidBias(e: Engine, cent: Ptr, k: number, D: number, bias: Ptr): void {
  e.k.dot_rows_f32(cent, cent, bias, k, D);
  e.k.scale_f32(bias, -0.5, bias, k);
}

/**
 * out[r] = index of the centroid nearest (L2) to row r of x, for rows 0..n−1.
 * @param x byte pointer of [n, D] f32 rows
 * @param cent byte pointer of [k, D] f32 centroids
 * @param bias byte pointer of [k] f32 = −‖c_j‖²/2 (see centroidBias)
 */
export function assignNearest(e: Engine, x: Ptr, n: number, D: number, cent: Ptr, k: number, bias: Ptr, out: Int32Array): void {
  if (out.length < n) throw new Error(`assignNearest: out has ${out.length} slots for ${n} rows`);
  if (n === 0) return;
  if (k < 1) throw new Error('assignNearest: no centroids');
  const h = e.heap;
  const mark = h.mark();
  try {
    const RC = Math.max(1, Math.min(n, Math.floor(MAX_SCORES / k)));
    const S = h.scratch(RC * k * 4); // [RC, k]
    const idx = h.scratch(RC * 4); // [RC] i32
    for (let r0 = 0; r0 < n; r0 += RC) {
      const rows = Math.min(RC, n - r0);
      e.k.gemm_f32_nt(rows, k, D, 1, ptrAt(x, r0 * D * 4), D, cent, D, 0, S, k); // [rows, k] = x·cᵀ
      e.k.add_row_f32(S, bias, S, rows, k); // − ‖c‖²/2
      e.k.argmax_rows_f32(S, idx, rows, k);
      out.set(h.i32.subarray(idx >>> 2, (idx >>> 2) + rows), r0);
    }
  } finally {
    h.release(mark);
  }
}
