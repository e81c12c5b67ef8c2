// layout kernels: the copies of the shape ops (concatenation and slicing along the last axis:
// strided row blocks; the last-two-axes transpose), so they run in wasm and split between
// threads instead of looping over a typed array on the calling thread. `acc` 1 adds into the
// destination (gradients), 0 overwrites. Each element is one load and one store (or one add):
// the bits equal the JavaScript loops they replace.
import { ld, st, vld, vst } from './mem';

/** dst[r·ldd + j] (+)= src[r·lds + j] for r < rows, j < n (blocks must not overlap). */
export function copy_rows_f32(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, n: i32, acc: i32): void {
  if (n <= 0) return;
  for (let r = 0; r < rows; r++) {
    const s = src + ((<usize>r * <usize>lds) << 2);
    const d = dst + ((<usize>r * <usize>ldd) << 2);
    if (acc == 0) {
      memory.copy(d, s, (<usize>n) << 2);
      continue;
    }
    let j = 0;
    if (ASC_FEATURE_SIMD) for (; j + 4 <= n; j += 4) vst(d, j, f32x4.add(vld(d, j), vld(s, j)));
    for (; j < n; j++) st(d, j, ld(d, j) + ld(s, j));
  }
}

/** dst[b][j][i] (+)= src[b][i][j]: each of `batch` [R, C] blocks transposed to [C, R]. */
export function transpose_f32(src: usize, dst: usize, batch: i32, R: i32, C: i32, acc: i32): void {
  const size = <usize>R * <usize>C;
  for (let b = 0; b < batch; b++) {
    const s = src + ((<usize>b * size) << 2);
    const d = dst + ((<usize>b * size) << 2);
    for (let i = 0; i < R; i++) {
      const row = s + ((<usize>i * <usize>C) << 2);
      for (let j = 0; j < C; j++) {
        const p = d + ((<usize>j * <usize>R + <usize>i) << 2);
        const v = load<f32>(row + ((<usize>j) << 2));
        store<f32>(p, acc == 0 ? v : load<f32>(p) + v);
      }
    }
  }
}
